// Sandbox slots and their directories on the host. A slot is a dedicated UID (61000-61031 by
// default): RLIMIT_NPROC counts per real UID, so only a UID of its own makes the process cap
// mean "this run", and "kill every process of the UID" means "kill everything this run started".
// Slots are claimed with lock files so several server processes (or test workers) on one machine
// never share a UID; a lock whose owner died is taken over after killing what it left behind.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync, chownSync, closeSync, copyFileSync, existsSync, linkSync, lstatSync, mkdirSync, openSync, readdirSync,
  readFileSync, renameSync, unlinkSync, writeFileSync, writeSync,
} from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { processAlive } from '../os/process.ts';
import { killAllOfUid } from './procs.ts';

const execFileAsync = promisify(execFile);

/** First UID of the slot pool and how many slots there are (one per concurrently running program). */
export const SLOT_UID_BASE = Number(process.env.LAGZERO_SANDBOX_UID_BASE ?? 61000);
export const SLOT_COUNT = Number(process.env.LAGZERO_SANDBOX_SLOTS ?? 32);

/** Host directory holding slot locks, the launcher and one directory per running program. */
export function sandboxBaseDir(): string {
  return process.env.LAGZERO_SANDBOX_DIR ?? join(tmpdir(), 'lagzero-sandbox');
}

const launcherSource = join(dirname(fileURLToPath(import.meta.url)), 'launcher.cjs');

/** Creates the base directory (root-owned, 0711: slot UIDs may traverse it, nobody may list it). */
export function ensureBaseDir(): string {
  const base = sandboxBaseDir();
  mkdirSync(join(base, 'slots'), { recursive: true, mode: 0o700 });
  const st = lstatSync(base);
  if (!st.isDirectory() || st.uid !== process.getuid!()) {
    throw new Error(`${base} must be a directory owned by the server's user; remove it and restart`);
  }
  chmodSync(base, 0o711);
  chmodSync(join(base, 'slots'), 0o700);
  return base;
}

const sharedCopies = new Map<string, string>();

/** A root-owned, world-readable file in the base dir that slot UIDs can bind, wherever the repo lives. */
function sharedFile(name: string, write: (tmp: string) => void): string {
  const known = sharedCopies.get(name);
  if (known && existsSync(known)) return known;
  const target = join(ensureBaseDir(), `launcher-${process.pid}-${name}`);
  const tmp = `${target}.${randomBytes(4).toString('hex')}`;
  write(tmp);
  chmodSync(tmp, 0o444);
  renameSync(tmp, target);
  sharedCopies.set(name, target);
  return target;
}

/** The launcher script, bound at /launcher.cjs. */
export function launcherPath(): string {
  return sharedFile('launcher.cjs', (tmp) => copyFileSync(launcherSource, tmp));
}

/** A minimal /etc/hosts so `localhost` resolves (there is no DNS inside). */
export function hostsPath(): string {
  return sharedFile('hosts', (tmp) => writeFileSync(tmp, '127.0.0.1 localhost\n'));
}

function lockPath(uid: number): string {
  return join(sandboxBaseDir(), 'slots', `${uid}.lock`);
}

function readLock(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function lockOwnerAlive(content: string): boolean {
  const pid = Number(content.split(' ')[0]);
  return processAlive(pid);
}

/** Removes a lock only if it still holds `content` (never one another process just took). */
function removeStaleLock(path: string, content: string): void {
  const aside = `${path}.stale.${randomBytes(4).toString('hex')}`;
  try {
    renameSync(path, aside);
  } catch {
    return;
  }
  if (readLock(aside) !== content) {
    try {
      linkSync(aside, path);
    } catch {
      // someone re-created it; theirs wins
    }
  }
  unlinkSync(aside);
}

/** A claimed slot. */
export interface Slot {
  uid: number;
  gid: number;
  /** Processes of this UID found (and killed) when the slot was claimed: leftovers of a crashed server. */
  leftoversKilled: number;
  release(): void;
}

async function tryClaim(uid: number): Promise<Slot | undefined> {
  const path = lockPath(uid);
  const mine = `${process.pid} ${randomBytes(8).toString('hex')}`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, mine);
      closeSync(fd);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const content = readLock(path);
      if (content === undefined || content === '' || lockOwnerAlive(content)) return undefined;
      removeStaleLock(path, content);
      continue;
    }
    // The previous holder may have crashed mid-run: nothing of this UID may survive into our run.
    const leftoversKilled = await killAllOfUid(uid);
    return {
      uid,
      gid: uid,
      leftoversKilled,
      release() {
        if (readLock(path) === mine) unlinkSync(path);
      },
    };
  }
  return undefined;
}

