// The reference solution: offered once the learner has a passing run, or after an explicit,
// confirmed give-up. The server decides; this panel only asks. Once shown, "Compare with my code"
// turns it into a line diff of the editor's program against the solution: − marks a line only in
// the learner's code, + one only in the reference, so the table reads the same without colour.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { apiJson } from '../../lib/api-client.ts';
import { diffRows, diffSummary, type DiffRow } from './code-diff.ts';

const MARK: Record<DiffRow['kind'], { sign: string; said: string }> = {
  same: { sign: ' ', said: '' },
  mine: { sign: '−', said: 'only in your code' },
  reference: { sign: '+', said: 'only in the reference' },
};

/** The learner's program beside the reference, as a table of diff rows, opened at the first change. */
function CodeDiff({ mine, reference }: { mine: string; reference: string }) {
  const rows = useMemo(() => diffRows(mine, reference), [mine, reference]);
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const first = box.current?.querySelector<HTMLElement>('tbody tr:not([data-kind="same"])');
    // A few lines of context above the first difference, below the sticky header row.
    const el = box.current;
    if (!el || !first) return;
    const header = el.querySelector('thead')?.getBoundingClientRect().height ?? 0;
    el.scrollTop = Math.max(0, first.getBoundingClientRect().top - el.getBoundingClientRect().top - header - 4 * first.getBoundingClientRect().height);
    // Only on opening: later edits in the editor must not move the box under the reader.
  }, []);
  const n = diffSummary(rows);
  const lines = (k: number) => `${k} line${k === 1 ? '' : 's'}`;
  return (
    <>
      <p id="solution-diff-summary" data-testid="solution-diff-summary">
        {n.mine + n.reference === 0
          ? 'Your code and the reference solution are the same, line for line.'
          : `Your code (−) against the reference solution (+): ${lines(n.mine)} only in yours, ${lines(n.reference)} only in the reference.`}
      </p>
      <div class="table-scroll code-diff-box" tabIndex={0} ref={box} role="region" aria-labelledby="solution-diff-summary" data-testid="solution-diff">
        <table class="code-diff" aria-labelledby="solution-diff-summary">
          <thead>
            <tr>
              <th scope="col">Yours</th>
              <th scope="col">Reference</th>
              <th scope="col"><span class="sr-only">Change</span></th>
              <th scope="col">Code</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r, i) => (
              <tr key={i} class={`diff-${r.kind}`} data-kind={r.kind}>
                <td class="num">{r.mineLine ?? ''}</td>
                <td class="num">{r.referenceLine ?? ''}</td>
                <td class="mark"><span aria-hidden="true">{MARK[r.kind].sign}</span>{MARK[r.kind].said && <span class="sr-only">{MARK[r.kind].said}</span>}</td>
                <td class="line"><code>{r.text}</code></td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

/** The solution section; `mine` is the learner's program in the editor, for the comparison. */
export function SolutionPanel({ slug, passed, language = 'typescript', mine }: { slug: string; passed: boolean; language?: string; mine?: string }) {
  const [comparing, setComparing] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [solution, setSolution] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function reveal() {
    try {
      const res = await apiJson<{ code: string }>(`/api/labs/${slug}/solution?language=${encodeURIComponent(language)}`);
      setSolution(res.code);
      setError(null);
    } catch (err) {
      setError((err as Error).message);
    }
  }

  async function giveUp() {
    setConfirming(false);
    try {
      await apiJson(`/api/labs/${slug}/give-up`, { method: 'POST', body: { confirm: true } });
      await reveal();
    } catch (err) {
      setError((err as Error).message);
    }
  }

  return (
    <section class="solution" aria-labelledby="solution-heading" data-testid="solution">
      <h2 id="solution-heading">Reference solution</h2>
      {solution !== null ? (
        <>
          {mine !== undefined && (
            <button type="button" class="btn secondary small" aria-pressed={comparing} onClick={() => setComparing((c) => !c)} data-testid="compare-solution">
              Compare with my code
            </button>
          )}
          {comparing && mine !== undefined ? <CodeDiff mine={mine} reference={solution} /> : <pre class="learner-output" tabIndex={0} data-testid="solution-code">{solution}</pre>}
        </>
      ) : passed ? (
        <>
          <p>You passed this lab. Compare your program with the reference solution.</p>
          <button type="button" class="btn secondary" onClick={() => void reveal()} data-testid="show-solution">Show the reference solution</button>
        </>
      ) : confirming ? (
        <div class="confirm" role="group" aria-label="Confirm giving up">
          <p>Giving up shows the full solution for this lab. You can still run your own code afterwards.</p>
          <button type="button" class="btn secondary small" onClick={() => void giveUp()} data-testid="give-up-confirm">Yes, show me the solution</button>{' '}
          <button type="button" class="btn secondary small" onClick={() => setConfirming(false)}>Keep trying</button>
        </div>
      ) : (
        <>
          <p class="muted">The solution unlocks when one of your runs passes every check, or if you give up.</p>
          <button type="button" class="btn secondary" onClick={() => setConfirming(true)} data-testid="give-up">Give up and see the solution</button>
        </>
      )}
      {error && <p class="bad" role="alert">{error}</p>}
    </section>
  );
}
