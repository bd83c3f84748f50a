// Resource limits for one sandboxed learner program, with defaults sized for a kafkajs service on
// a small machine. Every number here is enforced by the kernel (rlimits, tmpfs mount options) or by
// the supervisor's own timers and byte counters; see README.md in this folder for which is which.

/** Limits for one instance of a learner program. */
export interface Limits {
  /** Wall clock, enforced by the supervisor's timer (catches sleepers the CPU limit cannot see). */
  wallMs: number;
  /** CPU seconds per process (RLIMIT_CPU soft limit: SIGXCPU; hard limit one second later: SIGKILL). */
  cpuSeconds: number;
  /** Heap of the program in MiB: V8 old space of the node process (`--max-old-space-size`), or the JVM's `-Xmx`; unused for Python. */
  heapMb: number;
  /** Address space per process in MiB (RLIMIT_AS): the backstop for Buffers and native memory. Node needs > 512. */
  addressSpaceMb: number;
  /**
   * Tasks (processes + threads) for the slot's UID (RLIMIT_NPROC). A node process uses 7-11 and the
   * sandbox's own bwrap processes 2, so 32 allows the program plus one or two helper processes.
   * Java and Python programs get more by default (languageLimits() in launch.ts).
   */
  processes: number;
  /** Open file descriptors per process (RLIMIT_NOFILE). */
  openFiles: number;
  /** Largest file the program may write, in bytes (RLIMIT_FSIZE; node gets EFBIG). */
  fileSizeBytes: number;
  /** Size of the writable /tmp, in bytes (tmpfs size=). */
  tmpfsBytes: number;
  /** Inodes in /tmp (tmpfs nr_inodes=): stops "many tiny files". */
  tmpfsInodes: number;
  /** Bytes captured per stream (stdout, stderr); more output kills the program ("output-limit"). */
  outputBytes: number;
  /** Concurrent TCP connections the program may hold to its broker through the relay. */
  brokerConnections: number;
}

/** The defaults; every field can be overridden per program. */
export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  wallMs: 60_000,
  cpuSeconds: 30,
  heapMb: 256,
  addressSpaceMb: 2048,
  processes: 32,
  openFiles: 256,
  fileSizeBytes: 8 * 1024 * 1024,
  tmpfsBytes: 16 * 1024 * 1024,
  tmpfsInodes: 1024,
  outputBytes: 256 * 1024,
  brokerConnections: 64,
});

/** Merges overrides onto the defaults and rejects values the sandbox cannot honour. */
export function resolveLimits(overrides: Partial<Limits> = {}): Limits {
  const limits: Limits = { ...DEFAULT_LIMITS, ...overrides };
  for (const [key, value] of Object.entries(limits)) {
    if (!Number.isInteger(value) || value <= 0) throw new Error(`Sandbox limit ${key} must be a positive integer (got ${String(value)})`);
  }
  if (limits.addressSpaceMb <= 512) throw new Error('Sandbox limit addressSpaceMb must exceed 512: Node 20 cannot reserve its code range below that');
  if (limits.heapMb >= limits.addressSpaceMb) throw new Error('Sandbox limit heapMb must be below addressSpaceMb');
  return limits;
}
