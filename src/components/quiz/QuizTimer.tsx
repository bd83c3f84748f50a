// The visible countdown to the server's deadline. It counts down from the remaining time the
// server reported (so the learner's clock setting does not matter and a reload resumes it), tells
// screen readers the time left only at a few milestones, and calls onExpire once at zero.
import { useEffect, useRef, useState } from 'preact/hooks';

const MILESTONES = [600, 300, 120, 60, 30, 10];

/** mm:ss (or h:mm:ss) for a number of seconds. */
export function formatClock(total: number): string {
  const s = Math.max(0, Math.ceil(total));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const mm = String(m).padStart(h ? 2 : 1, '0');
  return `${h ? `${h}:` : ''}${mm}:${String(sec).padStart(2, '0')}`;
}

function spoken(s: number): string {
  if (s >= 60) {
    const m = Math.round(s / 60);
    return `${m} minute${m === 1 ? '' : 's'} left`;
  }
  return `${s} seconds left`;
}

/** Countdown from `remainingMs` (as of the moment `syncedAt` = performance.now()). */
export function QuizTimer({ remainingMs, syncedAt, onExpire }: { remainingMs: number; syncedAt: number; onExpire: () => void }) {
  const endAt = syncedAt + remainingMs;
  const [left, setLeft] = useState(() => Math.max(0, endAt - performance.now()) / 1000);
  const [announce, setAnnounce] = useState('');
  const fired = useRef(false);
  const lastMilestone = useRef<number | null>(null);

  useEffect(() => {
    fired.current = false;
    const tick = () => {
      const secs = Math.max(0, endAt - performance.now()) / 1000;
      setLeft(secs);
      const whole = Math.ceil(secs);
      const m = MILESTONES.find((x) => whole <= x && whole > x - 1.5);
      if (m !== undefined && lastMilestone.current !== m) {
        lastMilestone.current = m;
        setAnnounce(spoken(m));
      }
      if (secs <= 0 && !fired.current) {
        fired.current = true;
        setAnnounce('Time is up. Your quiz is being submitted.');
        onExpire();
      }
    };
    tick();
    const h = setInterval(tick, 250);
    return () => clearInterval(h);
  }, [endAt]);

  const low = left <= 60;
  return (
    <div class={`quiz-timer${low ? ' low' : ''}`}>
      <span class="muted" id="quiz-timer-label">Time left</span>{' '}
      <span role="timer" aria-labelledby="quiz-timer-label" data-testid="quiz-timer" data-seconds-left={Math.ceil(left)}>
        {formatClock(left)}
      </span>
      <span class="sr-only" aria-live="assertive" data-testid="quiz-timer-announcement">
        {announce}
      </span>
    </div>
  );
}
