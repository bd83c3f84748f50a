// Compiles a learner's TypeScript into a self-contained ES module bundle for Node 20, with kafkajs
// inlined (ESM so top-level await works). esbuild runs in a child process (bundle-worker.mjs) with a wall-clock timeout, a V8 heap
// cap and an address-space cap, so compile-time attacks cost that child, never the server.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The result of bundling: the bundle, or a message the learner can act on (with line:column). */
export type BundleResult = { ok: true; js: string } | { ok: false; error: string };

/** Limits for the compile step. */
export interface BundleLimits {
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

const worker = join(dirname(fileURLToPath(import.meta.url)), 'bundle-worker.mjs');
const MAX_REPLY_BYTES = 64 * 1024 * 1024;

/** Transpiles and bundles `tsSource` (no type-check, nothing executed). Never throws for bad input. */
export function bundleLearnerCode(tsSource: string, overrides: Partial<BundleLimits> = {}): Promise<BundleResult> {
  const limits = { ...DEFAULT_BUNDLE_LIMITS, ...overrides };
  if (Buffer.byteLength(tsSource) > limits.maxSourceBytes) {
    return Promise.resolve({ ok: false, error: `The program is ${Buffer.byteLength(tsSource)} bytes; the limit is ${limits.maxSourceBytes} bytes` });
  }
  return new Promise((resolve) => {
    const child = spawn(
      '/usr/bin/prlimit',
      [`--as=${limits.addressSpaceMb * 1024 * 1024}`, '--core=0', '--', process.execPath, '--max-old-space-size=256', worker],
      { stdio: ['pipe', 'pipe', 'pipe'], env: { PATH: '/usr/bin:/bin' }, detached: true },
    );
    let out = '';
    let err = '';
    let timedOut = false;
    const killGroup = () => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, limits.timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (s: string) => {
      out += s;
      if (out.length > MAX_REPLY_BYTES) killGroup();
    });
    child.stderr.setEncoding('utf8').on('data', (s: string) => {
      if (err.length < 8192) err += s;
    });
    child.stdin.on('error', () => {});
    child.stdin.end(tsSource);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      killGroup();
      if (timedOut) return resolve({ ok: false, error: `Compiling took longer than ${limits.timeoutMs / 1000} s and was stopped; simplify the program` });
      try {
        const reply = JSON.parse(out) as BundleResult;
        if (typeof reply.ok === 'boolean') return resolve(reply);
      } catch {
        // fall through
      }
      resolve({ ok: false, error: `Compiling failed (${signal ?? `exit ${code}`}): the compiler ran out of resources or crashed${err ? `: ${err.trim().split('\n').slice(-3).join(' ')}` : ''}` });
    });
  });
}
