// The grading service shared by the API: validates and bundles a submission, stores the run,
// queues it with bounded concurrency (GRADING_CONCURRENCY, default 1), runs the pipeline and
// streams every state change, queue position, fault and output chunk to subscribers (SSE).
import { randomBytes, randomInt } from 'node:crypto';
import type { Grader } from '../../labs/_kit/grader.ts';
import { loadGrader, loadLabs, type LabInfo } from '../../labs/_kit/load.ts';
import type { Db } from '../db/index.ts';
import type { KafkaRuntime } from '../kafka/types.ts';
import { bundleLearnerCode, startSandboxedProgram, type BundleResult } from '../sandbox/index.ts';
import type { LaunchProgram } from './context.ts';
import { gradeRun } from './pipeline.ts';
import { RESULTS_VERSION, type RunEvent, type RunResults, type RunState } from './types.ts';

/** Largest submission accepted, in bytes. */
export const MAX_CODE_BYTES = 64 * 1024;
/** Output events kept per run for late subscribers. */
const MAX_OUTPUT_EVENTS = 2000;
/** How long a finished run's live event history stays in memory. */
const KEEP_FINISHED_MS = 10 * 60_000;

/** A stored run as the API reads it. */
export interface RunRecord {
  id: string;
  userId: number | null;
  clientKey: string;
  labSlug: string;
  status: RunState;
  outcome: 'pass' | 'fail' | 'error' | null;
  results: RunResults | null;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  durationMs: number | null;
  /** Position in the queue (1 = next) while queued. */
  position: number | null;
}

/** Outcome of a submission attempt. */
export type SubmitResult =
  | { ok: true; runId: string }
  | { ok: false; code: 'unknown_lab' | 'too_large' | 'compile_error'; message: string }
  /** queue_full: the server's queue is at its bound; client_busy: this learner already has runs waiting. */
  | { ok: false; code: 'queue_full' | 'client_busy'; message: string; retryAfterSeconds: number };

/** Runs that may wait in the queue at once, across everyone (default; env GRADING_MAX_QUEUE). */
export const DEFAULT_MAX_QUEUED = 24;
/** Runs one learner (account or guest) may have waiting at once, so nobody crowds the others out. */
export const MAX_QUEUED_PER_CLIENT = 3;

export interface GradingServiceOptions {
  db: Db;
  kafka: KafkaRuntime;
  now?: () => number;
  labs?: LabInfo[];
  /** Runs graded at the same time (default: env GRADING_CONCURRENCY or 1). */
  concurrency?: number;
  launch?: LaunchProgram;
  bundle?: (code: string) => Promise<BundleResult>;
  /** Seed per run (default: random, recorded in the results). */
  seed?: () => number;
  /** Bound on waiting runs (default: env GRADING_MAX_QUEUE or DEFAULT_MAX_QUEUED). */
  maxQueued?: number;
  /** Bound on one learner's waiting runs (default MAX_QUEUED_PER_CLIENT). */
  maxQueuedPerClient?: number;
}

interface Live {
  events: RunEvent[];
  outputEvents: number;
  listeners: Set<(e: RunEvent) => void>;
}

interface Job {
  id: string;
  /** Who submitted it: the account, or the guest's client key. */
  owner: string;
  lab: LabInfo;
  js: string;
  enqueuedAt: number;
}

/** The grading service. */
export interface GradingService {
  labs(): LabInfo[];
  submit(input: { labSlug: string; code: string; userId: number | null; clientKey: string }): Promise<SubmitResult>;
  getRun(id: string): RunRecord | null;
  /** Events so far plus a live subscription; call the returned function to unsubscribe. */
  subscribe(id: string, listener: (e: RunEvent) => void): { history: RunEvent[]; unsubscribe: () => void } | null;
  /** Resolves once nothing is queued or running. */
  idle(): Promise<void>;
  /** Stops taking new work and waits for running runs. */
  close(): Promise<void>;
}

/** Reads GRADING_CONCURRENCY (1..8), default 1. */
export function concurrencyFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.GRADING_CONCURRENCY ?? 1);
  return Number.isInteger(n) && n >= 1 && n <= 8 ? n : 1;
}

