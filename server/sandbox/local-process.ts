// Process plumbing of local mode (local.ts), shared with the Java compiler and the Python check
// when they run without the sandbox: the rlimit prefix (prlimit, else the shell's ulimit), the
// scrubbed environment, a private temporary directory, and signals to a whole process group.
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processAlive } from '../os/process.ts';
import { PRLIMIT } from './command.ts';
import type { Limits } from './limits.ts';

const SH = '/bin/sh';

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

/** Sends `signal` to every process of the group (0: only asks whether it exists); false once the group is gone. */
export function signalGroup(pgid: number | undefined, signal: NodeJS.Signals | 0): boolean {
  if (!pgid) return false;
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether the group still has a process that is not a zombie. A zombie runs nothing, but signals
 * to its group still "succeed" until its new parent reaps it, and a server that is PID 1 in a
 * container never does; where /proc exists it is read to tell them apart.
 */
function groupRunning(pgid: number): boolean {
  if (!signalGroup(pgid, 0)) return false;
  let names: string[];
  try {
    names = readdirSync('/proc').filter((n) => /^\d+$/.test(n));
  } catch {
    return true; // no /proc (macOS): the signal answered
  }
  for (const name of names) {
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // After the parenthesised command: state, ppid, pgrp.
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(pgrp) === pgid && state !== 'Z') return true;
    } catch {
      // exited meanwhile
    }
  }
  return false;
}

/** SIGKILLs the group until nothing of it runs (a process forking in a loop may need a few passes). */
export async function killGroup(pgid: number | undefined, timeoutMs = 3000): Promise<void> {
  if (!pgid) return;
  const deadline = Date.now() + timeoutMs;
  while (signalGroup(pgid, 'SIGKILL') && groupRunning(pgid)) {
    if (Date.now() > deadline) throw new Error(`process group ${pgid} survived SIGKILL for ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A fresh private directory (0700) for one local process (cwd, HOME and TMPDIR), named after this server's pid. */
export function localRunDir(): string {
  return mkdtempSync(join(tmpdir(), `lagzero-local-${process.pid}-`));
}

/**
 * Deletes the directories of local runs whose server died without tidying (call at start). Their
 * programs are gone already: each launcher kills its own group once its server is gone.
 */
export async function sweepLocalLeftovers(): Promise<number> {
  let removed = 0;
  for (const name of readdirSync(tmpdir())) {
    const m = /^lagzero-local-(\d+)-/.exec(name);
    if (!m || Number(m[1]) === process.pid || processAlive(Number(m[1]))) continue;
    await rm(join(tmpdir(), name), { recursive: true, force: true });
    removed++;
  }
  return removed;
}

