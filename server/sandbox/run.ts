// Starts and supervises one instance of a learner program inside the sandbox. The supervisor (this
// file, in the server process) owns everything trusted: the wall-clock timer, the output byte caps,
// the broker relay and the kill path. It reads the program's output only from pipes (never from
// files the program could swap for symlinks) and reports how the program ended; it never decides
// a verdict from that output or exit code.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { StringDecoder } from 'node:string_decoder';
import { constants as osConstants } from 'node:os';
import { buildSandboxArgv, launcherCommand, withOptionsOnFd } from './command.ts';
import { languageLimits, prepareLaunch, type ProgramLaunch } from './launch.ts';
import { resolveLimits, type Limits } from './limits.ts';
import { killAllOfUid, pidsOfUid } from './procs.ts';
import { startBrokerRelay, type BrokerRelay, type WireTap } from './relay.ts';
import { defaultTap } from './wire-log.ts';
import { acquireSlot, createRunDir, hostsPath, launcherPath, removeRunDir, type Slot } from './slots.ts';

const execFileAsync = promisify(execFile);

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
  /** The slot UID the program runs under on the host. */
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

/** The sandbox itself could not start (an infrastructure problem, never the learner's fault). */
export class SandboxError extends Error {
  override name = 'SandboxError';
}

const READY_TIMEOUT_MS = 20_000;
const ENV_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

let tmpfsMountWorks: boolean | undefined;

/** Whether the supervisor can mount the size- and inode-capped tmpfs (needs root on the host). */
export function tmpfsInodeCapEnforced(): boolean | undefined {
  return tmpfsMountWorks;
}

async function mountTmpfs(dir: string, slot: Slot, limits: Limits): Promise<boolean> {
  if (tmpfsMountWorks === false) return false;
  const opts = `size=${limits.tmpfsBytes},nr_inodes=${limits.tmpfsInodes},mode=0700,uid=${slot.uid},gid=${slot.gid},nosuid,nodev,noexec`;
  try {
    await execFileAsync('/usr/bin/mount', ['-t', 'tmpfs', '-o', opts, 'lagzero-sandbox', dir]);
    tmpfsMountWorks = true;
    return true;
  } catch {
    tmpfsMountWorks = false;
    return false;
  }
}

function validate(spec: ProgramSpec): ProgramLaunch {
  if (process.getuid?.() !== 0) throw new SandboxError('the sandbox needs the server to run as root (it drops each program to its own slot UID); see sandboxSupport()');
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

function signalAll(uid: number, signal: NodeJS.Signals): void {
  for (const pid of pidsOfUid(uid)) {
    try {
      process.kill(pid, signal);
    } catch {
      // gone meanwhile
    }
  }
}

/**
 * SIGSTOPs every process of `uid`, again for any that appeared meanwhile (a launcher starting its
 * JVM, a fork in flight), until a pass finds none new: a stopped process starts nothing more.
 */
async function stopAll(uid: number): Promise<void> {
  const stopped = new Set<number>();
  for (let pass = 0; pass < 20; pass++) {
    const fresh = pidsOfUid(uid).filter((pid) => !stopped.has(pid));
    if (fresh.length === 0) return;
    for (const pid of fresh) {
      stopped.add(pid);
      try {
        process.kill(pid, 'SIGSTOP');
      } catch {
        // gone meanwhile
      }
    }
    await new Promise((r) => setTimeout(r, 10));
  }
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

/** Starts one instance; resolves once the program's code is about to run, rejects with SandboxError if the sandbox cannot start. */
export async function startSandboxedProgram(spec: ProgramSpec): Promise<SandboxedProgram> {
  const launch = validate(spec);
  const limits = resolveLimits({ ...languageLimits(launch.language), ...spec.limits });
  const label = spec.label ?? 'learner program';
  const slot = await acquireSlot();
  let run: ReturnType<typeof createRunDir> | undefined;
  let relay: BrokerRelay | undefined;
  const cleanup = async () => {
    await relay?.close().catch(() => {});
    await killAllOfUid(slot.uid).catch((err) => console.error(`sandbox ${label}:`, err));
    if (run) {
      try {
        await removeRunDir(run.dir);
      } catch (err) {
        console.error(`sandbox ${label}: could not remove ${run.dir}:`, err);
      }
    }
    slot.release();
  };

  // The wall clock starts when the learner's code starts (the launcher's "ready"), so a slow
  // sandbox start on a loaded host never eats into the program's time.
  let started = Date.now();
  let child: ReturnType<typeof spawn>;
  try {
    run = createRunDir(slot);
    const program = await prepareLaunch(launch, run.boxDir, slot.gid, limits);
    const mounted = await mountTmpfs(run.tmpDir, slot, limits);
    relay = await startBrokerRelay(join(run.boxDir, 'broker.sock'), slot.gid, spec.broker.port, limits.brokerConnections, spec.tap ?? defaultTap());
    const full = buildSandboxArgv({
      uid: slot.uid,
      gid: slot.gid,
      limits,
      boxDir: run.boxDir,
      tmpDir: mounted ? run.tmpDir : undefined,
      launcherPath: launcherPath(),
      hostsPath: hostsPath(),
      env: spec.env,
      roBinds: program.roBinds,
      command: launcherCommand(limits, spec.broker.port, program.exec),
    });
    const { argv, payload } = withOptionsOnFd(full, 4);
    // fd 3: the launcher's "ready" line; fd 4: bwrap's options.
    child = spawn(argv[0], argv.slice(1), { env: {}, stdio: [spec.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe', 'pipe', 'pipe'] });
    child.stdin?.on('error', () => {});
    const optionsPipe = child.stdio[4] as NodeJS.WritableStream & { on(e: 'error', f: () => void): void };
    optionsPipe.on('error', () => {});
    optionsPipe.end(payload);
  } catch (err) {
    await cleanup();
    throw new SandboxError(`could not start the sandbox for ${label}: ${(err as Error).message}`);
  }

  let killedBy: ExitInfo['reason'] | undefined;
  let truncated = false;
  const captured = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
  const sizes = { stdout: 0, stderr: 0 };
  const hardKill = (reason: ExitInfo['reason']) => {
    killedBy ??= reason;
    child.kill('SIGKILL');
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
    throw new SandboxError(`the sandbox for ${label} did not start: ${info.stderr.trim().slice(-2000) || 'no output'}`);
  }

  return {
    label,
    uid: slot.uid,
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) hardKill('killed');
      await exited;
    },
    exited,
    pause: () => stopAll(slot.uid),
    resume: async () => signalAll(slot.uid, 'SIGCONT'),
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