/** Creates the service; runs left unfinished by a previous server process are closed as errors. */
export function createGradingService(o: GradingServiceOptions): GradingService {
  const now = o.now ?? Date.now;
  const labs = o.labs ?? loadLabs();
  const concurrency = o.concurrency ?? concurrencyFromEnv();
  const launch = o.launch ?? startSandboxedProgram;
  const bundle = o.bundle ?? ((code: string) => bundleLearnerCode(code));
  const seedOf = o.seed ?? (() => randomInt(1, 2 ** 31 - 1));
  const graders = new Map<string, Promise<Grader>>();
  const live = new Map<string, Live>();
  const queue: Job[] = [];
  let running = 0;
  let closed = false;
  const maxQueued = o.maxQueued ?? (Number.isInteger(Number(process.env.GRADING_MAX_QUEUE)) && Number(process.env.GRADING_MAX_QUEUE) > 0 ? Number(process.env.GRADING_MAX_QUEUE) : DEFAULT_MAX_QUEUED);
  /** Recent run durations, for an honest Retry-After. */
  const recentMs: number[] = [];
  const typicalRunMs = () => (recentMs.length ? recentMs.reduce((a, b) => a + b, 0) / recentMs.length : 15_000);
  /** Seconds until `ahead` runs ahead of a new one have been graded, at the current concurrency. */
  const waitSeconds = (ahead: number) => Math.max(1, Math.ceil((Math.ceil((ahead + 1) / concurrency) * typicalRunMs()) / 1000));
  let idleWaiters: (() => void)[] = [];

  const { db } = o;
  const insert = db.prepare('INSERT INTO runs (id, user_id, client_key, lab_slug, code, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const setStatus = db.prepare('UPDATE runs SET status = ? WHERE id = ?');
  const setStarted = db.prepare('UPDATE runs SET status = ?, started_at = ? WHERE id = ?');
  const setDone = db.prepare("UPDATE runs SET status = 'done', outcome = ?, results_json = ?, finished_at = ?, duration_ms = ? WHERE id = ?");
  const select = db.prepare('SELECT id, user_id, client_key, lab_slug, status, outcome, results_json, created_at, started_at, finished_at, duration_ms FROM runs WHERE id = ?');

  closeOrphans(db, now());

  const graderFor = (lab: LabInfo) => {
    let g = graders.get(lab.slug);
    if (!g) {
      g = loadGrader(lab);
      graders.set(lab.slug, g);
    }
    return g;
  };

  function emit(id: string, e: RunEvent) {
    const l = live.get(id);
    if (!l) return;
    if (e.type === 'output') {
      if (l.outputEvents >= MAX_OUTPUT_EVENTS) return;
      l.outputEvents++;
    }
    l.events.push(e);
    for (const fn of l.listeners) fn(e);
  }

  function announcePositions() {
    queue.forEach((job, i) => emit(job.id, { type: 'state', state: 'queued', position: i + 1, at: now() }));
  }

  function pump() {
    while (running < concurrency && queue.length > 0) {
      const job = queue.shift()!;
      running++;
      announcePositions();
      void execute(job).finally(() => {
        running--;
        pump();
        if (running === 0 && queue.length === 0) {
          const w = idleWaiters;
          idleWaiters = [];
          w.forEach((f) => f());
        }
      });
    }
  }

  async function execute(job: Job) {
    const startedAt = now();
    setStarted.run('starting-broker', startedAt, job.id);
    let results: RunResults;
    try {
      const grader = await graderFor(job.lab);
      results = await gradeRun(
        { runId: job.id, lab: job.lab, grader, js: job.js, seed: seedOf(), queuedMs: startedAt - job.enqueuedAt },
        { kafka: o.kafka, launch },
        (e) => {
          if (e.type === 'state') setStatus.run(e.state, job.id);
          emit(job.id, e);
        },
      );
    } catch (err) {
      results = internalError(job.lab.slug, `The lab's grader could not be loaded: ${(err as Error).message}`);
    }
    const finishedAt = now();
    recentMs.push(finishedAt - startedAt);
    if (recentMs.length > 20) recentMs.shift();
    setDone.run(results.status, JSON.stringify(results), finishedAt, finishedAt - startedAt, job.id);
    emit(job.id, { type: 'state', state: 'done', at: finishedAt });
    emit(job.id, { type: 'done', results, at: finishedAt });
    const l = live.get(job.id);
    l?.listeners.clear();
    setTimeout(() => live.delete(job.id), KEEP_FINISHED_MS).unref();
  }

  return {
    labs: () => labs,

    async submit({ labSlug, code, userId, clientKey }) {
      const lab = labs.find((l) => l.slug === labSlug);
      if (!lab) return { ok: false, code: 'unknown_lab', message: `There is no lab called "${labSlug}". GET /api/labs lists them.` };
      const size = Buffer.byteLength(code, 'utf8');
      if (size > MAX_CODE_BYTES) return { ok: false, code: 'too_large', message: `Your program is ${size} bytes; the limit is ${MAX_CODE_BYTES} bytes (64 KiB). Remove unused code and submit again.` };
      const bundled = await bundle(code);
      if (!bundled.ok) return { ok: false, code: 'compile_error', message: `Your program did not compile: ${bundled.error}` };
      if (closed) throw new Error('The grading service is shutting down.');
      const owner = userId !== null ? `user:${userId}` : `guest:${clientKey}`;
      const mine = queue.filter((j) => j.owner === owner).length;
      if (mine >= (o.maxQueuedPerClient ?? MAX_QUEUED_PER_CLIENT)) {
        const retryAfterSeconds = waitSeconds(queue.findIndex((j) => j.owner === owner));
        return { ok: false, code: 'client_busy', retryAfterSeconds, message: `You already have ${mine} runs waiting to be graded. Wait for one to finish (about ${retryAfterSeconds} s) and submit again.` };
      }
      if (queue.length >= maxQueued) {
        const retryAfterSeconds = waitSeconds(0);
        return { ok: false, code: 'queue_full', retryAfterSeconds, message: `The server is grading as many runs as it can queue (${queue.length} waiting). Your program was not submitted; try again in about ${retryAfterSeconds} s.` };
      }
      const id = randomBytes(12).toString('base64url');
      const createdAt = now();
      insert.run(id, userId, clientKey, lab.slug, code, 'queued', createdAt);
      live.set(id, { events: [], outputEvents: 0, listeners: new Set() });
      queue.push({ id, owner, lab, js: bundled.js, enqueuedAt: createdAt });
      emit(id, { type: 'state', state: 'queued', position: queue.length, at: createdAt });
      pump();
      return { ok: true, runId: id };
    },

    getRun(id) {
      const row = select.get(id) as RunRow | undefined;
      if (!row) return null;
      const idx = queue.findIndex((j) => j.id === id);
      return {
        id: row.id,
        userId: row.user_id,
        clientKey: row.client_key,
        labSlug: row.lab_slug,
        status: row.status as RunState,
        outcome: row.outcome as RunRecord['outcome'],
        results: row.results_json ? (JSON.parse(row.results_json) as RunResults) : null,
        createdAt: row.created_at,
        startedAt: row.started_at,
        finishedAt: row.finished_at,
        durationMs: row.duration_ms,
        position: idx >= 0 ? idx + 1 : null,
      };
    },

    subscribe(id, listener) {
      const l = live.get(id);
      if (l) {
        const done = l.events.some((e) => e.type === 'done');
        if (!done) l.listeners.add(listener);
        return { history: [...l.events], unsubscribe: () => void l.listeners.delete(listener) };
      }
      // Finished long ago (or before a restart): replay the final state from the database.
      const run = this.getRun(id);
      if (!run) return null;
      const history: RunEvent[] = [{ type: 'state', state: run.status, at: run.finishedAt ?? run.createdAt }];
      if (run.results) history.push({ type: 'done', results: run.results, at: run.finishedAt ?? run.createdAt });
      return { history, unsubscribe: () => {} };
    },

    idle() {
      if (running === 0 && queue.length === 0) return Promise.resolve();
      return new Promise((r) => idleWaiters.push(r));
    },

    async close() {
      closed = true;
      queue.splice(0).forEach((job) => {
        const results = internalError(job.lab.slug, 'The server shut down before this run started.');
        const t = now();
        setDone.run(results.status, JSON.stringify(results), t, 0, job.id);
        emit(job.id, { type: 'done', results, at: t });
      });
      await this.idle();
    },
  };
}

interface RunRow {
  id: string;
  user_id: number | null;
  client_key: string;
  lab_slug: string;
  status: string;
  outcome: string | null;
  results_json: string | null;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  duration_ms: number | null;
}

function internalError(lab: string, message: string): RunResults {
  return {
    version: RESULTS_VERSION,
    status: 'error',
    message: `${message} This is a problem on our side, not in your code; submit again.`,
    kind: 'infrastructure-error',
    lab,
    seed: 0,
    tests: [],
    faults: [],
    program: { instances: [] },
    timeline: [],
    notes: [],
    timings: { queuedMs: 0, brokerMs: 0, setupMs: 0, scenarioMs: 0, checksMs: 0, totalMs: 0 },
  };
}

/** Runs that were queued or running when the previous server process stopped can never finish. */
function closeOrphans(db: Db, at: number) {
  const orphans = db.prepare("SELECT id, lab_slug FROM runs WHERE status != 'done'").all() as { id: string; lab_slug: string }[];
  const upd = db.prepare("UPDATE runs SET status = 'done', outcome = 'error', results_json = ?, finished_at = ? WHERE id = ?");
  for (const r of orphans) upd.run(JSON.stringify(internalError(r.lab_slug, 'The server restarted while this run was in progress.')), at, r.id);
}
