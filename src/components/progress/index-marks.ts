// Read, attempted and passed marks on the lessons and labs indexes. Lessons read come from the
// account (GET /api/progress/lessons) or, for guests, from this browser's guest store; a lab's
// marks come from the caller's attempts (GET /api/labs/:slug/attempts, which knows guests too).
// The pages stay static: marks are added to the cards once the data arrives, and nothing is
// shown when it cannot be read.
import { apiJson, currentUser } from '../../lib/api-client.ts';
import { readGuest } from '../../lib/guest-store.ts';

/** What the labs index says about one lab. */
export type LabMark = 'passed' | 'attempted' | null;

/** A lab is passed once any finished run passed, attempted once there is any run at all. */
export function labMark(attempts: readonly { state: string; outcome: string | null }[]): LabMark {
  if (attempts.some((a) => a.state === 'done' && a.outcome === 'pass')) return 'passed';
  return attempts.length > 0 ? 'attempted' : null;
}

const TEXT = { read: 'Read', passed: 'Passed', attempted: 'Attempted' } as const;

function addMark(card: Element, kind: keyof typeof TEXT) {
  if (card.querySelector('.progress-mark')) return;
  const mark = document.createElement('span');
  mark.className = `progress-mark ${kind}`;
  mark.dataset.mark = kind;
  mark.textContent = kind === 'attempted' ? TEXT[kind] : `✓ ${TEXT[kind]}`;
  const heading = card.querySelector('h2, h3');
  (heading ?? card).append(' ', mark);
  card.setAttribute('data-progress', kind);
}

/** Marks the lesson cards ([data-lesson]) the learner has read. */
export async function markLessons(): Promise<void> {
  const cards = Array.from(document.querySelectorAll('[data-lesson]'));
  if (cards.length === 0) return;
  let read: Set<string>;
  if (await currentUser()) {
    try {
      read = new Set((await apiJson<{ read: { slug: string }[] }>('/api/progress/lessons')).read.map((r) => r.slug));
    } catch {
      return;
    }
  } else {
    read = new Set(Object.keys(readGuest().lessons));
  }
  for (const card of cards) if (read.has(card.getAttribute('data-lesson') ?? '')) addMark(card, 'read');
}

/** Marks the lab cards ([data-lab]) the learner has passed or attempted. */
export async function markLabs(): Promise<void> {
  await Promise.all(
    Array.from(document.querySelectorAll('[data-lab]')).map(async (card) => {
      const slug = card.getAttribute('data-lab') ?? '';
      try {
        const { attempts } = await apiJson<{ attempts: { state: string; outcome: string | null }[] }>(`/api/labs/${encodeURIComponent(slug)}/attempts`);
        const mark = labMark(attempts);
        if (mark) addMark(card, mark);
      } catch {
        // No marks rather than a wrong one.
      }
    }),
  );
}
