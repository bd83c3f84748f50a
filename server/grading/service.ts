// The grading service the API uses: validates and compiles a submission, records the run, queues it,
// runs the pipeline and publishes every state change, queue position, fault and output chunk. The
// pieces are separate: the run store (all `runs` SQL), the queue (bounded, fair) and the event hub
// (live events for SSE); this file only wires them together.
import { randomBytes, randomInt } from 'node:crypto';
import type { Lab, LabRegistry } from '../../labs/_kit/registry.ts';
import type { Diagnostic, Language, RunEvent, RunResults } from '../../labs/_kit/results.ts';
import type { Db } from '../db/index.ts';
import type { KafkaRuntime } from '../kafka/types.ts';
import { currentSandboxMode, startSandboxedProgram, toolchainSupport, type LanguageSupport, type ProgramLaunch } from '../sandbox/index.ts';
import type { LaunchProgram } from './context.ts';
import { compileSubmission, infrastructureErrorResults, type Compilers } from './compile.ts';
import { createEventHub } from './event-hub.ts';
import { gradeRun } from './pipeline.ts';
import { createRunQueue, concurrencyFromEnv, maxQueuedFromEnv, MAX_QUEUED_PER_CLIENT, type QueuedJob } from './run-queue.ts';
import { createRunStore, type RunRecord, type RunStore } from './run-store.ts';

export { concurrencyFromEnv } from './run-queue.ts';
export { MAX_CODE_BYTES } from './compile.ts';

/** A stored run with its queue position (1 = next) while it waits. */
export type RunView = RunRecord & { position: number | null };

/** Outcome of a submission attempt. */
export type SubmitResult =
  | { ok: true; runId: string }
  | { ok: false; code: 'unknown_lab'; message: string }
  /** The lab has no starter in that language, or this server cannot run it. */
  | { ok: false; code: 'language_unsupported' | 'language_unavailable'; message: string }
  | { ok: false; code: 'too_large'; message: string }
  /** This server runs no learner programs at all (LAB_SANDBOX, HOST; see sandbox/mode.ts). */
  | { ok: false; code: 'runs_refused'; message: string }
  | { ok: false; code: 'compile_error'; message: string; diagnostics: Diagnostic[] }
  /** queue_full: the server's queue is at its bound; client_busy: this learner already has runs waiting. */
  | { ok: false; code: 'queue_full' | 'client_busy'; message: string; retryAfterSeconds: number };

export interface GradingServiceOptions {
  db: Db;
  kafka: KafkaRuntime;
  labs: LabRegistry;
  now?: () => number;
  /** Runs graded at the same time (default: env GRADING_CONCURRENCY or 1). */
  concurrency?: number;
  launch?: LaunchProgram;
  /** Compilers per language (default: the sandbox's). */
  compilers?: Partial<Compilers>;
  /** Which languages this host can run (default: toolchainSupport()). */
  languages?: () => LanguageSupport[];
  /** Seed per run (default: random, recorded in the results). */
  seed?: () => number;
  /** Bound on waiting runs (default: env GRADING_MAX_QUEUE or DEFAULT_MAX_QUEUED). */
  maxQueued?: number;
  /** Bound on one learner's waiting runs (default MAX_QUEUED_PER_CLIENT). */
  maxQueuedPerClient?: number;
}

interface Job extends QueuedJob {
  lab: Lab;
  program: ProgramLaunch;
  enqueuedAt: number;
  compileMs: number;
}

/** The grading service. */
export interface GradingService {
  /** The runs table, for the API's read-only views. */
  store: RunStore;
  submit(input: { labSlug: string; code: string; language?: Language; userId: number | null; clientKey: string }): Promise<SubmitResult>;
  getRun(id: string): RunView | null;
  /** Events so far plus a live subscription; call the returned function to unsubscribe. */
  subscribe(id: string, listener: (e: RunEvent) => void): { history: RunEvent[]; unsubscribe: () => void } | null;
  /** Resolves once nothing is queued or running. */
  idle(): Promise<void>;
  /** Stops taking new work and waits for running runs. */
  close(): Promise<void>;
}

