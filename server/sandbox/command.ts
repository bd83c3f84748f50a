// Builds the exact command line that confines one learner program:
//   prlimit (rlimits) → setpriv (drop root to the slot's UID) → bwrap (namespaces, read-only runtime).
// Kept pure and separate from process handling so tests can inspect it and reuse it to run
// probe binaries under exactly the same confinement.
import { execFileSync } from 'node:child_process';
import { realpathSync } from 'node:fs';
import type { Limits } from './limits.ts';

/** Where things appear inside the sandbox. */
export const INSIDE = {
  /** The run's read-only directory: the learner bundle and the broker socket. */
  box: '/sandbox',
  bundle: '/sandbox/main.mjs',
  brokerSocket: '/sandbox/broker.sock',
  launcher: '/launcher.cjs',
} as const;

export const BASH = '/bin/bash';
export const PRLIMIT = '/usr/bin/prlimit';
export const SETPRIV = '/usr/bin/setpriv';
export const BWRAP = '/usr/bin/bwrap';

const runtimeCache = new Map<string, string[]>();

/** A binary and every shared library it loads (from ldd), as absolute paths; by default the node binary. */
export function nodeRuntimeFiles(nodePath = process.execPath): string[] {
  const cached = runtimeCache.get(nodePath);
  if (cached) return cached;
  const out = execFileSync('/usr/bin/ldd', [nodePath], { encoding: 'utf8' });
  const files = [nodePath];
  for (const line of out.split('\n')) {
    const m = /=>\s+(\/\S+)/.exec(line) ?? /^\s*(\/\S+)\s+\(/.exec(line);
    if (m) files.push(m[1]);
  }
  runtimeCache.set(nodePath, files);
  return files;
}

/** Everything needed to confine one program. */
export interface SandboxCommandOptions {
  uid: number;
  gid: number;
  limits: Limits;
  /** Host directory bound read-only at /sandbox (holds main.mjs and broker.sock). */
  boxDir: string;
  /** Host directory bound read-write at /tmp: a size- and inode-capped tmpfs mounted by the supervisor. */
  tmpDir?: string;
  /** Host path of the trusted launcher script. */
  launcherPath: string;
  /** Host path of the file bound at /etc/hosts (only `localhost`). */
  hostsPath?: string;
  env: Record<string, string>;
  /** The command to run inside; defaults to node running the launcher. */
  command: string[];
  /** Extra host files bound read-only at the same path (tests bind probe binaries this way). */
  extraRoFiles?: string[];
  /** Extra host files or folders bound read-only at an inside path: [host, inside] (a JDK, a venv, jars). */
  roBinds?: Array<[string, string]>;
}

/**
 * Closes every inherited descriptor above 4 before anything else runs. bwrap passes open fds through
 * to the sandbox, and Node's spawn only closes its own (close-on-exec) ones, so any fd the server
 * inherited without close-on-exec (a socket from a supervisor, a CI pipe) would reach learner code.
 */
const CLOSE_FDS = 'for p in /proc/self/fd/*; do n=${p##*/}; if [ "$n" -gt 4 ]; then eval "exec $n>&-"; fi; done; exec "$@"';

/** The argv (argv[0] = bash, which closes stray fds, then prlimit) that runs `command` confined. Spawn it with an empty environment. */
export function buildSandboxArgv(o: SandboxCommandOptions): string[] {
  const l = o.limits;
  const argv = [
    // --norc: bash would otherwise source ~/.bashrc when its stdin is a socket (the "run by sshd" rule).
    BASH, '--norc', '--noprofile', '-c', CLOSE_FDS, 'lagzero-sandbox',
    PRLIMIT,
    `--cpu=${l.cpuSeconds}:${l.cpuSeconds + 1}`,
    `--as=${l.addressSpaceMb * 1024 * 1024}`,
    `--nproc=${l.processes}`,
    `--nofile=${l.openFiles}`,
    `--fsize=${l.fileSizeBytes}`,
    '--core=0',
    '--',
    SETPRIV, `--reuid=${o.uid}`, `--regid=${o.gid}`, '--clear-groups', '--',
    BWRAP,
    '--unshare-all', '--unshare-user', '--disable-userns',
    '--die-with-parent', '--new-session', '--cap-drop', 'ALL', '--clearenv', '--hostname', 'sandbox',
  ];
  for (const [k, v] of Object.entries(o.env)) argv.push('--setenv', k, v);
  const seen = new Set<string>();
  for (const file of [...nodeRuntimeFiles(), ...(o.extraRoFiles ?? [])]) {
    if (seen.has(file)) continue;
    seen.add(file);
    argv.push('--ro-bind', realpathSync(file), file);
  }
  for (const [host, inside] of o.roBinds ?? []) {
    if (seen.has(inside)) continue;
    seen.add(inside);
    argv.push('--ro-bind', host, inside);
  }
  argv.push('--ro-bind', o.launcherPath, INSIDE.launcher);
  if (o.hostsPath) argv.push('--ro-bind', o.hostsPath, '/etc/hosts');
  argv.push('--ro-bind', o.boxDir, INSIDE.box);
  argv.push('--proc', '/proc');
  // A hand-made /dev: no tty, no ptmx (pty exhaustion), no writable /dev/shm.
  argv.push('--dir', '/dev');
  for (const dev of ['null', 'zero', 'full', 'random', 'urandom']) argv.push('--dev-bind', `/dev/${dev}`, `/dev/${dev}`);
  argv.push('--symlink', '/proc/self/fd', '/dev/fd');
  if (o.tmpDir) argv.push('--bind', o.tmpDir, '/tmp');
  else argv.push('--size', String(l.tmpfsBytes), '--perms', '0700', '--tmpfs', '/tmp');
  argv.push('--chdir', '/tmp', '--remount-ro', '/', '--', ...o.command);
  return argv;
}

/** V8 heap of the launcher when it only relays for a program in another language (it holds no data). */
const RELAY_ONLY_HEAP_MB = 64;

/**
 * The command that starts the launcher, which opens the broker relay and then either imports the
 * bundle in its own process (TypeScript) or, given `exec`, runs that program as its child and ends
 * the way the child ended (Java, Python).
 */
export function launcherCommand(limits: Limits, brokerPort: number, exec?: string[]): string[] {
  const relay = [INSIDE.launcher, String(brokerPort), INSIDE.brokerSocket];
  if (!exec) return [process.execPath, `--max-old-space-size=${limits.heapMb}`, ...relay, 'import', INSIDE.bundle];
  return [process.execPath, `--max-old-space-size=${RELAY_ONLY_HEAP_MB}`, ...relay, 'exec', ...exec];
}

/**
 * Moves bwrap's options into a NUL-separated payload read from `fd` (`bwrap --args fd`), so the
 * sandbox's /proc/1/cmdline shows neither host paths nor the environment it was given.
 */
export function withOptionsOnFd(argv: string[], fd: number): { argv: string[]; payload: string } {
  const start = argv.indexOf(BWRAP) + 1;
  const end = argv.lastIndexOf('--');
  const options = argv.slice(start, end);
  return { argv: [...argv.slice(0, start), '--args', String(fd), ...argv.slice(end)], payload: options.map((o) => `${o}\0`).join('') };
}
