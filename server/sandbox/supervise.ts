// The supervisor of one learner program, the same for the bubblewrap sandbox (run.ts) and local
// mode (local.ts): the wall-clock timer from the launcher's "ready", the output byte caps, the
// kill path and how the program ended. It reads the program's output only from pipes and reports
// how the program ended; it never decides a verdict from that output or exit code.
import type { ChildProcess } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';
import { constants as osConstants } from 'node:os';
import type { ProgramLaunch } from './launch.ts';
import type { Limits } from './limits.ts';
import type { WireTap } from './relay.ts';

/** What to run and against which broker. */
export interface ProgramSpec {
  /** The bundle from bundleLearnerCode(): shorthand for `launch: { language: 'typescript', js }`. */
  js?: string;
  /** What to run, in which language (give this or `js`): classes from compileJava(), a Python source, a bundle. */
  launch?: ProgramLaunch;
  /** The program's whole environment (nothing from the server's environment is added). */
  env: Record<string, string>;
  /** The run's broker; inside the sandbox the same address reaches it through the relay. */
  broker: { host: '127.0.0.1'; port: number };
  /** Overrides of DEFAULT_LIMITS, applied over the language's defaults (languageLimits()). */
  limits?: Partial<Limits>;
  /** Live output, in order, up to the output cap. */
  onOutput?: (stream: 'stdout' | 'stderr', text: string) => void;
  /** A name for logs and errors, e.g. "run 42 instance 2". */
  label?: string;
  /** Observes (and may refuse or fault) the program's Kafka traffic; default: refuse admin mutations, log nothing. */
  tap?: WireTap;
  /** Give the program a standard input the supervisor writes to (default: /dev/null). */
  stdin?: boolean;
}

/** How a program ended. `reason` is inferred from the exit status; it is not a verdict. */
export interface ExitInfo {
  reason: 'exited' | 'killed' | 'wall-timeout' | 'cpu-limit' | 'memory-limit' | 'output-limit' | 'crashed';
  /** Exit code when the program exited; null when it died from a signal. */
  code: number | null;
  /** Signal name when it died from one (bwrap reports death by signal N as exit code 128+N). */
  signal: string | null;
  stdout: string;
  stderr: string;
  /** True when either stream hit the output cap (the text is cut there). */
  truncated: boolean;
  /** Milliseconds from the start of the learner's code (the sandbox is up) to the end. */
  wallMs: number;
}

/** One running instance. */
export interface SandboxedProgram {
  label: string;
  /** The UID the program runs under on the host: its slot's in the sandbox, the server's own in local mode. */
  uid: number;
  /** SIGKILLs the program and everything it started; resolves once all of it is gone. */
  kill(): Promise<void>;
  /** Resolves (never rejects) after the program ended and its processes, relay and files are gone. */
  exited: Promise<ExitInfo>;
  /** SIGSTOPs every process of the program (a frozen host); resume() lets it go on. */
  pause(): Promise<void>;
  resume(): Promise<void>;
  /** Writes to the program's standard input (when started with `stdin`); false once it is closed. */
  write(text: string): boolean;
  /** Closes the program's standard input (end of input). */
  endInput(): void;
}

/** The sandbox itself could not start, or runs are refused here (an infrastructure problem, never the learner's fault). */
export class SandboxError extends Error {
  override name = 'SandboxError';
}

/** This server refuses to run learner programs at all (mode.ts): the message says why and what to do. */
export class RunsRefusedError extends SandboxError {
  override name = 'RunsRefusedError';
}