/** Claims a free slot, waiting up to `timeoutMs` when all are busy. */
export async function acquireSlot(timeoutMs = 60_000): Promise<Slot> {
  ensureBaseDir();
  const deadline = Date.now() + timeoutMs;
  const start = Math.floor(Math.random() * SLOT_COUNT);
  for (;;) {
    for (let i = 0; i < SLOT_COUNT; i++) {
      const slot = await tryClaim(SLOT_UID_BASE + ((start + i) % SLOT_COUNT));
      if (slot) return slot;
    }
    if (Date.now() > deadline) throw new Error(`all ${SLOT_COUNT} sandbox slots stayed busy for ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A per-program directory: `box/` (bound read-only at /sandbox) and `tmp/` (the tmpfs mount point). */
export function createRunDir(slot: Slot): { dir: string; boxDir: string; tmpDir: string } {
  const dir = join(ensureBaseDir(), `run-${process.pid}-${randomBytes(6).toString('hex')}`);
  const boxDir = join(dir, 'box');
  const tmpDir = join(dir, 'tmp');
  mkdirSync(dir, { mode: 0o750 });
  mkdirSync(boxDir, { mode: 0o750 });
  mkdirSync(tmpDir, { mode: 0o700 });
  for (const d of [dir, boxDir]) chownSync(d, 0, slot.gid);
  chownSync(tmpDir, slot.uid, slot.gid);
  return { dir, boxDir, tmpDir };
}

/** Mount points currently under `dir`, deepest first. */
export function mountsUnder(dir: string): string[] {
  const mounts = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[4])
    .filter((p): p is string => Boolean(p))
    .map((p) => p.replace(/\\(\d{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))))
    .filter((p) => p === dir || p.startsWith(`${dir}/`));
  return mounts.sort((a, b) => b.length - a.length);
}

/** Unmounts anything under a run directory, then deletes it without following its symlinks. */
export async function removeRunDir(dir: string): Promise<void> {
  for (const m of mountsUnder(dir)) {
    try {
      await execFileAsync('/usr/bin/umount', [m]);
    } catch {
      await execFileAsync('/usr/bin/umount', ['-l', m]);
    }
  }
  await rm(dir, { recursive: true, force: true });
}

/** What a startup sweep cleaned up. */
export interface SweepReport {
  killedProcesses: number;
  releasedSlots: number;
  removedDirs: number;
}

/**
 * Cleans up after a server that died without tidying: kills processes of slot UIDs that no live
 * server holds, drops their locks, and unmounts and deletes run directories of dead servers.
 * Slots held by live processes (another server, a parallel test worker) are left alone.
 */
export async function sweepSandboxLeftovers(): Promise<SweepReport> {
  const base = ensureBaseDir();
  const report: SweepReport = { killedProcesses: 0, releasedSlots: 0, removedDirs: 0 };
  for (let uid = SLOT_UID_BASE; uid < SLOT_UID_BASE + SLOT_COUNT; uid++) {
    const content = readLock(lockPath(uid));
    if (content && lockOwnerAlive(content)) continue;
    if (content) report.releasedSlots++;
    // Claiming the slot kills whatever the UID still runs; then it is free again.
    const slot = await tryClaim(uid);
    if (!slot) continue;
    report.killedProcesses += slot.leftoversKilled;
    slot.release();
  }
  for (const name of readdirSync(base)) {
    const m = /^(?:run|launcher)-(\d+)-?/.exec(name);
    if (!m || Number(m[1]) === process.pid || processAlive(Number(m[1]))) continue;
    await removeRunDir(join(base, name));
    if (name.startsWith('run-')) report.removedDirs++;
  }
  return report;
}