/** Creates the service; runs left unfinished by a previous server process are closed as errors. */
export function createGradingService(o: GradingServiceOptions): GradingService {
  const now = o.now ?? Date.now;
  const launch = o.launch ?? startSandboxedProgram;
  const support = o.languages ?? (() => toolchainSupport());
  const seedOf = o.seed ?? (() => randomInt(1, 2 ** 31 - 1));
  const store = createRunStore(o.db);
  const hub = createEventHub();
  let closed = false;

  for (const r of store.unfinished()) store.finish(r.id, infrastructureErrorResults(r.labSlug, 'The server restarted while this run was in progress.', r.language), now(), 0);

  const queue = createRunQueue<Job>({
    concurrency: o.concurrency ?? concurrencyFromEnv(),
    maxQueued: o.maxQueued ?? maxQueuedFromEnv(),
    maxQueuedPerClient: o.maxQueuedPerClient ?? MAX_QUEUED_PER_CLIENT,
    execute,
    onPositions: (waiting) => waiting.forEach((job, i) => hub.emit(job.id, { type: 'state', state: 'queued', position: i + 1, at: now() })),
  });

  function finish(id: string, results: RunResults, startedAt: number) {
    const finishedAt = now();
    store.finish(id, results, finishedAt, finishedAt - startedAt);
    hub.emit(id, { type: 'state', state: 'done', at: finishedAt });
    hub.emit(id, { type: 'done', results, at: finishedAt });
    hub.close(id);
  }

  async function execute(job: Job) {
    const startedAt = now();
    store.setStarted(job.id, 'preparing', startedAt);
    let results: RunResults;
    // The verdict is published as soon as it exists; the job keeps its slot until the broker is released.
    let published = false;
    const publish = (r: RunResults) => {
      published = true;
      finish(job.id, r, startedAt);
    };
    try {
      const grader = await o.labs.grader(job.lab);
      results = await gradeRun(
        { runId: job.id, lab: job.lab, grader, program: job.program, seed: seedOf(), compileMs: job.compileMs, queuedMs: startedAt - job.enqueuedAt },
        // The real sandbox may refuse every run (LAB_SANDBOX, HOST): say so before a broker is leased.
        { kafka: o.kafka, launch, onResults: publish, refusal: o.launch ? undefined : () => currentSandboxMode().refusal },
        (e) => {
          if (e.type === 'state') store.setState(job.id, e.state);
          hub.emit(job.id, e);
        },
      );
    } catch (err) {
      results = infrastructureErrorResults(job.lab.slug, `The lab's grader could not be loaded: ${(err as Error).message}`, job.program.language);
    }
    if (!published) finish(job.id, results, startedAt);
  }

  const getRun = (id: string): RunView | null => {
    const run = store.get(id);
    return run ? { ...run, position: queue.position(id) } : null;
  };

  return {
    store,

    async submit({ labSlug, code, language = 'typescript', userId, clientKey }) {
      const lab = o.labs.get(labSlug);
      if (!lab) return { ok: false, code: 'unknown_lab', message: `There is no lab called "${labSlug}". GET /api/labs lists them.` };
      if (!lab.languages.includes(language)) {
        return { ok: false, code: 'language_unsupported', message: `The lab "${lab.slug}" has no ${language} version yet; it can be solved in ${lab.languages.join(', ')}. Pick one of those and submit again.` };
      }
      const host = support().find((l) => l.language === language);
      if (host && !host.available) {
        return { ok: false, code: 'language_unavailable', message: `This server cannot run ${language} programs: ${host.problem ?? 'its toolchain is missing'}. ${host.fix ?? ''} Until then, solve the lab in another language.`.trim() };
      }
      // A server that refuses every run says so now, instead of queueing a run that can only fail.
      const refusal = o.launch ? undefined : currentSandboxMode().refusal;
      if (refusal) return { ok: false, code: 'runs_refused', message: refusal };
      const t0 = now();
      const compiled = await compileSubmission(code, language, o.compilers);
      if (!compiled.ok) return compiled;
      if (closed) throw new Error('The grading service is shutting down.');
      const id = randomBytes(12).toString('base64url');
      const createdAt = now();
      const job: Job = { id, owner: userId !== null ? `user:${userId}` : `guest:${clientKey}`, lab, program: compiled.launch, enqueuedAt: createdAt, compileMs: createdAt - t0 };
      const refused = queue.offer(job);
      if (refused?.code === 'client_busy') {
        return { ok: false, code: 'client_busy', retryAfterSeconds: refused.retryAfterSeconds, message: `You already have ${refused.waiting} runs waiting to be graded. Wait for one to finish (about ${refused.retryAfterSeconds} s) and submit again.` };
      }
      if (refused) {
        return { ok: false, code: 'queue_full', retryAfterSeconds: refused.retryAfterSeconds, message: `The server is grading as many runs as it can queue (${refused.waiting} waiting). Your program was not submitted; try again in about ${refused.retryAfterSeconds} s.` };
      }
      store.insert({ id, userId, clientKey, labSlug: lab.slug, language, code, createdAt });
      hub.open(id);
      hub.emit(id, { type: 'state', state: 'queued', position: queue.position(id) ?? 1, at: createdAt });
      return { ok: true, runId: id };
    },

    getRun,

    subscribe(id, listener) {
      const live = hub.subscribe(id, listener);
      if (live) return live;
      // Finished long ago (or before a restart): replay the final state from the database.
      const run = store.get(id);
      if (!run) return null;
      const at = run.finishedAt ?? run.createdAt;
      const history: RunEvent[] = [{ type: 'state', state: run.state, at }];
      if (run.results) history.push({ type: 'done', results: run.results, at });
      return { history, unsubscribe: () => {} };
    },

    idle: () => queue.idle(),

    async close() {
      closed = true;
      for (const job of queue.drain()) finish(job.id, infrastructureErrorResults(job.lab.slug, 'The server shut down before this run started.', job.program.language), now());
      await queue.idle();
    },
  };
}
