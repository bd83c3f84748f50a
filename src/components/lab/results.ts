// The results contract as the lab page reads it (Exercism's test-runner shape plus evidence and
// faults), and how a finished run is presented: a pass, failed checks, the learner's program timing
// out or crashing, or an infrastructure error on our side. Those three failures look different.

import type { Evidence, FaultRecord, ProgramExit } from '../../../labs/_kit/grader.ts';
import type { ResultKind, RunResults as ServerRunResults, TestResult as ServerTestResult } from '../../../server/grading/types.ts';

export type { Evidence, FaultRecord, ProgramExit, ResultKind };
/** One check, as the runner reports it. */
export type TestResult = ServerTestResult;
/** The run's results document (older stored runs may lack the newer fields). */
export type RunResults = Omit<ServerRunResults, 'kind' | 'program' | 'faults' | 'notes'> & {
  kind?: ResultKind;
  program?: ServerRunResults['program'];
  faults?: FaultRecord[];
  notes?: string[];
};

/** How the page presents a finished run. */
export type Verdict = 'pass' | 'fail' | 'learner-error' | 'infra-error';

const LEARNER_KINDS: ReadonlySet<ResultKind> = new Set(['program-crashed', 'program-timed-out', 'program-limit', 'compile-error']);

/** Picks the presentation for a finished run: the results' kind first, else its status. */
export function verdictOf(outcome: string | null | undefined, results: RunResults | null): Verdict {
  if (!results) return outcome === 'pass' ? 'pass' : outcome === 'fail' ? 'fail' : 'infra-error';
  if (results.kind === 'infrastructure-error') return 'infra-error';
  if (results.kind && LEARNER_KINDS.has(results.kind)) return 'learner-error';
  if (results.status === 'pass' && results.tests.length > 0 && results.tests.every((t) => t.status === 'pass')) return 'pass';
  if (results.status === 'error') return 'infra-error';
  return 'fail';
}

/** Program instances that ended on their own in a bad way (not stopped by the grader on purpose). */
export function badExits(results: RunResults | null): ProgramExit[] {
  return (results?.program?.instances ?? []).filter((p) => !p.byGrader && !(p.reason === 'exited' && p.code === 0));
}

/** A plain sentence for how an instance ended. */
export function describeExit(p: ProgramExit): string {
  const who = `Instance ${p.instance}`;
  switch (p.reason) {
    case 'wall-timeout': return `${who} was still running when the time limit ran out (${Math.round(p.wallMs / 1000)} s).`;
    case 'cpu-limit': return `${who} used up its CPU time.`;
    case 'memory-limit': return `${who} ran out of memory.`;
    case 'output-limit': return `${who} printed more output than allowed and was stopped.`;
    case 'crashed': return `${who} crashed${p.signal ? ` (signal ${p.signal})` : ''}.`;
    case 'killed': return `${who} was killed${p.signal ? ` (${p.signal})` : ''}.`;
    default: return `${who} exited with code ${p.code ?? 'unknown'}.`;
  }
}

/** Renders an evidence value (expected/actual may be any JSON) as short text. */
export function showValue(v: unknown): string {
  if (v === undefined || v === null) return '—';
  if (typeof v === 'string') return v;
  const s = JSON.stringify(v);
  return s.length > 200 ? `${s.slice(0, 197)}…` : s;
}
