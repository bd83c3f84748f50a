// The run contract, written once: the results document of a graded run (Exercism's test-runner
// interface v3 plus Lag Zero's kind, evidence, faults, program, timeline and timings), the run's
// lifecycle states and the Server-Sent Events a run streams. The server validates what it stores
// and sends against these schemas, OpenAPI is generated from them, the browser takes its types
// from here and the golden fixtures are checked against them.
import { z } from 'zod';

/** Exercism test-runner interface version the results follow. */
export const RESULTS_VERSION = 3;

/** The languages a lab can be solved in. */
export const LANGUAGES = ['typescript', 'java', 'python'] as const;
export const languageSchema = z.enum(LANGUAGES);
export type Language = z.infer<typeof languageSchema>;

/** One piece of broker-side evidence behind a check's verdict. */
export const evidenceSchema = z
  .object({
    topic: z.string().optional(),
    partition: z.number().int().optional(),
    /** Kafka offsets are 64-bit; kept as decimal strings. */
    offset: z.string().optional(),
    key: z.string().nullable().optional(),
    expected: z.unknown().optional(),
    actual: z.unknown().optional(),
    note: z.string().optional(),
  })
  .strict();
export type Evidence = z.infer<typeof evidenceSchema>;

/** The faults a grader can inject. */
export const FAULT_KINDS = [
  'program-start', 'program-kill', 'program-restart', 'program-pause', 'program-resume', 'broker-restart', 'response-lost', 'note',
] as const;
export const faultKindSchema = z.enum(FAULT_KINDS);
export type FaultKind = z.infer<typeof faultKindSchema>;

/** An injected fault, as it appears in the results' fault schedule. */
export const faultSchema = z
  .object({
    kind: faultKindSchema,
    /** Milliseconds since the scenario started. */
    atMs: z.number().int().nonnegative(),
    detail: z.string(),
    /** How long the fault took to apply, when it is not instant (a broker restart). */
    durationMs: z.number().int().nonnegative().optional(),
    /** The program instance it hit, when it hit one. */
    instance: z.number().int().positive().optional(),
  })
  .strict();
export type FaultRecord = z.infer<typeof faultSchema>;

/** How one program instance ended. */
export const exitReasonSchema = z.enum(['exited', 'killed', 'wall-timeout', 'cpu-limit', 'memory-limit', 'output-limit', 'crashed']);
export const programExitSchema = z
  .object({
    instance: z.number().int().positive(),
    reason: exitReasonSchema,
    code: z.number().int().nullable(),
    signal: z.string().nullable(),
    /** True when the grader itself stopped or killed this instance (a planned fault, not a crash). */
    byGrader: z.boolean(),
    wallMs: z.number().int().nonnegative(),
    stderrTail: z.string(),
  })
  .strict();
export type ProgramExit = z.infer<typeof programExitSchema>;

/** One graded check (Exercism's test object plus its evidence). */
export const testResultSchema = z
  .object({
    /** The check's sentence; also the learner's feedback when it fails. */
    name: z.string(),
    status: z.enum(['pass', 'fail', 'error']),
    /** One sentence saying what went wrong (the evidence table has the details); null on a pass. */
    message: z.string().nullable(),
    /** Exercism's per-test output; the program's own output is reported once, in `output` at the top. */
    output: z.string().nullable(),
    task_id: z.string(),
    evidence: z.array(evidenceSchema),
  })
  .strict();
export type TestResult = z.infer<typeof testResultSchema>;

/**
 * What kind of result this is, beyond pass/fail/error: passed; checks-failed (the broker saw
 * something wrong); program-crashed / program-timed-out / program-limit (the program died and
 * checks failed); compile-error (nothing ran); infrastructure-error (our side failed).
 */
export const resultKindSchema = z.enum(['passed', 'checks-failed', 'program-crashed', 'program-timed-out', 'program-limit', 'compile-error', 'infrastructure-error']);
export type ResultKind = z.infer<typeof resultKindSchema>;

/** A compile or syntax error at a place in the learner's file. */
export const diagnosticSchema = z
  .object({
    file: z.string(),
    line: z.number().int().positive(),
    column: z.number().int().positive(),
    message: z.string(),
  })
  .strict();
export type Diagnostic = z.infer<typeof diagnosticSchema>;

