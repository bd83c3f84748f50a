// The syntax check of a learner's main.py: the venv's interpreter compiles the source to bytecode
// (compile(), the same parser py_compile uses; nothing is executed) inside the sandbox, with the
// same binds and rlimits as a run and a wall-clock timeout, so the parser's worst cases cost a
// confined child, never the server (in local mode, mode.ts: a plain child with rlimits). Python has no separate compile artefact: a clean source is
// then run by startSandboxedProgram({ launch: { language: 'python', source } }).
import { spawn, type ChildProcess } from 'node:child_process';
import { chownSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { buildSandboxArgv, withOptionsOnFd } from './command.ts';
import { formatDiagnostics, type SourceDiagnostic } from './diagnostics.ts';
import { resolveLimits } from './limits.ts';
import { killAllOfUid } from './procs.ts';
import { killGroup, localEnv, localRunDir, rlimitPrefix, signalGroup } from './local-process.ts';
import { currentSandboxMode } from './mode.ts';
import { acquireSlot, createRunDir, launcherPath, removeRunDir } from './slots.ts';
import { pythonToolchain, type PythonToolchain } from '../toolchains/python.ts';

/** Clean, or errors the learner can act on: `error` reads `main.py:LINE:COL: message`, the source line and a caret. */
export type PythonCheckResult = { ok: true } | { ok: false; error: string; diagnostics: SourceDiagnostic[] };

/** Limits of the syntax check. */
export interface PythonCheckLimits {
  timeoutMs: number;
  maxSourceBytes: number;
}

export const DEFAULT_PYTHON_CHECK_LIMITS: Readonly<PythonCheckLimits> = Object.freeze({ timeoutMs: 10_000, maxSourceBytes: 512 * 1024 });

const FILE = 'main.py';
const CHECK = [
  'import json, sys',
  "src = open(sys.argv[1], encoding='utf-8', errors='surrogateescape').read()",
  'try:',
  "    compile(src, 'main.py', 'exec', dont_inherit=True)",
  "    r = {'ok': True}",
  'except SyntaxError as e:',
  '    line, col = e.lineno or 0, e.offset or 0',
  // Python counts code points; editors (and the other languages here) count UTF-16 units.
  "    text = src.split('\\n')[line - 1] if 0 < line <= src.count('\\n') + 1 else ''",
  "    col = len(text[:max(col - 1, 0)].encode('utf-16-le', 'surrogatepass')) // 2 + 1 if col > 0 else 0",
  "    r = {'ok': False, 'line': line, 'column': col, 'message': f'{type(e).__name__}: {e.msg}'}",
  'except (ValueError, MemoryError, RecursionError) as e:',
  "    r = {'ok': False, 'line': 0, 'column': 0, 'message': f'{type(e).__name__}: {e}'}",
  "sys.stdout.write(json.dumps(r) + '\\n')",
].join('\n');

function fail(message: string, line = 0, column = 0): PythonCheckResult {
  const diagnostics = [{ file: FILE, line, column, message }];
  return { ok: false, error: message, diagnostics };
}

/** Checks `source` for syntax errors without running it. Never throws for bad input. */
export async function checkPython(source: string, overrides: Partial<PythonCheckLimits> = {}): Promise<PythonCheckResult> {
  const limits = { ...DEFAULT_PYTHON_CHECK_LIMITS, ...overrides };
  if (typeof source !== 'string') return fail('The program must be text');
  const bytes = Buffer.byteLength(source);
  if (bytes > limits.maxSourceBytes) return fail(`The program is ${bytes} bytes; the limit is ${limits.maxSourceBytes} bytes`);
  const tc = pythonToolchain();
  if (!tc.ok) return fail(`Checking failed: Python is not available here: ${tc.problem}. ${tc.fix}`);
  const mode = currentSandboxMode();
  if (mode.mode === 'refused') return fail(`Checking failed: ${mode.refusal}`);
  const started = mode.mode === 'local' ? startLocal(tc.toolchain, source) : await startSandboxed(tc.toolchain, source, limits);
  const { child } = started;
  try {
    let out = '';
    let err = '';
    child.stdout!.setEncoding('utf8').on('data', (s: string) => { if (out.length < 65536) out += s; });
    child.stderr!.setEncoding('utf8').on('data', (s: string) => { if (err.length < 8192) err += s; });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      if (!signalGroup(child.pid, 'SIGKILL')) child.kill('SIGKILL');
    }, limits.timeoutMs);
    child.on('error', () => {});
    await new Promise((r) => child.on('close', r));
    clearTimeout(timer);
    if (timedOut) return fail(`Checking took longer than ${limits.timeoutMs / 1000} s and was stopped; simplify the program`);
    let r: { ok: boolean; line?: number; column?: number; message?: string };
    try {
      r = JSON.parse(out.trim().split('\n').pop() ?? '');
    } catch {
      return fail(`Checking failed: the checker ran out of resources or crashed (${err.trim().split('\n').slice(-2).join(' ') || 'no output'}); simplify the program`);
    }
    if (r.ok) return { ok: true };
    const d: SourceDiagnostic = { file: FILE, line: r.line ?? 0, column: r.column ?? 0, message: r.message ?? 'syntax error' };
    return { ok: false, error: formatDiagnostics([d], source), diagnostics: [d] };
  } finally {
    await started.teardown();
  }
}

/** The check's process and how to free what it had. */
interface Started {
  child: ChildProcess;
  teardown(): Promise<void>;
}

/** In the sandbox: a slot UID, the same binds as a run, the source at /sandbox/main.py. */
async function startSandboxed(t: PythonToolchain, source: string, limits: PythonCheckLimits): Promise<Started> {
  const slot = await acquireSlot();
  const run = createRunDir(slot);
  const teardown = async () => {
    await killAllOfUid(slot.uid).catch(() => {});
    await removeRunDir(run.dir).catch(() => {});
    slot.release();
  };
  try {
    const file = join(run.boxDir, FILE);
    writeFileSync(file, source, { mode: 0o640 });
    chownSync(file, 0, slot.gid);
    const full = buildSandboxArgv({
      uid: slot.uid, gid: slot.gid, limits: resolveLimits({ cpuSeconds: Math.ceil(limits.timeoutMs / 1000) }), boxDir: run.boxDir,
      launcherPath: launcherPath(), env: {}, roBinds: t.binds, command: [...t.command, '-c', CHECK, `/sandbox/${FILE}`],
    });
    const { argv, payload } = withOptionsOnFd(full, 4);
    const child = spawn(argv[0], argv.slice(1), { env: {}, stdio: ['ignore', 'pipe', 'pipe', 'ignore', 'pipe'] });
    (child.stdio[4] as NodeJS.WritableStream & { on(e: 'error', f: () => void): void }).on('error', () => {});
    (child.stdio[4] as NodeJS.WritableStream).end(payload);
    return { child, teardown };
  } catch (err) {
    await teardown();
    throw err;
  }
}

/** Local mode: the venv interpreter as a detached process of the server's user, with rlimits, in a private temp dir. */
function startLocal(t: PythonToolchain, source: string): Started {
  const dir = localRunDir();
  const file = join(dir, FILE);
  writeFileSync(file, source, { mode: 0o600 });
  const argv = [...rlimitPrefix(resolveLimits({})), ...t.hostCommand, '-c', CHECK, file];
  const child = spawn(argv[0], argv.slice(1), { cwd: dir, env: localEnv({}, 0, 0, dir), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  return {
    child,
    teardown: async () => {
      await killGroup(child.pid).catch(() => {});
      await rm(dir, { recursive: true, force: true }).catch(() => {});
    },
  };
}
