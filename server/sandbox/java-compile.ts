// Compiles a learner's Main.java against kafka-clients, outside the server process and inside the
// sandbox. A warm compiler (server/toolchains/java/CompileServer.java: javax.tools in a long-lived
// JVM fed over a pipe) runs confined like a learner program: its own slot UID, rlimits, bubblewrap
// with only the JDK, the client jars and the compiler's class bound read-only, no network. It was
// chosen over `javac` per compile by measurement (bench/java-compile.ts: ~0.1 s against ~2 s).
// Annotation processing is off, so no learner code runs while compiling; a request that overruns
// its time kills the compiler (the next request starts a fresh one). In local mode (mode.ts) the
// same compiler runs as a plain process of the server's user, with rlimits and host paths.
import { spawn, type ChildProcess } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { buildSandboxArgv, withOptionsOnFd } from './command.ts';
import { resolveLimits } from './limits.ts';
import { killAllOfUid } from './procs.ts';
import { formatDiagnostics, type SourceDiagnostic } from './diagnostics.ts';
import { javaAppCds } from './java-cds.ts';
import { killGroup, localEnv, localRunDir, rlimitPrefix, signalGroup } from './local-process.ts';
import { currentSandboxMode } from './mode.ts';
import { acquireSlot, createRunDir, launcherPath, removeRunDir } from './slots.ts';
import { javaToolchain, jvmFlags, type JavaToolchain } from '../toolchains/java.ts';

/** Compiled classes, ready for `startSandboxedProgram({ launch: { language: 'java', classes } })`. */
export interface JavaClasses {
  /** Binary name of the class whose `main` runs, e.g. "Main" or "com.acme.Main". */
  mainClass: string;
  /** Class files by path relative to the classpath root, e.g. "Main.class", "Main$Handler.class". */
  files: Record<string, Uint8Array>;
}

/** Classes, or errors the learner can act on: `error` reads like the TypeScript bundler's (`Main.java:LINE:COL: message`, source line, caret). */
export type JavaCompileResult =
  | { ok: true; classes: JavaClasses }
  | { ok: false; error: string; diagnostics: SourceDiagnostic[] };

/** Limits of the compile step. */
export interface JavaCompileLimits {
  /** Per request, from the moment the compiler starts on it (a cold compiler's start-up is not counted). */
  timeoutMs: number;
  /** Largest accepted source, in bytes. */
  maxSourceBytes: number;
}

export const DEFAULT_JAVA_COMPILE_LIMITS: Readonly<JavaCompileLimits> = Object.freeze({ timeoutMs: 20_000, maxSourceBytes: 512 * 1024 });

/** The learner's file name; the class named after it is the one that runs. */
const FILE = 'Main.java';
const MAIN = 'Main';
const COMPILER_INSIDE = '/lagzero/compiler';
/** The compiler's confinement: javac on a big file wants heap; it lives for many compiles, so CPU is per-request (timeout) plus a generous total. */
const COMPILER_LIMITS = resolveLimits({ heapMb: 384, addressSpaceMb: 2048, processes: 48, cpuSeconds: 600, openFiles: 256 });
const START_TIMEOUT_MS = 30_000;
const IDLE_MS = 120_000;
/** A fresh compiler after this many compiles bounds its heap growth and its share of the CPU limit. */
const MAX_COMPILES = 200;

interface Compiler {
  child: ChildProcess;
  ready: Promise<void>;
  buffer: string;
  stderr: string;
  compiles: number;
  onLine?: (line: string) => void;
  onExit?: (why: string) => void;
  dead: boolean;
  gone: Promise<void>;
}

interface Job {
  source: string;
  limits: JavaCompileLimits;
  resolve(result: JavaCompileResult): void;
  retried?: boolean;
}

let compiler: Compiler | undefined;
let idleTimer: NodeJS.Timeout | undefined;
let busy = false;
const queue: Job[] = [];

function fail(message: string): JavaCompileResult {
  return { ok: false, error: message, diagnostics: [{ file: FILE, line: 0, column: 0, message }] };
}

/** The compiler's process and how to free everything it had once it has closed. */
interface Spawned {
  child: ChildProcess;
  teardown(): Promise<void>;
}