const READY_TIMEOUT_MS = 20_000;
const ENV_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Checks a spec (everything but the host's privileges) and returns what to run. */
export function validateSpec(spec: ProgramSpec): ProgramLaunch {
  if (spec.js !== undefined && spec.launch) throw new SandboxError('give spec.js or spec.launch, not both');
  const launch: ProgramLaunch | undefined = spec.launch ?? (spec.js !== undefined ? { language: 'typescript', js: spec.js } : undefined);
  if (!launch) throw new SandboxError('spec.launch (or spec.js) must say what to run');
  if (launch.language === 'typescript' && (typeof launch.js !== 'string' || launch.js.length === 0)) throw new SandboxError('spec.js must be the non-empty bundle from bundleLearnerCode()');
  if (launch.language === 'java' && (!launch.classes || !/^[\w$.]+$/.test(launch.classes.mainClass) || Object.keys(launch.classes.files ?? {}).length === 0)) throw new SandboxError('spec.launch.classes must come from compileJava()');
  if (launch.language === 'python' && (typeof launch.source !== 'string' || launch.source.includes('\0'))) throw new SandboxError('spec.launch.source must be the Python program text');
  if (spec.broker?.host !== '127.0.0.1') throw new SandboxError('spec.broker.host must be 127.0.0.1');
  if (!Number.isInteger(spec.broker.port) || spec.broker.port < 1 || spec.broker.port > 65535) throw new SandboxError(`spec.broker.port ${spec.broker.port} is not a TCP port`);
  for (const [k, v] of Object.entries(spec.env)) {
    if (!ENV_KEY.test(k)) throw new SandboxError(`environment variable name ${JSON.stringify(k)} is not valid`);
    if (typeof v !== 'string' || v.includes('\0')) throw new SandboxError(`environment variable ${k} must be a string without NUL bytes`);
  }
  return launch;
}

function signalName(n: number): string {
  const entry = Object.entries(osConstants.signals).find(([, num]) => num === n);
  return entry ? entry[0] : `SIG${n}`;
}

// Node (V8 heap, Buffers), the JVM (an OutOfMemoryError, also "unable to create native thread" at
// the task limit; native reservations fail with "insufficient memory for the Java Runtime") and
// Python (MemoryError).
const MEMORY_MESSAGES = /JavaScript heap out of memory|Reached heap limit|Array buffer allocation failed|Failed to reserve virtual memory|Cannot allocate memory|ENOMEM|java\.lang\.OutOfMemoryError|insufficient memory for the Java Runtime|^MemoryError/m;
/** What -XX:+ExitOnOutOfMemoryError prints, on stdout, before it exits with code 3. */
const JVM_OOM_EXIT = /^Terminating due to java\.lang\.OutOfMemoryError/m;

/** What the supervisor needs from the way a program was started. */
export interface SuperviseOptions {
  /** Started with fd 1 and 2 piped, fd 3 the launcher's "ready" pipe; stdin piped when spec.stdin. */
  child: ChildProcess;
  launch: ProgramLaunch;
  limits: Limits;
  label: string;
  spec: ProgramSpec;
  uid: number;
  /** "sandbox" or "local run": for the message when it does not come up. */
  what: string;
  /** SIGKILLs everything the program started. */
  killAll(): void;
  /** Runs when the main process has exited, before its pipes close. */
  onExit?(): void;
  /** Frees everything of the run (relay, processes, files); runs once, before `exited` resolves. */
  cleanup(): Promise<void>;
  pause(): Promise<void>;
  resume(): Promise<void>;
}

/** Supervises a started program; resolves once its code is about to run, rejects with SandboxError if it never got there. */
export async function supervise(o: SuperviseOptions): Promise<SandboxedProgram> {
  const { child, launch, limits, label, spec, cleanup } = o;
  let started = Date.now();
  let killedBy: ExitInfo['reason'] | undefined;
  let truncated = false;
  const captured = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
  const sizes = { stdout: 0, stderr: 0 };
  const hardKill = (reason: ExitInfo['reason']) => {
    killedBy ??= reason;
    o.killAll();
  };
  for (const stream of ['stdout', 'stderr'] as const) {
    const decoder = new StringDecoder('utf8');
    child[stream]!.on('data', (chunk: Buffer) => {
      if (truncated && killedBy === 'output-limit') return;
      const room = limits.outputBytes - sizes[stream];
      const part = chunk.length > room ? chunk.subarray(0, Math.max(room, 0)) : chunk;
      captured[stream].push(part);
      sizes[stream] += part.length;
      if (part.length > 0) {
        try {
          spec.onOutput?.(stream, decoder.write(part));
        } catch (err) {
          console.error(`sandbox ${label}: onOutput threw:`, err);
        }
      }
      if (chunk.length > room) {
        truncated = true;
        hardKill('output-limit');
      }
    });
  }
  let wallTimer: NodeJS.Timeout | undefined;
  let ended = false;

  const exited = new Promise<ExitInfo>((resolve) => {
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let settled = false;
    const finish = async () => {
      if (settled) return;
      settled = true;
      ended = true;
      clearTimeout(wallTimer);
      const wallMs = Date.now() - started;
      child.stdout?.destroy();
      child.stderr?.destroy();
      child.stdio[3]?.destroy();
      child.stdio[4]?.destroy();
      await cleanup();
      const stdout = Buffer.concat(captured.stdout).toString('utf8');
      const stderr = Buffer.concat(captured.stderr).toString('utf8');
      let code = exit?.code ?? null;
      let signal: string | null = exit?.signal ?? null;
      if (code !== null && code > 128 && code <= 128 + 64) {
        signal = signalName(code - 128);
        code = null;
      }
      let reason: ExitInfo['reason'];
      if (killedBy) reason = killedBy;
      else if (signal === 'SIGXCPU') reason = 'cpu-limit';
      else if ((signal !== null || code !== 0) && (MEMORY_MESSAGES.test(stderr) || (launch.language === 'java' && JVM_OOM_EXIT.test(stdout)))) reason = 'memory-limit';
      else if (signal !== null) reason = 'crashed';
      else reason = 'exited';
      resolve({ reason, code, signal, stdout, stderr, truncated, wallMs });
    };
    child.on('exit', (code, signal) => {
      exit = { code, signal };
      o.onExit?.();
      // Normally every pipe closes with the PID namespace; if something still holds one, stop waiting.
      setTimeout(() => void finish(), 3000).unref();
    });
    child.on('close', () => void finish());
    child.on('error', (err) => {
      exit = { code: null, signal: null };
      captured.stderr.push(Buffer.from(`sandbox: ${err.message}\n`));
      void finish();
    });
  });

  // Wait for the launcher's "ready" on fd 3: it proves namespaces, mounts and the relay came up.
  const ready = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), READY_TIMEOUT_MS);
    const fd3 = child.stdio[3]!;
    let seen = '';
    fd3.on('data', (b: Buffer) => {
      seen += b.toString();
      if (seen.includes('ready\n')) {
        clearTimeout(timer);
        resolve(true);
      }
    });
    fd3.on('error', () => {});
    void exited.then(() => {
      clearTimeout(timer);
      resolve(seen.includes('ready\n'));
    });
  });
  if (ready && !ended) {
    started = Date.now();
    wallTimer = setTimeout(() => hardKill('wall-timeout'), limits.wallMs);
  }
  if (!ready) {
    hardKill('crashed');
    const info = await exited;
    throw new SandboxError(`the ${o.what} for ${label} did not start: ${info.stderr.trim().slice(-2000) || 'no output'}`);
  }

  return {
    label,
    uid: o.uid,
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) hardKill('killed');
      await exited;
    },
    exited,
    pause: o.pause,
    resume: o.resume,
    write: (text) => {
      const stdin = child.stdin;
      if (!stdin || stdin.destroyed || stdin.writableEnded || ended) return false;
      stdin.write(text);
      return true;
    },
    endInput: () => {
      if (child.stdin && !child.stdin.writableEnded) child.stdin.end();
    },
  };
}
