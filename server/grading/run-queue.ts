// The grading queue: runs wait in submission order and at most `concurrency` are graded at once.
// Two bounds keep it fair and finite: the whole queue (a full queue refuses new work with a
// Retry-After) and each learner's waiting runs (nobody crowds the others out). Retry-After comes from
// how long recent runs really took.

/** Runs that may wait in the queue at once, across everyone (default; env GRADING_MAX_QUEUE). */
export const DEFAULT_MAX_QUEUED = 24;
/** Runs one learner (account or guest) may have waiting at once. */
export const MAX_QUEUED_PER_CLIENT = 3;

/** Reads GRADING_CONCURRENCY (1..8), default 1. */
export function concurrencyFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.GRADING_CONCURRENCY ?? 1);
  return Number.isInteger(n) && n >= 1 && n <= 8 ? n : 1;
}

/** Reads GRADING_MAX_QUEUE (a positive integer), default DEFAULT_MAX_QUEUED. */
export function maxQueuedFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.GRADING_MAX_QUEUE);
  return Number.isInteger(n) && n > 0 ? n : DEFAULT_MAX_QUEUED;
}

/** Something to grade, owned by one learner. */
export interface QueuedJob {
  id: string;
  /** Who submitted it: `user:<id>` or `guest:<client key>`. */
  owner: string;
}

/** Why a job was not queued, with an honest wait. */
export type Refusal = { code: 'queue_full' | 'client_busy'; waiting: number; retryAfterSeconds: number };

export interface RunQueue<J extends QueuedJob> {
  /** Queues the job, or says why not. */
  offer(job: J): Refusal | null;
  /** 1-based position of a waiting job, or null when it is not waiting. */
  position(id: string): number | null;
  /** Removes and returns every waiting job (shutdown). */
  drain(): J[];
  /** Resolves once nothing waits or runs. */
  idle(): Promise<void>;
}

export interface RunQueueOptions<J> {
  concurrency: number;
  maxQueued: number;
  maxQueuedPerClient: number;
  /** Grades one job; the queue starts the next when it settles. */
  execute(job: J): Promise<void>;
  /** Called with every waiting job and its new position whenever positions change. */
  onPositions?(waiting: readonly J[]): void;
}

/** Creates a queue that runs jobs with `execute`. */
export function createRunQueue<J extends QueuedJob>(o: RunQueueOptions<J>): RunQueue<J> {
  const waiting: J[] = [];
  let running = 0;
  let idleWaiters: (() => void)[] = [];
  const recentMs: number[] = [];
  const typicalRunMs = () => (recentMs.length ? recentMs.reduce((a, b) => a + b, 0) / recentMs.length : 15_000);
  /** Seconds until `ahead` runs ahead of a new one have been graded, at the current concurrency. */
  const waitSeconds = (ahead: number) => Math.max(1, Math.ceil((Math.ceil((ahead + 1) / o.concurrency) * typicalRunMs()) / 1000));

  function pump() {
    while (running < o.concurrency && waiting.length > 0) {
      const job = waiting.shift()!;
      running++;
      o.onPositions?.(waiting);
      const started = Date.now();
      void o.execute(job).finally(() => {
        running--;
        recentMs.push(Date.now() - started);
        if (recentMs.length > 20) recentMs.shift();
        pump();
        if (running === 0 && waiting.length === 0) {
          const w = idleWaiters;
          idleWaiters = [];
          w.forEach((f) => f());
        }
      });
    }
  }

  return {
    offer(job) {
      const mine = waiting.filter((j) => j.owner === job.owner).length;
      if (mine >= o.maxQueuedPerClient) return { code: 'client_busy', waiting: mine, retryAfterSeconds: waitSeconds(waiting.findIndex((j) => j.owner === job.owner)) };
      if (waiting.length >= o.maxQueued) return { code: 'queue_full', waiting: waiting.length, retryAfterSeconds: waitSeconds(0) };
      waiting.push(job);
      // Started on the next microtask, so the caller can record and announce the run first.
      queueMicrotask(pump);
      return null;
    },
    position(id) {
      const i = waiting.findIndex((j) => j.id === id);
      return i >= 0 ? i + 1 : null;
    },
    drain: () => waiting.splice(0),
    idle() {
      if (running === 0 && waiting.length === 0) return Promise.resolve();
      return new Promise((r) => idleWaiters.push(r));
    },
  };
}