/** One mark on the run timeline: something the program did on the wire, or a fault. */
export const timelineEventSchema = z
  .object({
    /** Milliseconds since the scenario started. */
    atMs: z.number().int().nonnegative(),
    kind: z.enum(['produce', 'fetch', 'commit', 'txn-offsets', 'txn-commit', 'txn-abort', 'join', 'leave', 'fault', 'refused']),
    instance: z.number().int().positive().optional(),
    topic: z.string().optional(),
    partition: z.number().int().optional(),
    /** First and last offset of the records involved (produce, fetch) or the committed offset (commit). */
    firstOffset: z.string().optional(),
    lastOffset: z.string().optional(),
    group: z.string().optional(),
    /** A sentence for the mark's tooltip and the text alternative. */
    detail: z.string(),
  })
  .strict();
export type TimelineEvent = z.infer<typeof timelineEventSchema>;

/**
 * Where a run's time went, in milliseconds. The phases from compileMs to checksMs follow each other;
 * totalMs is from submission to results, so it also holds the small gaps between them.
 */
export const timingsSchema = z
  .object({
    /** Bundling or compiling the program (before it was queued). */
    compileMs: z.number().int().nonnegative(),
    /** Waiting in the queue for a grading slot. */
    queuedMs: z.number().int().nonnegative(),
    /** Getting the run's broker (a warm one from the pool, or a fresh start). */
    leaseMs: z.number().int().nonnegative(),
    /** Creating the lab's topics and opening the grader's log reader. */
    topicsMs: z.number().int().nonnegative(),
    /** The grader seeding its input. */
    seedMs: z.number().int().nonnegative(),
    /** The scenario: the program's instances, the faults and the grader's waits. */
    scenarioMs: z.number().int().nonnegative(),
    /** Reading the broker's state and running the checks. */
    checksMs: z.number().int().nonnegative(),
    totalMs: z.number().int().nonnegative(),
  })
  .strict();
export type Timings = z.infer<typeof timingsSchema>;

/** The full results document of one run. */
export const runResultsSchema = z
  .object({
    version: z.literal(RESULTS_VERSION),
    status: z.enum(['pass', 'fail', 'error']),
    /** Only when status is error, or for a compile error: what happened and what to do. */
    message: z.string().optional(),
    kind: resultKindSchema,
    lab: z.string(),
    language: languageSchema,
    seed: z.number().int(),
    /** The learner program's own output (all instances, capped, marked when truncated). */
    output: z.string().nullable(),
    /** Compile or syntax errors with their place (compile-error only). */
    diagnostics: z.array(diagnosticSchema),
    tests: z.array(testResultSchema),
    faults: z.array(faultSchema),
    program: z.object({ instances: z.array(programExitSchema) }).strict(),
    timeline: z.array(timelineEventSchema),
    notes: z.array(z.string()),
    timings: timingsSchema,
  })
  .strict();
export type RunResults = z.infer<typeof runResultsSchema>;

/** A run's lifecycle, in order. The word "state" is the lifecycle; "status" is only the verdict. */
export const RUN_STATES = ['queued', 'preparing', 'running', 'grading', 'done'] as const;
export const runStateSchema = z.enum(RUN_STATES);
export type RunState = z.infer<typeof runStateSchema>;

/** Events a run streams over SSE; the SSE event name is the `type`. */
export const runEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('state'), state: runStateSchema, position: z.number().int().positive().optional(), at: z.number().int() }).strict(),
  z.object({ type: z.literal('output'), instance: z.number().int().positive(), stream: z.enum(['stdout', 'stderr']), text: z.string(), at: z.number().int() }).strict(),
  z.object({ type: z.literal('fault'), fault: faultSchema, at: z.number().int() }).strict(),
  z.object({ type: z.literal('done'), results: runResultsSchema, at: z.number().int() }).strict(),
  z.object({ type: z.literal('ping'), at: z.number().int() }).strict(),
]);
export type RunEvent = z.infer<typeof runEventSchema>;
export const RUN_EVENT_TYPES = ['state', 'output', 'fault', 'done', 'ping'] as const;

/** Zeroed timings, filled in as a run progresses. */
export function emptyTimings(): Timings {
  return { compileMs: 0, queuedMs: 0, leaseMs: 0, topicsMs: 0, seedMs: 0, scenarioMs: 0, checksMs: 0, totalMs: 0 };
}
