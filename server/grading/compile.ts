// From submitted source to a runnable program, or to errors the learner can act on. The API, the
// CLI and the golden tests all go through compileSubmission, so a compile error reads the same
// everywhere: a message plus diagnostics with file, line and column. Also builds the two results
// documents that come from no run at all: a compile error and a failure on our side.
import type { Grader } from '../../labs/_kit/grader.ts';
import { RESULTS_VERSION, emptyTimings, type Diagnostic, type Language, type RunResults } from '../../labs/_kit/results.ts';
import type { BundleResult } from '../sandbox/index.ts';

/** Largest submission accepted, in bytes. */
export const MAX_CODE_BYTES = 64 * 1024;

/** A submission that cannot run, and why. */
export type CompileRejection =
  | { ok: false; code: 'too_large'; message: string }
  | { ok: false; code: 'compile_error'; message: string; diagnostics: Diagnostic[] };

/** The compiler's `main.ts:3:7: message` lines as diagnostics (the source excerpt lines are skipped). */
export function parseDiagnostics(error: string, file = 'main.ts'): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const line of error.split('\n')) {
    const m = /^([\w.-]+):(\d+):(\d+): (.+)$/.exec(line);
    if (m && Number(m[2]) > 0 && Number(m[3]) > 0) out.push({ file: m[1], line: Number(m[2]), column: Number(m[3]), message: m[4] });
  }
  // An error without a place (a forbidden import found before parsing, say) still gets shown.
  return out.length > 0 ? out : [{ file, line: 1, column: 1, message: error.split('\n')[0] }];
}

/** Checks the size and compiles; never throws for the learner's mistakes. */
export async function compileSubmission(code: string, bundle: (code: string) => Promise<BundleResult>): Promise<{ ok: true; js: string } | CompileRejection> {
  const size = Buffer.byteLength(code, 'utf8');
  if (size > MAX_CODE_BYTES) return { ok: false, code: 'too_large', message: `Your program is ${size} bytes; the limit is ${MAX_CODE_BYTES} bytes (64 KiB). Remove unused code and submit again.` };
  const bundled = await bundle(code);
  if (bundled.ok) return bundled;
  return { ok: false, code: 'compile_error', message: `Your program did not compile: ${bundled.error}`, diagnostics: parseDiagnostics(bundled.error) };
}

function base(lab: string, language: Language = 'typescript'): Omit<RunResults, 'status' | 'kind' | 'tests' | 'seed'> {
  return { version: RESULTS_VERSION, lab, language, output: null, diagnostics: [], faults: [], program: { instances: [] }, timeline: [], notes: [], timings: emptyTimings() };
}

/** Results for a program that did not compile: the learner's failure, with no check run. */
export function compileErrorResults(lab: string, grader: Grader, rejection: CompileRejection, seed: number): RunResults {
  const diagnostics = rejection.code === 'compile_error' ? rejection.diagnostics : [];
  return {
    ...base(lab),
    status: 'fail',
    kind: 'compile-error',
    message: rejection.message,
    seed,
    diagnostics,
    tests: grader.checks.map((c) => ({ name: c.name, status: 'fail', message: 'Not checked: the program did not compile.', output: null, task_id: c.taskId, evidence: [] })),
  };
}

/** Results for a run that failed on our side before any check ran. */
export function infrastructureErrorResults(lab: string, message: string): RunResults {
  return { ...base(lab), status: 'error', message: `${message} This is a problem on our side, not in your code; submit again.`, kind: 'infrastructure-error', seed: 0, tests: [] };
}
