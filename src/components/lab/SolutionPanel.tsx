// The reference solution: offered once the learner has a passing run, or after an explicit,
// confirmed give-up. The server decides; this panel only asks.
import { useState } from 'preact/hooks';
import { apiJson } from '../../lib/api-client.ts';

/** The solution section. */
export function SolutionPanel({ slug, passed, language = 'typescript' }: { slug: string; passed: boolean; language?: string }) {
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
        <pre class="learner-output" tabIndex={0} data-testid="solution-code">{solution}</pre>
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
