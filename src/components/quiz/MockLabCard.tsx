// The lab of a mock interview: during the quiz, a card that opens the lab (in a new tab, so the
// quiz and its server-kept timer stay open here) and shows the best run so far; in the results,
// the lab's checks next to the quiz score.
import type { MockLab } from './types.ts';
import { languageTitle } from '../../lib/languages.ts';


/** "3 of 4 checks passed (Java)", or what there is instead. */
export function labOutcome(lab: MockLab): string {
  const r = lab.run;
  if (!r) return 'No run yet.';
  if (r.state !== 'done') return `A run is in progress (${languageTitle(r.language)}).`;
  const checks = r.total ? `${r.passed ?? 0} of ${r.total} checks passed` : r.outcome === 'error' ? 'the run could not be graded' : 'no checks ran';
  return `${r.outcome === 'pass' ? 'Passed: ' : ''}${checks} (${languageTitle(r.language)}; best of ${lab.runs} run${lab.runs === 1 ? '' : 's'}).`;
}

/** The card in the running quiz. */
export function MockLabCard({ lab, onRefresh }: { lab: MockLab; onRefresh(): void }) {
  return (
    <section class="card mock-lab" aria-labelledby="mock-lab-heading" data-testid="mock-lab">
      <h2 id="mock-lab-heading" style="margin-top:0">Lab: {lab.title}</h2>
      <p>
        This interview includes a lab on the same clock. Solve it on the lab page; runs started before the quiz ends count, and the report shows your best one.
      </p>
      <p>
        <a class="btn secondary" href={`/labs/${lab.slug}/`} target="_blank" rel="noopener" data-testid="mock-lab-open">Open the lab in a new tab</a>{' '}
        <button type="button" class="btn secondary" onClick={onRefresh} data-testid="mock-lab-refresh">Check my lab runs</button>
      </p>
      <p aria-live="polite" data-testid="mock-lab-status" data-outcome={lab.run?.outcome ?? ''}>{labOutcome(lab)}</p>
    </section>
  );
}

/** The lab's part of the final report. */
export function MockLabResult({ lab }: { lab: MockLab }) {
  const r = lab.run;
  return (
    <section aria-labelledby="mock-lab-result" data-testid="mock-lab-result" data-outcome={r?.outcome ?? ''}>
      <h3 id="mock-lab-result">Lab: {lab.title}</h3>
      <p class={r?.outcome === 'pass' ? 'ok' : r ? 'bad' : 'muted'}>{r ? labOutcome(lab) : 'No run of the lab was started before the quiz ended.'}</p>
      {r && (
        <p>
          <a href={`/labs/${lab.slug}/?run=${encodeURIComponent(r.runId)}`}>See that run's checks and evidence</a>
        </p>
      )}
    </section>
  );
}