/** The warm compiler in the sandbox: a slot UID, bubblewrap with only the JDK, the jars and its class. */
async function spawnSandboxed(t: JavaToolchain): Promise<Spawned> {
  const slot = await acquireSlot();
  let dir: string | undefined;
  try {
    const run = createRunDir(slot);
    dir = run.dir;
    const full = buildSandboxArgv({
      uid: slot.uid, gid: slot.gid, limits: COMPILER_LIMITS, boxDir: run.boxDir, launcherPath: launcherPath(), env: {},
      roBinds: [[t.home, t.home], ...t.binds, [t.compilerClasses, COMPILER_INSIDE]],
      command: [t.java, ...jvmFlags({ heapMb: COMPILER_LIMITS.heapMb, processors: 1 }), '-cp', COMPILER_INSIDE, 'CompileServer', t.classpath.join(':')],
    });
    const { argv, payload } = withOptionsOnFd(full, 4);
    const child = spawn(argv[0], argv.slice(1), { env: {}, stdio: ['pipe', 'pipe', 'pipe', 'ignore', 'pipe'] });
    const options = child.stdio[4] as NodeJS.WritableStream & { on(e: 'error', f: () => void): void };
    options.on('error', () => {});
    options.end(payload);
    return {
      child,
      teardown: async () => {
        await killAllOfUid(slot.uid).catch((err) => console.error('java compiler:', err));
        await removeRunDir(run.dir).catch((err) => console.error('java compiler:', err));
        slot.release();
      },
    };
  } catch (err) {
    if (dir) await removeRunDir(dir).catch(() => {});
    slot.release();
    throw err;
  }
}

