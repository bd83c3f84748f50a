// From submitted source to a runnable program, or to errors the learner can act on. The API, the
// CLI and the golden tests all go through compileSubmission, so a compile error reads the same
// everywhere: a message plus diagnostics with file, line and column. Also builds the two results
// documents that come from no run at all: a compile error and a failure on our side.
import type { Grader } from '../../labs/_kit/grader.ts';
import { RESULTS_VERSION, emptyTimings, type Diagnostic, type Language, type RunResults } from '../../labs/_kit/results.ts';
import { bundleLearnerCode, checkPython, compileJava, type BundleResult, type JavaCompileResult, type ProgramLaunch, type PythonCheckResult } from '../sandbox/index.ts';

/** Largest submission accepted, in bytes. */
export const MAX_CODE_BYTES = 64 * 1024;

/** A submission that cannot run, and why. */
export type CompileRejection =
  | { ok: false; code: 'too_large'; message: string }
  | { ok: false; code: 'compile_error'; message: string; diagnostics: Diagnostic[] };

/** The compilers per language (injectable for tests). */
export interface Compilers {
  typescript(code: string): Promise<BundleResult>;
  java(code: string): Promise<JavaCompileResult>;
  python(code: string): Promise<PythonCheckResult>;
}

/** The real ones: each runs outside the server process, limited (see server/sandbox). */
export const SANDBOX_COMPILERS: Compilers = { typescript: (c) => bundleLearnerCode(c), java: (c) => compileJava(c), python: (c) => checkPython(c) };

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

/** Checks the size and compiles in the program's language; never throws for the learner's mistakes. */
export async function compileSubmission(code: string, language: Language, compilers: Partial<Compilers> = {}): Promise<{ ok: true; launch: ProgramLaunch } | CompileRejection> {
  const size = Buffer.byteLength(code, 'utf8');
  if (size > MAX_CODE_BYTES) return { ok: false, code: 'too_large', message: `Your program is ${size} bytes; the limit is ${MAX_CODE_BYTES} bytes (64 KiB). Remove unused code and submit again.` };
  const c = { ...SANDBOX_COMPILERS, ...compilers };
  const failed = (error: string, diagnostics: Diagnostic[]): CompileRejection => ({ ok: false, code: 'compile_error', message: `Your program did not compile: ${error}`, diagnostics });
  if (language === 'java') {
    const r = await c.java(code);
    return r.ok ? { ok: true, launch: { language, classes: r.classes } } : failed(r.error, r.diagnostics);
  }
  if (language === 'python') {
    const r = await c.python(code);
    return r.ok ? { ok: true, launch: { language, source: code } } : failed(r.error, r.diagnostics);
  }
  const r = await c.typescript(code);
  return r.ok ? { ok: true, launch: { language, js: r.js } } : failed(r.error, parseDiagnostics(r.error));
}

function base(lab: string, language: Language): Omit<RunResults, 'status' | 'kind' | 'tests' | 'seed'> {
  return { version: RESULTS_VERSION, lab, language, output: null, diagnostics: [], faults: [], program: { instances: [] }, timeline: [], notes: [], timings: emptyTimings() };
}

/** Results for a program that did not compile: the learner's failure, with no check run. */
export function compileErrorResults(lab: string, language: Language, grader: Grader, rejection: CompileRejection, seed: number): RunResults {
  const diagnostics = rejection.code === 'compile_error' ? rejection.diagnostics : [];
  return {
    ...base(lab, language),
    status: 'fail',
    kind: 'compile-error',
    message: rejection.message,
    seed,
    diagnostics,
    tests: grader.checks.map((c) => ({ name: c.name, status: 'fail', message: 'Not checked: the program did not compile.', output: null, task_id: c.taskId, evidence: [] })),
  };
}

/** Results for a run that failed on our side before any check ran. */
export function infrastructureErrorResults(lab: string, message: string, language: Language = 'typescript'): RunResults {
  return { ...base(lab, language), status: 'error', message: `${message} This is a problem on our side, not in your code; submit again.`, kind: 'infrastructure-error', seed: 0, tests: [] };
}
