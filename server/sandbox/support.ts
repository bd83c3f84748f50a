// What this machine can enforce, for /api/health and for turning a missing tool into a clear
// infrastructure error instead of a mysterious failed run.
import { existsSync } from 'node:fs';
import { BASH, BWRAP, PRLIMIT, SETPRIV } from './command.ts';
import { tmpfsInodeCapEnforced } from './run.ts';

/** The sandbox's readiness on this host. */
export interface SandboxSupport {
  ok: boolean;
  /** What is missing, each with how to fix it. */
  problems: string[];
  /** Limits and isolation really enforced by the kernel or the supervisor. */
  enforced: string[];
  /** What is not enforced here, and why. */
  notEnforced: string[];
}

/** Checks the tools and privileges the sandbox needs and lists what it enforces. */
export function sandboxSupport(): SandboxSupport {
  const problems: string[] = [];
  if (process.getuid?.() !== 0) problems.push('The server must run as root to give each run its own UID (setpriv) and mount capped tmpfs; start it as root or in a container as root.');
  for (const [tool, pkg] of [[BWRAP, 'bubblewrap'], [PRLIMIT, 'util-linux'], [SETPRIV, 'util-linux'], [BASH, 'bash'], ['/usr/bin/mount', 'mount']]) {
    if (!existsSync(tool)) problems.push(`${tool} is missing: install the Debian package ${pkg} (apt-get install -y ${pkg}).`);
  }
  const inodeCap = tmpfsInodeCapEnforced();
  const enforced = [
    'wall clock (supervisor timer, SIGKILL of the sandbox)',
    'CPU seconds per process (RLIMIT_CPU: SIGXCPU, SIGKILL one second later)',
    'JS heap of the main process (--max-old-space-size)',
    'address space per process (RLIMIT_AS)',
    'tasks per slot UID (RLIMIT_NPROC, one UID per concurrent program)',
    'open files per process (RLIMIT_NOFILE), file size (RLIMIT_FSIZE), no core dumps',
    '/tmp size (tmpfs size=)',
    'output bytes per stream (supervisor counter, then SIGKILL)',
    'network: private namespace with loopback only; the broker through a Unix-socket relay',
    'filesystem: read-only node runtime, program and launcher (Java: the JDK, client jars and CDS archive; Python: the interpreter, its standard library and the venv); nothing else of the host',
    'every process killed at the end (PID namespace teardown, then a per-UID sweep)',
  ];
  if (inodeCap !== false) enforced.push(`/tmp inode count (tmpfs nr_inodes=)${inodeCap === undefined ? ', confirmed at the first run' : ''}`);
  const notEnforced = [
    'total memory across all processes of a run: needs a memory cgroup, which is not delegated here (each process is capped by RLIMIT_AS, the task count by RLIMIT_NPROC)',
    'CPU share between runs: needs a cpu cgroup; runs are only capped in CPU seconds and wall time',
    'disk and network bandwidth: no cgroup io limits; /tmp is RAM-backed and capped in size',
  ];
  if (inodeCap === false) notEnforced.push('/tmp inode count: mounting a tmpfs failed, so bwrap\'s own tmpfs (size-capped only) is used');
  return { ok: problems.length === 0, problems, enforced, notEnforced };
}
