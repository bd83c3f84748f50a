// The results contract as the lab page reads it (labs/_kit/results.ts: Exercism's test-runner shape
// plus evidence, faults, output, diagnostics and timeline), and how a finished run is presented: a
// pass, failed checks, the learner's program timing out or crashing, or an infrastructure error on
// our side. Those three failures look different. The shaping is pure functions, tested beside.

import type {
  Diagnostic, Evidence, FaultRecord, Language, ProgramExit, ResultKind, RunResults as ContractResults, TestResult as ContractTest, TimelineEvent,
} from '../../../labs/_kit/results.ts';

export type { Diagnostic, Evidence, FaultRecord, Language, ProgramExit, ResultKind, TimelineEvent };
/** One check, as the runner reports it. */
export type TestResult = ContractTest;
/** Fields stored runs from before the current contract may lack. */
type Newer = 'kind' | 'program' | 'faults' | 'notes' | 'output' | 'diagnostics' | 'language' | 'timeline' | 'timings';
/** The run's results document (older stored runs may lack the newer fields). */
export type RunResults = Omit<ContractResults, Newer> & Partial<Omit<Pick<ContractResults, Newer>, 'timings'>> & { timings?: Record<string, number> };

/** A task of the lab, as the instructions list it. */
export interface LabTask { id: string; title: string }

/** GET /api/runs/:id as the page reads it. */
export interface RunView {
  id: string;
  state: string;
  position?: number | null;
  outcome?: string | null;
  results?: RunResults | null;
  createdAt?: number;
}

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

/** "2 of 4 checks passed." (or why none ran): the line that gets focus when results arrive. */
export function summaryLine(results: RunResults | null): string {
  const tests = results?.tests ?? [];
  if (tests.length === 0) return results?.kind === 'compile-error' ? 'No checks ran: the program did not compile.' : 'No checks ran.';
  const passed = tests.filter((t) => t.status === 'pass').length;
  return `${passed} of ${tests.length} check${tests.length === 1 ? '' : 's'} passed.`;
}

/**
 * The learner's own output, shown once for the whole run: the top-level `output`, or (older
 * results) the first check that carried it. Null when the program printed nothing.
 */
export function programOutput(results: RunResults | null): string | null {
  if (!results) return null;
  if (typeof results.output === 'string' && results.output.trim() !== '') return results.output;
  const legacy = results.tests.find((t) => typeof t.output === 'string' && t.output.trim() !== '');
  return legacy?.output ?? null;
}

// Lines a failure message may carry that the page shows elsewhere: how the program ended (once,
// at the top) and bullet lists of evidence (the table).
const CRASH_LINE = /^(Your program \(instance \d+\).*|Last lines of its stderr:.*)$/;
const BULLET = /^\s*[-•*]\s/;

/**
 * One sentence for a failed check: the message without the crash report (shown once for the run
 * when `crashShown`) and without bullet lines that repeat the evidence table.
 */
export function checkMessage(test: TestResult, opts: { crashShown: boolean }): string | null {
  if (test.status === 'pass' || !test.message) return null;
  const hasTable = test.evidence.length > 0;
  const paragraphs = test.message.split(/\n\s*\n/).map((p) =>
    p.split('\n').filter((line) => !(hasTable && BULLET.test(line)) && !(opts.crashShown && CRASH_LINE.test(line.trim()))).join(' '),
  );
  const first = paragraphs.map((p) => p.replace(/\s+/g, ' ').trim()).find((p) => p !== '');
  return first ?? (hasTable ? 'This check failed; the evidence the grader saw is below.' : 'This check failed.');
}

/** Evidence columns worth showing: only those some row fills in, in a fixed order. */
export type EvidenceColumn = 'topic' | 'partition' | 'offset' | 'key' | 'expected' | 'actual' | 'note';
const COLUMNS: EvidenceColumn[] = ['topic', 'partition', 'offset', 'key', 'expected', 'actual', 'note'];
export function evidenceColumns(rows: Evidence[]): EvidenceColumn[] {
  return COLUMNS.filter((c) => rows.some((r) => r[c] !== undefined && r[c] !== null));
}

/** Where a compile error is, as an editor shows it: "main.ts:3:7". */
export function diagnosticPlace(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.column}`;
}
