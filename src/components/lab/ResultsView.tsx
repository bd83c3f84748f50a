// A finished run's results: a summary line ("2 of 4 checks passed") that takes focus and scrolls
// into view, one headline for the verdict (all checks pass, some fail, your program timed out or
// crashed, or our infrastructure failed), how the program ended and its output (once for the run),
// compile errors with their place, then every check as one sentence plus its evidence table and a
// link to the task it tests; under them the run timeline (faults included, with its text alternative).
import { useEffect, useRef, useState } from 'preact/hooks';
import type { LabTask, RunView } from './results.ts';
import { RunTimeline } from './RunTimeline.tsx';
import {
  badExits, checkMessage, describeExit, diagnosticPlace, evidenceColumns, programOutput, showValue, summaryLine, verdictOf,
  type Evidence, type EvidenceColumn, type RunResults, type TestResult,
} from './results.ts';

const HEADLINES = {
  pass: { cls: 'ok', text: 'Every check passed.' },
  fail: { cls: 'bad', text: 'Some checks failed. Each failure below names the evidence the grader saw on the broker.' },
  'learner-error': { cls: 'bad', text: 'Your program did not run to the end, so the checks could not see what they need.' },
  'infra-error': { cls: 'warn', text: 'The run failed on our side, not because of your code. Run it again; if it keeps happening, the server needs attention.' },
} as const;

const FIRST_ROWS = 8;

/** The evidence behind one check: the first rows, with the rest one click away. */
const COLUMN_TITLES: Record<EvidenceColumn, string> = { topic: 'Topic', partition: 'Partition', offset: 'Offset', key: 'Key', expected: 'Expected', actual: 'Actual', note: 'Note' };

function EvidenceTable({ name, rows }: { name: string; rows: Evidence[] }) {
  const [all, setAll] = useState(false);
  const shown = all ? rows.slice(0, 200) : rows.slice(0, FIRST_ROWS);
  const columns = evidenceColumns(rows);
  return (
    <>
      <div class="table-scroll">
        <table class="evidence" data-testid="evidence">
          <caption class="sr-only">Evidence for “{name}”</caption>
          <thead>
            <tr>{columns.map((c) => <th key={c} scope="col">{COLUMN_TITLES[c]}</th>)}</tr>
          </thead>
          <tbody>
            {shown.map((e, i) => (
              <tr key={i}>{columns.map((c) => <td key={c}>{showValue(e[c])}</td>)}</tr>
            ))}
          </tbody>
        </table>
      </div>
      {rows.length > FIRST_ROWS && (
        <button type="button" class="linklike" aria-expanded={all} onClick={() => setAll(!all)}>
          {all ? `Show only the first ${FIRST_ROWS} rows` : `Show all ${rows.length} evidence rows`}
        </button>
      )}
      {all && rows.length > 200 && <p class="muted">Showing 200 of {rows.length} rows.</p>}
    </>
  );
}

function Check({ test, tasks, crashShown }: { test: TestResult; tasks: LabTask[]; crashShown: boolean }) {
  const task = tasks.find((t) => t.id === test.task_id);
  const message = checkMessage(test, { crashShown });
  const label = test.status === 'pass' ? 'Passed' : test.status === 'fail' ? 'Failed' : 'Error';
  return (
    <li class={`check ${test.status}`} data-testid="check" data-status={test.status}>
      <p class="check-head">
        <span class={`badge ${test.status === 'pass' ? 'ok' : 'bad'}`}>{label}</span> <strong>{test.name}</strong>
      </p>
      {message && <p class="check-message" data-testid="check-message">{message}</p>}
      {test.task_id && (
        <p class="muted check-task">
          Tests task: <a href={`#task-${test.task_id}`}>{task ? task.title : test.task_id}</a>
        </p>
      )}
      {test.status !== 'pass' && test.evidence.length > 0 && <EvidenceTable name={test.name} rows={test.evidence} />}
    </li>
  );
}

const LEARNER_TEXT: Record<string, string> = {
  'program-timed-out': 'Your program timed out: it was still running at the time limit. Make it exit once every record is handled.',
  'program-crashed': 'Your program crashed. The end of its error output is below.',
  'program-limit': 'Your program hit a sandbox limit (CPU, memory or output) and was stopped.',
  'compile-error': 'Your program did not compile. Fix the error below and run again.',
};

function headline(verdict: keyof typeof HEADLINES, results: RunResults | null): string {
  if (verdict === 'learner-error' && results?.kind && LEARNER_TEXT[results.kind]) return LEARNER_TEXT[results.kind];
  return HEADLINES[verdict].text;
}

/** Results of one run. */
export function ResultsView({ run, tasks }: { run: RunView; tasks: LabTask[] }) {
  const results = run.results ?? null;
  const verdict = verdictOf(run.outcome, results);
  const head = HEADLINES[verdict];
  const tests = results?.tests ?? [];
  const exits = verdict === 'pass' ? [] : badExits(results);
  const output = programOutput(results);
  const diagnostics = results?.diagnostics ?? [];
  const summary = useRef<HTMLParagraphElement>(null);

  // A new verdict is announced by moving focus to its summary, scrolled to the middle of the screen.
  useEffect(() => {
    const el = summary.current;
    if (!el) return;
    el.focus({ preventScroll: true });
    const still = matchMedia('(prefers-reduced-motion: reduce)').matches;
    el.scrollIntoView({ block: 'center', behavior: still ? 'auto' : 'smooth' });
  }, [run.id]);

  return (
    <div data-testid="results-view" data-verdict={verdict} data-kind={results?.kind ?? ''}>
      <p class={`summary ${head.cls}`} tabIndex={-1} ref={summary} data-testid="results-summary">{summaryLine(results)}</p>
      <p class={`verdict ${head.cls}`} data-testid="verdict">
        <strong>{headline(verdict, results)}</strong>
      </p>
      {results?.message && (
        <div class={`notice ${verdict === 'infra-error' ? 'warn' : 'bad'}`} data-testid="results-message">
          <p>{results.message}</p>
        </div>
      )}
      {verdict !== 'pass' && exits.length > 0 && (
        <div class="exits" data-testid="program-exits">
          {exits.map((p) => (
            <details key={p.instance} open={verdict === 'learner-error'}>
              <summary>{describeExit(p)}</summary>
              {p.stderrTail ? <pre class="learner-output">{p.stderrTail}</pre> : <p class="muted">It wrote nothing to stderr.</p>}
            </details>
          ))}
        </div>
      )}
      {diagnostics.length > 0 && (
        <ul class="diagnostics" data-testid="diagnostics" aria-label="Compile errors">
          {diagnostics.map((d, i) => (
            <li key={i}><code>{diagnosticPlace(d)}</code> {d.message}</li>
          ))}
        </ul>
      )}
      {output && (
        <details class="program-output" data-testid="program-output" open={verdict === 'learner-error'}>
          <summary>Your program's output</summary>
          <pre class="learner-output" tabIndex={0}>{output}</pre>
        </details>
      )}
      {tests.length > 0 && (
        <ol class="checks">
          {tests.map((t, i) => <Check key={i} test={t} tasks={tasks} crashShown={exits.length > 0} />)}
        </ol>
      )}
      {results && <RunTimeline timeline={results.timeline} faults={results.faults} />}
      {results?.notes && results.notes.length > 0 && (
        <ul class="muted notes">{results.notes.map((n, i) => <li key={i}>{n}</li>)}</ul>
      )}
    </div>
  );
}
