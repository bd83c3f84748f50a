// The learner's runs of this lab, newest first; each opens that run's results.
import type { Attempt } from '../../../server/grading/run-store.ts';
import { languageTitle } from '../../lib/languages.ts';

export type { Attempt };

const OUTCOME_TEXT: Record<string, string> = { pass: 'Passed', fail: 'Failed' };

function describe(a: Attempt): string {
  if (a.state !== 'done') return 'In progress';
  const base = (a.outcome && OUTCOME_TEXT[a.outcome]) ?? (a.outcome ? `Did not finish (${a.outcome})` : 'Finished');
  return a.total !== null && a.total > 0 ? `${base}, ${a.passed ?? 0}/${a.total} checks` : base;
}

/** The attempt history list. */
export function AttemptHistory({ attempts, error, onOpen, currentId }: { attempts: Attempt[]; error: string | null; onOpen(id: string): void; currentId: string | null }) {
  return (
    <section class="attempts" aria-labelledby="attempts-heading" data-testid="attempts">
      <h2 id="attempts-heading">Your attempts</h2>
      {error && <p class="bad" role="alert">{error}</p>}
      {attempts.length === 0 ? (
        <p class="muted">No runs yet. Press Run to grade your program against a real broker.</p>
      ) : (
        <ol class="attempt-list">
          {attempts.map((a) => (
            <li key={a.runId}>
              <button type="button" class="linklike" aria-current={a.runId === currentId ? 'true' : undefined} onClick={() => onOpen(a.runId)} data-testid="attempt" data-outcome={a.outcome ?? ''}>
                <span class={a.outcome === 'pass' ? 'ok' : a.state === 'done' ? 'bad' : 'muted'}>{describe(a)}</span>
                <span class="muted" data-testid="attempt-language"> · {languageTitle(a.language)}</span>
                <span class="muted"> · <time dateTime={new Date(a.createdAt).toISOString()}>{new Date(a.createdAt).toLocaleString()}</time></span>
              </button>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
