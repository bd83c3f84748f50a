// A broker never outlives its owner: a tiny shell watchdog holds a pipe from this process and
// kills the JVM and deletes the broker's directory when the pipe closes, even if Node dies by
// SIGKILL. Directories left by dead owners are swept the first time a process starts a broker there.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processAlive } from '../os/process.ts';

/**
 * The watchdog keeps a pipe from this process on its stdin. The pipe closes when this process
 * exits for any reason (SIGKILL included), and then the watchdog stops the JVM and removes the dir.
 * On a normal stop this process kills the watchdog itself after the JVM is gone.
 */
export function spawnWatchdog(javaPid: number, dir: string): ChildProcess {
  const script = [
    "trap '' INT TERM HUP",
    'read -r _ || true',
    'kill -TERM "$1" 2>/dev/null',
    'i=0',
    'while kill -0 "$1" 2>/dev/null; do',
    '  i=$((i+1)); if [ "$i" -ge 100 ]; then kill -KILL "$1" 2>/dev/null; break; fi',
    '  sleep 0.1',
    'done',
    'rm -rf "$2"',
  ].join('\n');
  const wd = spawn('/bin/sh', ['-c', script, 'lag-zero-broker-watchdog', String(javaPid), dir], { stdio: ['pipe', 'ignore', 'ignore'] });
  wd.unref();
  (wd.stdin as unknown as Socket | null)?.unref?.();
  wd.stdin?.on('error', () => {});
  return wd;
}

/** Default parent of broker directories. */
export function defaultBrokersDir(): string {
  return join(tmpdir(), 'lag-zero-brokers');
}

const swept = new Set<string>();

/** Sweeps `brokersDir` once per process: the first start there cleans up after dead owners. */
export function sweepOnce(brokersDir: string): void {
  if (swept.has(brokersDir)) return;
  swept.add(brokersDir);
  sweepOrphanBrokers(brokersDir);
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

/**
 * Kills brokers whose owning process is gone and deletes their directories. Returns how many
 * directories were removed. Directories of live owners (other servers, parallel tests) are kept.
 */
export function sweepOrphanBrokers(brokersDir: string): number {
  if (!existsSync(brokersDir)) return 0;
  let removed = 0;
  for (const name of readdirSync(brokersDir)) {
    const dir = join(brokersDir, name);
    let owner: { ownerPid?: number; brokerPid?: number; watchdogPid?: number } | null = null;
    try {
      owner = JSON.parse(readFileSync(join(dir, 'owner.json'), 'utf8'));
    } catch {
      owner = null;
    }
    if (owner?.ownerPid && processAlive(owner.ownerPid)) continue;
    if (!owner) {
      // A directory being set up right now has no owner.json yet: only sweep stale ones.
      const age = Date.now() - statSync(dir).mtimeMs;
      if (age < 10 * 60_000) continue;
    }
    for (const pid of [owner?.brokerPid, owner?.watchdogPid]) {
      // Only kill a process that is really ours: its command line names this directory.
      if (pid && processAlive(pid) && cmdline(pid).includes(dir)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
    rmSync(dir, { recursive: true, force: true });
    removed++;
  }
  return removed;
}
