// Compiles a learner's TypeScript into a self-contained ES module bundle for Node 20, with kafkajs
// inlined (ESM so top-level await works). esbuild runs in a child process (bundle-worker.mjs) under
// an address-space cap and a V8 heap cap, and every request has a wall-clock timeout: a request
// that overruns kills the worker's whole process group, so compile-time attacks cost that child,
// never the server. The worker is kept between requests (one Node + esbuild start saved per
// submission), handles one request at a time, and exits after a short idle period.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The result of bundling: the bundle, or a message the learner can act on (with line:column). */
export type BundleResult = { ok: true; js: string } | { ok: false; error: string };

/** Limits for the compile step. */
export interface BundleLimits {
  /** Per request, from the moment the worker starts on it. */
  timeoutMs: number;
  /** Address space of the worker and esbuild, in MiB. */
  addressSpaceMb: number;
  /** Largest accepted source, in bytes. */
  maxSourceBytes: number;
}

export const DEFAULT_BUNDLE_LIMITS: Readonly<BundleLimits> = Object.freeze({
  timeoutMs: 20_000,
  addressSpaceMb: 4096,
  maxSourceBytes: 512 * 1024,
});

const workerScript = join(dirname(fileURLToPath(import.meta.url)), 'bundle-worker.mjs');
const MAX_REPLY_BYTES = 64 * 1024 * 1024;
const IDLE_MS = 30_000;

interface Job {
  source: string;
  limits: BundleLimits;
  resolve(result: BundleResult): void;
  /** Set once the job was re-sent to a fresh worker after the previous one's esbuild had died. */
  retried?: boolean;
}

interface Worker {
  child: ChildProcessWithoutNullStreams;
  addressSpaceMb: number;
  buffer: string;
  stderr: string;
  onLine?: (line: string) => void;
  onExit?: (why: string) => void;
  dead: boolean;
}

let worker: Worker | undefined;
let idleTimer: NodeJS.Timeout | undefined;
let nextId = 1;
const queue: Job[] = [];
let busy = false;

function killWorker(w: Worker): void {
  w.dead = true;
  try {
    process.kill(-w.child.pid!, 'SIGKILL');
  } catch {
    // already gone
  }
}

function startWorker(addressSpaceMb: number): Worker {
  // Without prlimit (macOS) the worker runs with only its V8 heap cap; esbuild itself is trusted.
  const node = [process.execPath, '--max-old-space-size=512', workerScript];
  const argv = existsSync('/usr/bin/prlimit') ? ['/usr/bin/prlimit', `--as=${addressSpaceMb * 1024 * 1024}`, '--core=0', '--', ...node] : node;
  const child = spawn(argv[0], argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'], env: { PATH: '/usr/bin:/bin' }, detached: true });
  const w: Worker = { child, addressSpaceMb, buffer: '', stderr: '', dead: false };
  child.stdin.on('error', () => {});
  child.stdout.setEncoding('utf8').on('data', (s: string) => {
    w.buffer += s;
    if (w.buffer.length > MAX_REPLY_BYTES) {
      killWorker(w);
      return;
    }
    let nl: number;
    while ((nl = w.buffer.indexOf('\n')) >= 0) {
      const line = w.buffer.slice(0, nl);
      w.buffer = w.buffer.slice(nl + 1);
      w.onLine?.(line);
    }
  });
  child.stderr.setEncoding('utf8').on('data', (s: string) => {
    if (w.stderr.length < 8192) w.stderr += s;
  });
  child.on('close', (code, signal) => {
    w.dead = true;
    if (worker === w) worker = undefined;
    w.onExit?.(`${signal ?? `exit ${code}`}${w.stderr ? `: ${w.stderr.trim().split('\n').slice(-3).join(' ')}` : ''}`);
  });
  return w;
}

/** Lets the process exit while the worker idles; keeps it alive while a request is in flight. */
function setRef(w: Worker, ref: boolean): void {
  for (const h of [w.child, w.child.stdin, w.child.stdout, w.child.stderr] as Array<{ ref(): void; unref(): void }>) {
    if (ref) h.ref();
    else h.unref();
  }
}

function pump(): void {
  if (busy) return;
  const job = queue.shift();
  if (!job) {
    if (worker) {
      setRef(worker, false);
      const idle = worker;
      idleTimer = setTimeout(() => killWorker(idle), IDLE_MS);
      idleTimer.unref();
    }
    return;
  }
  busy = true;
  clearTimeout(idleTimer);
  if (worker && (worker.dead || worker.addressSpaceMb !== job.limits.addressSpaceMb)) {
    killWorker(worker);
    worker = undefined;
  }
  const w = (worker ??= startWorker(job.limits.addressSpaceMb));
  setRef(w, true);
  const id = nextId++;
  let settled = false;
  const finish = (result: BundleResult | undefined, requeue?: Job) => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    w.onLine = undefined;
    w.onExit = undefined;
    if (requeue) queue.unshift(requeue);
    else if (result) job.resolve(result);
    busy = false;
    pump();
  };
  const timer = setTimeout(() => {
    killWorker(w);
    finish({ ok: false, error: `Compiling took longer than ${job.limits.timeoutMs / 1000} s and was stopped; simplify the program` });
  }, job.limits.timeoutMs);
  w.onLine = (line) => {
    try {
      const reply = JSON.parse(line) as { id: number; fatal?: boolean } & BundleResult;
      if (reply.id !== id) return;
      if (reply.fatal) killWorker(w);
      // A worker whose esbuild died on an earlier input fails the next one for no fault of its
      // own: compile that one again, once, on a fresh worker.
      if (reply.fatal && !job.retried && /service (was stopped|is no longer running)/i.test(reply.ok ? '' : reply.error)) {
        finish(undefined, { ...job, retried: true });
        return;
      }
      finish(reply.ok ? { ok: true, js: reply.js } : { ok: false, error: reply.error });
    } catch {
      killWorker(w);
      finish({ ok: false, error: 'Compiling failed: the compiler sent an unreadable reply' });
    }
  };
  w.onExit = (why) => finish({ ok: false, error: `Compiling failed (${why}): the compiler ran out of resources or crashed; simplify the program` });
  w.child.stdin.write(`${JSON.stringify({ id, source: job.source })}\n`);
}

/** Transpiles and bundles `tsSource` (no type-check, nothing executed). Never throws for bad input. */
export function bundleLearnerCode(tsSource: string, overrides: Partial<BundleLimits> = {}): Promise<BundleResult> {
  const limits = { ...DEFAULT_BUNDLE_LIMITS, ...overrides };
  if (typeof tsSource !== 'string') return Promise.resolve({ ok: false, error: 'The program must be text' });
  const bytes = Buffer.byteLength(tsSource);
  if (bytes > limits.maxSourceBytes) {
    return Promise.resolve({ ok: false, error: `The program is ${bytes} bytes; the limit is ${limits.maxSourceBytes} bytes` });
  }
  return new Promise((resolve) => {
    queue.push({ source: tsSource, limits, resolve });
    pump();
  });
}

/** Stops the compiler worker now (tests, shutdown); the next bundle call starts a new one. */
export function stopBundler(): void {
  clearTimeout(idleTimer);
  if (worker) killWorker(worker);
  worker = undefined;
}
