// Hints, revealed one at a time from the server in the program's language; how many the learner has
// opened is remembered in this browser so a reload (or a language switch) does not hide them again.
import { useEffect, useState } from 'preact/hooks';
import { apiJson } from '../../lib/api-client.ts';

const key = (slug: string) => `lz-lab-hints:${slug}`;

/** The hints section (absent when the lab has none). */
export function HintsPanel({ slug, total, language = 'typescript' }: { slug: string; total: number; language?: string }) {
  const [hints, setHints] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);

  async function load(count: number) {
    try {
      const res = await apiJson<{ hints: string[]; total: number }>(`/api/labs/${slug}/hints?count=${count}&language=${encodeURIComponent(language)}`);
      setHints(res.hints);
      setError(null);
      try {
        localStorage.setItem(key(slug), String(res.hints.length));
      } catch {
        // Not remembered; the hints stay visible until the page is left.
      }
    } catch (err) {
      setError((err as Error).message);
    }
  }

  useEffect(() => {
    let seen = 0;
    try {
      seen = Number(localStorage.getItem(key(slug)) ?? 0) || 0;
    } catch {
      seen = 0;
    }
    if (seen > 0) void load(Math.min(seen, total));
  }, [slug, language]);

  if (total === 0) return null;
  return (
    <section class="hints" aria-labelledby="hints-heading" data-testid="hints">
      <h2 id="hints-heading">Hints</h2>
      {hints.length > 0 && (
        <ol aria-live="polite">
          {hints.map((h, i) => <li key={i} data-testid="hint">{h}</li>)}
        </ol>
      )}
      {error && <p class="bad" role="alert">{error}</p>}
      {hints.length < total ? (
        <button type="button" class="btn secondary" onClick={() => void load(hints.length + 1)} data-testid="hint-button">
          {hints.length === 0 ? 'Show a hint' : 'Show the next hint'} ({hints.length + 1} of {total})
        </button>
      ) : (
        <p class="muted">That is every hint for this lab.</p>
      )}
    </section>
  );
}
