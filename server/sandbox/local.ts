// Local mode: a learner program runs without the bubblewrap sandbox, for one learner on their own
// machine where bubblewrap or root is missing (mode.ts decides when that is allowed). The program
// is a separate, detached process (its own process group, killed as a group at the end) running as
// the server's user, in a fresh temporary directory that is its cwd, HOME and TMPDIR and is deleted
// afterwards, with an environment of only PATH, LANG, HOME, TMPDIR and the lab's variables. Limits
// are the sandbox's where this OS can apply them: rlimits through prlimit (or the shell's ulimit
// where there is no prlimit), and the supervisor's wall clock and output caps. There is no
// filesystem or network isolation and no per-run UID: the program can read what the user can and
// reach what the user can. The broker relay stays in the path on a loopback port of its own, so
// faults and refusals of admin APIs work as in the sandbox.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PRLIMIT } from './command.ts';
import { languageLimits, type ProgramLaunch } from './launch.ts';
import { resolveLimits, type Limits } from './limits.ts';
import { startTcpBrokerRelay, type TcpBrokerRelay } from './relay.ts';
import { SandboxError, supervise, validateSpec, type ProgramSpec, type SandboxedProgram } from './supervise.ts';
import { defaultTap } from './wire-log.ts';
import { javaToolchain, jvmFlags } from '../toolchains/java.ts';
import { pythonToolchain } from '../toolchains/python.ts';

const LAUNCHER = join(dirname(fileURLToPath(import.meta.url)), 'launcher.cjs');
const SH = '/bin/sh';
/** V8 heap of the launcher when it only starts a program in another language. */
const EXEC_ONLY_HEAP_MB = 64;

/** Which limits this host can apply to a local run, for sandboxSupport(). */
export function localLimitTool(): 'prlimit' | 'ulimit' | 'none' {
  if (existsSync(PRLIMIT)) return 'prlimit';
  return existsSync(SH) ? 'ulimit' : 'none';
}

/**
 * The command prefix that applies the per-process rlimits of `limits` before `exec`ing the program.
 * RLIMIT_NPROC is left out: without a UID of its own it would count every process of the user.
 */
export function rlimitPrefix(limits: Limits, tool = localLimitTool()): string[] {
  if (tool === 'prlimit') {
    return [
      PRLIMIT, `--cpu=${limits.cpuSeconds}:${limits.cpuSeconds + 1}`, `--as=${limits.addressSpaceMb * 1024 * 1024}`,
      `--nofile=${limits.openFiles}`, `--fsize=${limits.fileSizeBytes}`, '--core=0', '--',
    ];
  }
  if (tool === 'ulimit') {
    // Each limit on its own: an OS that refuses one (macOS has no settable RLIMIT_AS) keeps the rest.
    // POSIX sh counts -v in KiB and -f in 512-byte blocks.
    const sets = [
      `-t ${limits.cpuSeconds}`, `-v ${limits.addressSpaceMb * 1024}`, `-n ${limits.openFiles}`,
      `-f ${Math.ceil(limits.fileSizeBytes / 512)}`, '-c 0',
    ].map((s) => `ulimit ${s} 2>/dev/null;`).join(' ');
    return [SH, '-c', `${sets} exec "$@"`, 'lagzero-local'];
  }
  return [];
}

/**
 * The program's whole environment: PATH and LANG (so the runtime starts and prints UTF-8), its
 * own HOME and TMPDIR, and the lab's variables with the broker's address replaced by the relay's.
 */
export function localEnv(labEnv: Record<string, string>, brokerPort: number, relayPort: number, home: string): Record<string, string> {
  const broker = new RegExp(`\\b(?:127\\.0\\.0\\.1|localhost):${brokerPort}(?!\\d)`, 'g');
  const env: Record<string, string> = { PATH: process.env.PATH || '/usr/local/bin:/usr/bin:/bin', LANG: process.env.LANG || 'C.UTF-8' };
  for (const [k, v] of Object.entries(labEnv)) env[k] = v.replace(broker, `127.0.0.1:${relayPort}`);
  env.HOME = home;
  env.TMPDIR = home;
  return env;
}

