// One run from a bundled program to results: acquire a broker, create the lab's topics, seed input,
// drive the learner's program through the scenario, run the checks against what the broker saw,
// build the results, release the broker. The verdict comes only from broker observations; the
// program's exit status and output only explain failures.
import { buildTimeline } from './timeline.ts';
import type { Check, Grader, ProgramExit } from '../../labs/_kit/grader.ts';
import { createTopics, graderKafka } from '../../labs/_kit/kafka.ts';
import type { Lab } from '../../labs/_kit/registry.ts';
import { RESULTS_VERSION, emptyTimings, type ResultKind, type RunEvent, type RunResults, type TestResult } from '../../labs/_kit/results.ts';
import type { BrokerLease, KafkaRuntime } from '../kafka/types.ts';
import { createRunContext, type LaunchProgram, type RunContext } from './context.ts';
import { openLogReader, type LogReader } from './log-reader.ts';
import { capTail } from './output.ts';
import { compileErrorResults, compileSubmission, type Compilers } from './compile.ts';
import { RunsRefusedError, type ProgramLaunch } from '../sandbox/index.ts';
import type { Language } from '../../labs/_kit/results.ts';

/** Inputs of one graded run. */
export interface RunSpec {
  runId: string;
  lab: Lab;
  grader: Grader;
  /** The learner's compiled program, in its language. */
  program: ProgramLaunch;
  seed: number;
  /** Time spent compiling and waiting in the queue before the pipeline, for timings. */
  compileMs?: number;
  queuedMs?: number;
}

/** Services a run needs. */
export interface PipelineDeps {
  kafka: KafkaRuntime;
  launch: LaunchProgram;
  /**
   * Called once, as soon as the results exist and before the run's broker is released, so the
   * learner sees the verdict without waiting for a broker to stop (about half a second). gradeRun
   * itself still resolves only after the release, so a caller's concurrency bound holds.
   */
  onResults?(results: RunResults): void;
  /** Why this server refuses to run learner programs at all (mode.ts), checked before a broker is leased; undefined: runs may start. */
  refusal?: () => string | undefined;
}

/**
 * Added to the lab's time limit for the sandbox's wall clock: broker restarts and a loaded machine
 * must not push a correct program over its limit. The scenario's own waits end a run much sooner.
 */
export const WALL_ALLOWANCE_MS = 60_000;

/** Raised for failures that are ours (broker, topics, sandbox, grader code), never the learner's. */
class InfraError extends Error {
  /** A setting of this server, not a passing problem: trying again will not help. */
  constructor(message: string, readonly setting = false) {
    super(message);
  }
}

