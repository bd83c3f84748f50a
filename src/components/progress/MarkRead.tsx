// "Mark as read" for a lesson page: saved to the account for signed-in learners, to this browser
// for guests (moved to the account on sign-up). A toggle button whose pressed state is the status.
import { useEffect, useState } from 'preact/hooks';
import { readGuest, setGuestLessonRead } from '../../lib/guest-store.ts';
import { apiJson, currentUser, type AuthUser } from '../../lib/api-client.ts';

/** The control; `lesson` is the lesson slug. */
export default function MarkRead({ lesson }: { lesson: string; pattern?: string }) {
  const [user, setUser] = useState<AuthUser | null | undefined>(undefined);
  const [read, setRead] = useState<boolean | null>(null);
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    void currentUser().then(async (u) => {
      setUser(u);
      if (!u) {
        setRead(readGuest().lessons[lesson] !== undefined);
        return;
      }
      try {
        const r = await apiJson<{ read: { slug: string }[] }>('/api/progress/lessons');
        setRead(r.read.some((x) => x.slug === lesson));
      } catch (err) {
        setRead(false);
        setMessage((err as Error).message);
      }
    });
  }, [lesson]);

  const toggle = async () => {
    const next = !read;
    setBusy(true);
    try {
      if (user) {
        await apiJson(`/api/progress/lessons/${encodeURIComponent(lesson)}/read`, { method: next ? 'POST' : 'DELETE' });
        setMessage(next ? 'Marked as read in your account.' : 'Marked as unread.');
      } else {
        setGuestLessonRead(lesson, next);
        setMessage(next ? 'Marked as read in this browser. Sign up to keep your progress in an account.' : 'Marked as unread.');
      }
      setRead(next);
    } catch (err) {
      setMessage(`Not saved: ${(err as Error).message}`);
    } finally {
      setBusy(false);
    }
  };

  if (read === null) return <p class="muted mark-read">Checking whether you have read this lesson…</p>;
  return (
    <div class="mark-read" data-testid="mark-read" data-read={String(read)}>
      <button type="button" class={read ? 'btn secondary' : 'btn'} aria-pressed={read} disabled={busy} onClick={() => void toggle()} data-testid="mark-read-button">
        {read ? '✓ Read' : 'Mark as read'}
      </button>
      <span class="muted" aria-live="polite" data-testid="mark-read-status">
        {message || (read ? 'You marked this lesson as read. Press again to undo.' : '')}
      </span>
    </div>
  );
}
