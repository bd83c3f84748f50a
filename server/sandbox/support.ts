// What this machine can enforce, for /api/health and for turning a missing tool into a clear
// infrastructure error instead of a mysterious failed run. It reports the mode runs use (mode.ts):
// the bubblewrap sandbox, local mode (not isolated, said plainly), or refused.
import { localLimitTool } from './local-process.ts';
import { bwrapProblems, currentSandboxMode, type SandboxMode } from './mode.ts';
import { tmpfsInodeCapEnforced } from './run.ts';

/** The sandbox's readiness on this host. */
export interface SandboxSupport {
  /** Learner programs can run here (in the sandbox, or in local mode). */
  ok: boolean;
  /** How they run: `bwrap` (the sandbox), `local` (not isolated) or `refused` (not at all). */
  mode: SandboxMode;
  /** In local mode: what the learner gives up, and how to get the sandbox. */
  warning?: string;
  /** When refused, why and what to do, first; then what the bubblewrap sandbox lacks here, each with how to fix it. */
  problems: string[];
  /** Limits and isolation really enforced by the kernel or the supervisor. */
  enforced: string[];
  /** What is not enforced here, and why. */
  notEnforced: string[];
}

const CGROUPS = [
  'total memory across all processes of a run: needs a memory cgroup, which is not delegated here (each process is capped by RLIMIT_AS, the task count by RLIMIT_NPROC)',
  'CPU share between runs: needs a cpu cgroup; runs are only capped in CPU seconds and wall time',
  'disk and network bandwidth: no cgroup io limits; /tmp is RAM-backed and capped in size',
];

/** Checks the tools and privileges the sandbox needs and lists what it enforces. */
export function sandboxSupport(): SandboxSupport {
  const problems = bwrapProblems();
  const decision = currentSandboxMode();
  if (decision.mode === 'refused') {
    return { ok: false, mode: 'refused', problems: [decision.refusal ?? 'Lab runs are refused on this server.', ...problems], enforced: [], notEnforced: [] };
  }
  if (decision.mode === 'local') return { ok: true, mode: 'local', warning: decision.warning, problems, ...localLimits() };
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
  const notEnforced = [...CGROUPS];
  if (inodeCap === false) notEnforced.push('/tmp inode count: mounting a tmpfs failed, so bwrap\'s own tmpfs (size-capped only) is used');
  return { ok: true, mode: 'bwrap', problems, enforced, notEnforced };
}

function localLimits(): Pick<SandboxSupport, 'enforced' | 'notEnforced'> {
  const tool = localLimitTool();
  const enforced = [
    'wall clock (supervisor timer, SIGKILL of the program\'s process group)',
    'JS heap of the main process (--max-old-space-size); Java heap (-Xmx)',
    'output bytes per stream (supervisor counter, then SIGKILL)',
    'the broker through a relay on a loopback port of its own: faults are injected and admin mutations refused as in the sandbox',
    'a fresh temporary directory as working directory, HOME and TMPDIR, deleted afterwards; an environment of only PATH, LANG, HOME, TMPDIR and the lab\'s variables',
    'every process still in the program\'s process group killed at the end',
  ];
  const notEnforced = [
    'isolation: the program runs as the server\'s user and can read and write whatever that user can',
    'network: the program can reach whatever that user can, the broker directly included (a program that bypasses the relay escapes faults and refusals)',
    'tasks (RLIMIT_NPROC): without a UID of its own it would count every process of the user',
    'processes that leave the process group (setsid, daemons) survive the end of the run',
    '/tmp size and inode count: no capped tmpfs',
    ...CGROUPS.slice(0, 2),
  ];
  if (tool === 'prlimit') enforced.push('CPU seconds, address space, open files and file size per process, no core dumps (prlimit)');
  else if (tool === 'ulimit') notEnforced.push('rlimits: no prlimit here, so CPU seconds, address space, open files, file size and core dumps are set by the shell\'s ulimit only where this OS allows it (macOS ignores the address-space limit)');
  else notEnforced.push('rlimits: neither prlimit nor /bin/sh is available, so CPU seconds, address space, open files and file size are not limited');
  return { enforced, notEnforced };
}