/** Writes the program into `dir` and returns the launcher's arguments after its port and socket. */
function prepareLocalLaunch(launch: ProgramLaunch, dir: string, limits: Limits): { heapMb: number; args: string[] } {
  const write = (rel: string, data: string | Uint8Array) => {
    const path = join(dir, rel);
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    writeFileSync(path, data, { mode: 0o600 });
    return path;
  };
  switch (launch.language) {
    case 'typescript':
      return { heapMb: limits.heapMb, args: ['import', write('main.mjs', launch.js)] };
    case 'java': {
      const tc = javaToolchain();
      if (!tc.ok) throw new Error(`Java is not available: ${tc.problem}. ${tc.fix}`);
      const t = tc.toolchain;
      for (const [rel, bytes] of Object.entries(launch.classes.files)) {
        const clean = normalize(rel);
        if (!/^[\w$/-]+\.class$/.test(clean) || clean.startsWith('/') || clean.split('/').includes('..')) throw new Error(`bad class file name ${JSON.stringify(rel)}`);
        write(join('classes', clean), bytes);
      }
      // No AppCDS archive: it records the sandbox's classpath (/lagzero/java/libs), which does not exist here.
      const exec = [
        t.java, ...jvmFlags({ heapMb: limits.heapMb, processors: 1 }), `-Djava.io.tmpdir=${dir}`, ...t.host.nativeProperties,
        '-cp', [...t.host.classpath, join(dir, 'classes')].join(':'), launch.classes.mainClass,
      ];
      return { heapMb: EXEC_ONLY_HEAP_MB, args: ['exec', ...exec] };
    }
    case 'python': {
      const tc = pythonToolchain();
      if (!tc.ok) throw new Error(`Python is not available: ${tc.problem}. ${tc.fix}`);
      return { heapMb: EXEC_ONLY_HEAP_MB, args: ['exec', ...tc.toolchain.hostCommand, write('main.py', launch.source)] };
    }
  }
}

/** Sends `signal` to every process of the group; false once the group is gone. */
export function signalGroup(pgid: number | undefined, signal: NodeJS.Signals): boolean {
  if (!pgid) return false;
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/** SIGKILLs the group until it is gone (a process forking in a loop may need a few passes). */
export async function killGroup(pgid: number | undefined, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (signalGroup(pgid, 'SIGKILL')) {
    if (Date.now() > deadline) throw new Error(`process group ${pgid} survived SIGKILL for ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A fresh private directory for one local process (cwd, HOME and TMPDIR). */
export function localRunDir(): string {
  return mkdtempSync(join(tmpdir(), 'lagzero-local-'));
}

/** Starts one instance in local mode; resolves once the program's code is about to run. */
export async function startLocalProgram(spec: ProgramSpec): Promise<SandboxedProgram> {
  const launch = validateSpec(spec);
  const limits = resolveLimits({ ...languageLimits(launch.language), ...spec.limits });
  const label = spec.label ?? 'learner program';
  let dir: string | undefined;
  let relay: TcpBrokerRelay | undefined;
  let pgid: number | undefined;
  const cleanup = async () => {
    await relay?.close().catch(() => {});
    await killGroup(pgid).catch((err) => console.error(`local run ${label}:`, err));
    if (dir) await rm(dir, { recursive: true, force: true }).catch((err) => console.error(`local run ${label}: could not remove ${dir}:`, err));
  };
  let child: ReturnType<typeof spawn>;
  try {
    dir = localRunDir();
    const program = prepareLocalLaunch(launch, dir, limits);
    relay = await startTcpBrokerRelay(spec.broker.port, limits.brokerConnections, spec.tap ?? defaultTap());
    const argv = [...rlimitPrefix(limits), process.execPath, `--max-old-space-size=${program.heapMb}`, LAUNCHER, '-', '-', ...program.args];
    // detached: a process group of its own (pgid = pid), so the whole of it can be signalled at once.
    child = spawn(argv[0], argv.slice(1), {
      cwd: dir, env: localEnv(spec.env, spec.broker.port, relay.port, dir), detached: true,
      stdio: [spec.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe', 'pipe'],
    });
    pgid = child.pid;
    child.stdin?.on('error', () => {});
  } catch (err) {
    await cleanup();
    throw new SandboxError(`could not start the local run for ${label}: ${(err as Error).message}`);
  }
  return supervise({
    child, launch, limits, label, spec, uid: process.getuid?.() ?? -1, what: 'local run', cleanup,
    killAll: () => void signalGroup(pgid, 'SIGKILL'),
    // What the program left running dies with it, as a sandbox's PID namespace would.
    onExit: () => void signalGroup(pgid, 'SIGKILL'),
    pause: async () => void signalGroup(pgid, 'SIGSTOP'),
    resume: async () => void signalGroup(pgid, 'SIGCONT'),
  });
}