/** Runs the whole pipeline; never throws: every failure becomes results. */
export async function gradeRun(spec: RunSpec, deps: PipelineDeps, emit: (e: RunEvent) => void = () => {}): Promise<RunResults> {
  const t0 = Date.now();
  const timings = { ...emptyTimings(), compileMs: spec.compileMs ?? 0, queuedMs: spec.queuedMs ?? 0 };
  const state = (s: 'preparing' | 'running' | 'grading') => emit({ type: 'state', state: s, at: Date.now() });
  let lease: BrokerLease | undefined;
  let run: RunContext | undefined;
  let admin: ReturnType<ReturnType<typeof graderKafka>['admin']> | undefined;
  let reader: LogReader | undefined;
  let results: RunResults | undefined;
  const finish = (r: Omit<RunResults, 'version' | 'lab' | 'language' | 'seed' | 'timings' | 'timeline' | 'output' | 'diagnostics'>): RunResults => {
    timings.totalMs = Date.now() - t0 + timings.compileMs + timings.queuedMs;
    const timeline = run ? buildTimeline(run.wire.events, run.faults) : [];
    const out = run ? collectOutput(run) : { text: '', truncated: false };
    const output = out.text === '' ? null : capTail(out.text, undefined, out.truncated);
    results = { version: RESULTS_VERSION, ...r, lab: spec.lab.slug, language: spec.program.language, seed: spec.seed, output, diagnostics: [], timeline, timings };
    return results;
  };
  try {
    state('preparing');
    const refusal = deps.refusal?.();
    if (refusal) throw new InfraError(refusal, true);
    const tb = Date.now();
    try {
      lease = await deps.kafka.acquire();
      timings.leaseMs = Date.now() - tb;
    } catch (err) {
      throw new InfraError(`No Kafka broker could be started for this run: ${(err as Error).message}`);
    }
    const kafka = graderKafka(lease.broker.bootstrap);
    admin = kafka.admin();
    let topicIds = new Map<string, string>();
    try {
      await admin.connect();
      await createTopics(admin, spec.grader.topics);
      reader = await openLogReader('127.0.0.1', lease.broker.port);
      topicIds = await reader.topicIds(spec.grader.topics.map((t) => t.name));
    } catch (err) {
      throw new InfraError(`The run's broker did not accept the lab's topics: ${(err as Error).message}`);
    }
    timings.topicsMs = Date.now() - tb - timings.leaseMs;

    run = createRunContext({
      broker: lease.broker,
      kafka,
      admin,
      program: spec.program,
      seed: spec.seed,
      env: spec.grader.env,
      launch: deps.launch,
      wallMs: spec.lab.frontmatter.timeLimitSeconds * 1000 + WALL_ALLOWANCE_MS,
      label: `run ${spec.runId}`,
      onOutput: (instance, stream, text) => emit({ type: 'output', instance, stream, text, at: Date.now() }),
      onFault: (fault) => emit({ type: 'fault', fault, at: Date.now() }),
      readLog: (topic) => reader!.read(topic),
      policy: { groups: spec.grader.groups ?? [], allowApis: spec.grader.allowApis ?? [] },
      topicIds,
    });
    const ctx = run.ctx;

    state('running');
    const ts = Date.now();
    try {
      await spec.grader.setup?.(ctx);
    } catch (err) {
      throw new InfraError(`Seeding the lab's input failed: ${(err as Error).message}`);
    }
    timings.seedMs = Date.now() - ts;
    const tsc = Date.now();
    try {
      await spec.grader.scenario(ctx);
    } catch (err) {
      if (err instanceof RunsRefusedError) throw new InfraError(err.message, true);
      throw new InfraError(`The grader's scenario failed: ${(err as Error).message}`);
    } finally {
      await run.shutdownPrograms();
    }
    timings.scenarioMs = Date.now() - tsc;
    // Clients turn the relay's refusals into generic errors ("Cluster authorization failed"): say what was refused and why.
    const refused = [...new Set(run.wire.events.flatMap((e) => (e.type === 'refused' ? [e.reason] : [])))];
    for (const reason of refused.slice(0, 5)) run.notes.push(`The lab refused a request of your program: ${reason}.`);
    if (refused.length > 5) run.notes.push(`…and ${refused.length - 5} other kinds of refused request.`);

    state('grading');
    const tc = Date.now();
    const tests: TestResult[] = [];
    let checkError: string | undefined;
    for (const check of spec.grader.checks) {
      tests.push(await runCheck(check, ctx).catch((err: Error) => {
        checkError ??= `The grader could not evaluate "${check.name}": ${err.message}`;
        return { name: check.name, status: 'error' as const, message: `Not evaluated (a problem on our side): ${err.message}`, output: null, task_id: check.taskId, evidence: [] };
      }));
    }
    timings.checksMs = Date.now() - tc;
    if (tests.length === 0) throw new InfraError('The grader ran no checks; zero checks is never a pass.');

    if (checkError) {
      return finish({ status: 'error', message: `${checkError}. This is our fault, not your code's; try again.`, kind: 'infrastructure-error', tests, faults: run.faults, program: { instances: run.exits }, notes: run.notes });
    }
    const failed = tests.filter((t) => t.status !== 'pass');
    let kind: ResultKind = failed.length ? 'checks-failed' : 'passed';
    if (failed.length) {
      const problem = programProblem(run.exits);
      if (problem) {
        kind = problem.kind;
        failed[0].message = `${problem.message}\n\n${failed[0].message ?? ''}`.trim();
      }
    }
    return finish({ status: failed.length ? 'fail' : 'pass', kind, tests, faults: run.faults, program: { instances: run.exits }, notes: run.notes });
  } catch (err) {
    const ours = err instanceof InfraError ? err.message : `Unexpected error in the grading pipeline: ${(err as Error).message}`;
    const after = err instanceof InfraError && err.setting ? 'This is how this server is set up, not a problem in your code.' : 'This is a problem on our side, not in your code; try again in a moment.';
    return finish({
      status: 'error',
      message: `${ours} ${after}`,
      kind: 'infrastructure-error',
      tests: spec.grader.checks.map((c) => ({ name: c.name, status: 'error', message: 'Not evaluated: the run could not complete (see the run message).', output: null, task_id: c.taskId, evidence: [] })),
      faults: run?.faults ?? [],
      program: { instances: run?.exits ?? [] },
      notes: run?.notes ?? [],
    });
  } finally {
    if (run) await run.shutdownPrograms().catch(() => {});
    if (results) {
      try {
        deps.onResults?.(results);
      } catch (err) {
        console.error(`[grading] publishing the results of run ${spec.runId} failed: ${(err as Error).message}`);
      }
    }
    reader?.close();
    await admin?.disconnect().catch(() => {});
    await lease?.release().catch((err: Error) => console.error(`[grading] releasing the broker of run ${spec.runId} failed: ${err.message}`));
  }
}

