// The run results contract and the run event stream. Results follow Exercism's test-runner
// interface, version 3 (status, message only for errors, tests[] in declaration order with name,
// status, message, output, task_id), plus Lag Zero's additions: evidence per test, the fault
// schedule, how each program instance ended, notes and timings.
import type { Evidence, FaultRecord, ProgramExit } from '../../labs/_kit/grader.ts';
import type { TimelineEvent } from '../../labs/_kit/results.ts';

/** Exercism interface version these results follow. */
export const RESULTS_VERSION = 3;

/** One graded check. */
export interface TestResult {
  name: string;
  status: 'pass' | 'fail' | 'error';
  /** Why it failed (names topic/partition/offset/key); null when it passed. */
  message: string | null;
  /** The learner program's own output (capped, marked when truncated); on the first test only. */
  output: string | null;
  task_id: string;
  evidence: Evidence[];
}

/**
 * What kind of result this is, beyond pass/fail/error:
 * passed; checks-failed (the broker saw something wrong); program-crashed / program-timed-out /
 * program-limit (the learner's program died and checks failed); compile-error; infrastructure-error.
 */
export type ResultKind = 'passed' | 'checks-failed' | 'program-crashed' | 'program-timed-out' | 'program-limit' | 'compile-error' | 'infrastructure-error';

/** The full results document of one run. */
export interface RunResults {
  version: typeof RESULTS_VERSION;
  status: 'pass' | 'fail' | 'error';
  /** Only when status is error: what went wrong on our side. */
  message?: string;
  kind: ResultKind;
  lab: string;
  seed: number;
  tests: TestResult[];
  faults: FaultRecord[];
  program: { instances: ProgramExit[] };
  /** What the program did on the wire and every fault, in time order (see server/grading/timeline.ts). */
  timeline: TimelineEvent[];
  notes: string[];
  timings: { queuedMs: number; brokerMs: number; setupMs: number; scenarioMs: number; checksMs: number; totalMs: number };
}

/** Run states in order. */
export type RunState = 'queued' | 'starting-broker' | 'running' | 'grading' | 'done';

/** Events streamed to clients (SSE) while a run progresses. */
export type RunEvent =
  | { type: 'state'; state: RunState; position?: number; at: number }
  | { type: 'output'; instance: number; stream: 'stdout' | 'stderr'; text: string; at: number }
  | { type: 'fault'; fault: FaultRecord; at: number }
  | { type: 'done'; results: RunResults; at: number };