/** Local mode: the same compiler as a detached process of the server's user, with rlimits, a private temp dir and host paths. */
function spawnLocal(t: JavaToolchain): Spawned {
  const dir = localRunDir();
  const argv = [
    ...rlimitPrefix(COMPILER_LIMITS), t.java, ...jvmFlags({ heapMb: COMPILER_LIMITS.heapMb, processors: 1 }), `-Djava.io.tmpdir=${dir}`,
    '-cp', t.compilerClasses, 'CompileServer', t.host.classpath.join(':'),
  ];
  const child = spawn(argv[0], argv.slice(1), { cwd: dir, env: localEnv({}, 0, 0, dir), detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
  return {
    child,
    teardown: async () => {
      await killGroup(child.pid).catch((err) => console.error('java compiler:', err));
      await rm(dir, { recursive: true, force: true }).catch((err) => console.error('java compiler:', err));
    },
  };
}

async function startCompiler(): Promise<Compiler> {
  const tc = javaToolchain();
  if (!tc.ok) throw new Error(`Java is not available here: ${tc.problem}. ${tc.fix}`);
  const mode = currentSandboxMode();
  if (mode.mode === 'refused') throw new Error(mode.refusal);
  const { child, teardown } = mode.mode === 'local' ? spawnLocal(tc.toolchain) : await spawnSandboxed(tc.toolchain);
  child.stdin!.on('error', () => {});
  let markReady!: () => void;
  let markFailed!: (err: Error) => void;
  const ready = new Promise<void>((res, rej) => {
    markReady = res;
    markFailed = rej;
  });
  ready.catch(() => {});
  let gone!: () => void;
  const c: Compiler = { child, ready, buffer: '', stderr: '', compiles: 0, dead: false, gone: new Promise((r) => (gone = r)) };
  const startTimer = setTimeout(() => {
    markFailed(new Error(`the Java compiler did not start within ${START_TIMEOUT_MS / 1000} s`));
    killCompiler(c);
  }, START_TIMEOUT_MS);
  child.stdout!.setEncoding('utf8').on('data', (s: string) => {
    c.buffer += s;
    let nl: number;
    while ((nl = c.buffer.indexOf('\n')) >= 0) {
      const line = c.buffer.slice(0, nl);
      c.buffer = c.buffer.slice(nl + 1);
      if (line === 'READY') {
        clearTimeout(startTimer);
        markReady();
      } else c.onLine?.(line);
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (s: string) => {
    if (c.stderr.length < 8192) c.stderr += s;
  });
  child.on('error', () => {}); // a missing java: 'close' follows and fails the start
  child.on('close', (code, signal) => {
    clearTimeout(startTimer);
    c.dead = true;
    if (compiler === c) compiler = undefined;
    const why = `${signal ?? `exit ${code}`}${c.stderr ? `: ${c.stderr.trim().split('\n').slice(-3).join(' ')}` : ''}`;
    markFailed(new Error(`the Java compiler stopped while starting (${why})`));
    c.onExit?.(why);
    void teardown().then(() => gone());
  });
  return c;
}

function killCompiler(c: Compiler): void {
  c.dead = true;
  // A local compiler is a process group of its own; in the sandbox, bwrap's death ends the rest.
  if (!signalGroup(c.child.pid, 'SIGKILL')) c.child.kill('SIGKILL');
}

function setRef(c: Compiler, ref: boolean): void {
  for (const h of [c.child, c.child.stdin, c.child.stdout, c.child.stderr] as Array<{ ref(): void; unref(): void }>) {
    if (ref) h.ref();
    else h.unref();
  }
}

/** Reads one compile reply (D/C lines, then E). */
function parseReply(lines: string[], source: string): JavaCompileResult {
  const diagnostics: SourceDiagnostic[] = [];
  const files: Record<string, Uint8Array> = {};
  const classes: string[] = [];
  let ok = false;
  for (const line of lines) {
    const [tag, a, b, c] = line.split(' ');
    if (tag === 'D') diagnostics.push({ file: FILE, line: Number(a), column: Number(b), message: Buffer.from(c ?? '', 'base64').toString('utf8') });
    else if (tag === 'C') {
      const name = Buffer.from(a, 'base64').toString('utf8');
      classes.push(name);
      files[`${name.replace(/\./g, '/')}.class`] = new Uint8Array(Buffer.from(b, 'base64'));
    } else if (tag === 'E') ok = a === '1';
  }
  if (!ok) return { ok: false, error: formatDiagnostics(diagnostics, source), diagnostics };
  const mainClass = classes.find((n) => n === MAIN || n.endsWith(`.${MAIN}`));
  if (!mainClass) {
    const d = { file: FILE, line: 1, column: 1, message: `${FILE} must declare a top-level class named ${MAIN} with public static void main(String[] args)` };
    return { ok: false, error: formatDiagnostics([d], source), diagnostics: [d] };
  }
  return { ok: true, classes: { mainClass, files } };
}

async function pump(): Promise<void> {
  if (busy) return;
  const job = queue.shift();
  if (!job) {
    if (compiler) {
      setRef(compiler, false);
      const idle = compiler;
      idleTimer = setTimeout(() => killCompiler(idle), IDLE_MS);
      idleTimer.unref();
    }
    return;
  }
  busy = true;
  clearTimeout(idleTimer);
  const next = () => {
    busy = false;
    void pump();
  };
  let c: Compiler;
  try {
    if (compiler && (compiler.dead || compiler.compiles >= MAX_COMPILES)) {
      killCompiler(compiler);
      compiler = undefined;
    }
    compiler ??= await startCompiler();
    c = compiler;
    setRef(c, true);
    await c.ready;
  } catch (err) {
    if (compiler?.dead) compiler = undefined;
    job.resolve(fail(`Compiling failed: ${(err as Error).message}`));
    next();
    return;
  }
  c.compiles++;
  const reply: string[] = [];
  let settled = false;
  const finish = (result: JavaCompileResult | undefined, requeue?: Job) => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    c.onLine = undefined;
    c.onExit = undefined;
    if (requeue) queue.unshift(requeue);
    else if (result) job.resolve(result);
    next();
  };
  const timer = setTimeout(() => {
    killCompiler(c);
    finish(fail(`Compiling took longer than ${job.limits.timeoutMs / 1000} s and was stopped; simplify the program`));
  }, job.limits.timeoutMs);
  c.onLine = (line) => {
    reply.push(line);
    if (line.startsWith('E ')) finish(parseReply(reply, job.source));
  };
  c.onExit = (why) => {
    // A compiler that reached its CPU total or was recycled fails this job for no fault of the learner: once more, fresh.
    if (!job.retried) finish(undefined, { ...job, retried: true });
    else finish(fail(`Compiling failed (${why}): the compiler ran out of resources or crashed; simplify the program`));
  };
  const bytes = Buffer.from(job.source, 'utf8');
  c.child.stdin!.write(Buffer.concat([Buffer.from(`COMPILE ${FILE} ${bytes.length}\n`), bytes]));
}

/** Compiles `source` as Main.java against kafka-clients (nothing is executed). Never throws for bad input. */
export function compileJava(source: string, overrides: Partial<JavaCompileLimits> = {}): Promise<JavaCompileResult> {
  const limits = { ...DEFAULT_JAVA_COMPILE_LIMITS, ...overrides };
  if (typeof source !== 'string') return Promise.resolve(fail('The program must be text'));
  const bytes = Buffer.byteLength(source);
  if (bytes > limits.maxSourceBytes) return Promise.resolve(fail(`The program is ${bytes} bytes; the limit is ${limits.maxSourceBytes} bytes`));
  return new Promise((resolve) => {
    queue.push({ source, limits, resolve });
    void pump();
  });
}

/**
 * Prepares Java ahead of the first submission: starts the warm compiler (about a second; a no-op
 * when it runs) and finds or builds the AppCDS archive runs use (seconds, once per machine).
 */
export async function warmJavaCompiler(): Promise<void> {
  // The archive records the sandbox's classpath; local runs start without it.
  const cds = currentSandboxMode().mode === 'bwrap' ? javaAppCds() : Promise.resolve(undefined);
  if (!busy && !compiler) {
    busy = true;
    try {
      compiler = await startCompiler();
      await compiler.ready;
    } finally {
      busy = false;
      void pump();
    }
  }
  await cds;
}

/** Stops the warm compiler and resolves once its processes and files are gone (shutdown, tests). */
export async function stopJavaCompiler(): Promise<void> {
  clearTimeout(idleTimer);
  const c = compiler;
  compiler = undefined;
  if (!c) return;
  setRef(c, true); // an idle compiler is unref'd: keep the process alive until it is gone
  killCompiler(c);
  await c.gone;
}