async function runCheck(check: Check, ctx: RunContext['ctx']): Promise<TestResult> {
  const outcome = await check.run(ctx);
  return {
    name: check.name,
    status: outcome.pass ? 'pass' : 'fail',
    message: outcome.pass ? null : outcome.message ?? 'Failed.',
    output: null,
    task_id: check.taskId,
    evidence: outcome.evidence,
  };
}

function collectOutput(run: RunContext): { text: string; truncated: boolean } {
  const ids = [...run.output.keys()].sort((a, b) => a - b);
  const many = ids.length > 1 || run.exits.length > 1;
  const text = ids.map((id) => (many ? `--- instance ${id} ---\n` : '') + (run.output.get(id) ?? '')).join('\n');
  return { text, truncated: run.exits.some((e) => e.reason === 'output-limit') };
}

/** Explains a program instance that ended on its own in a way that is not a clean exit. */
function programProblem(exits: ProgramExit[]): { kind: ResultKind; message: string } | null {
  const bad = exits.find((e) => !e.byGrader && !(e.reason === 'exited' && e.code === 0));
  if (!bad) return null;
  const tail = bad.stderrTail ? `\nLast lines of its stderr:\n${bad.stderrTail}` : '';
  switch (bad.reason) {
    case 'wall-timeout':
      return { kind: 'program-timed-out', message: `Your program (instance ${bad.instance}) was stopped at the time limit after ${Math.round(bad.wallMs / 1000)} s.${tail}` };
    case 'cpu-limit':
    case 'memory-limit':
    case 'output-limit':
      return { kind: 'program-limit', message: `Your program (instance ${bad.instance}) was stopped for exceeding the ${bad.reason.replace('-limit', '')} limit.${tail}` };
    default:
      return { kind: 'program-crashed', message: `Your program (instance ${bad.instance}) crashed (${bad.code !== null ? `exit code ${bad.code}` : `signal ${bad.signal}`}) before the grader finished.${tail}` };
  }
}

/** Bundles and grades one submission: the CLI's and the golden tests' entry to the pipeline. */
export async function gradeSubmission(
  lab: Lab,
  grader: Grader,
  code: string,
  opts: { seed: number; runId: string; language?: Language; compilers?: Partial<Compilers> },
  deps: PipelineDeps,
  emit?: (e: RunEvent) => void,
): Promise<RunResults> {
  const t0 = Date.now();
  const language = opts.language ?? 'typescript';
  const compiled = await compileSubmission(code, language, opts.compilers);
  if (!compiled.ok) return compileErrorResults(lab.slug, language, grader, compiled, opts.seed);
  return gradeRun({ runId: opts.runId, lab, grader, program: compiled.launch, seed: opts.seed, compileMs: Date.now() - t0 }, deps, emit);
}
