// Runs on every page (included from src/layouts/Base.astro): moves a guest's browser-kept progress
// into the account once someone is signed in, and counts active time on lesson, lab and quiz pages.
// Time counts only while the tab is visible and the reader did something in the last two minutes;
// it is sent in beats of at most 60 s (the server's limit) or kept locally for guests.
import { addGuestTime, syncGuestProgress } from './guest-store.ts';
import { apiJson, currentUser } from './api-client.ts';

const TICK_MS = 5_000;
const IDLE_AFTER_MS = 120_000;
const BEAT_SECONDS = 60;

void syncGuestProgress();

const lessonEl = document.querySelector<HTMLElement>('[data-lesson]');
const labEl = document.querySelector<HTMLElement>('[data-lab]');
const tracked = lessonEl || labEl || document.querySelector('[data-track-time]');

if (tracked) {
  const on = lessonEl?.dataset.lesson ? { lesson: lessonEl.dataset.lesson } : labEl?.dataset.lab ? { lab: labEl.dataset.lab } : {};
  let lastInput = Date.now();
  let pending = 0;
  for (const ev of ['keydown', 'pointerdown', 'pointermove', 'scroll', 'wheel', 'touchstart', 'focusin']) {
    addEventListener(ev, () => (lastInput = Date.now()), { passive: true, capture: true });
  }

  const flush = async (keepalive = false) => {
    const seconds = Math.min(BEAT_SECONDS, Math.round(pending));
    if (seconds < 1) return;
    pending -= seconds;
    const user = await currentUser();
    if (!user) {
      addGuestTime(seconds, on);
      return;
    }
    try {
      await apiJson('/api/progress/time', { method: 'POST', body: { seconds, ...on }, keepalive });
    } catch {
      // A lost beat is a minute of time not counted; not worth retrying or bothering the reader.
    }
  };

  setInterval(() => {
    if (document.visibilityState === 'visible' && Date.now() - lastInput < IDLE_AFTER_MS) pending += TICK_MS / 1000;
    if (pending >= BEAT_SECONDS) void flush();
  }, TICK_MS);
  addEventListener('pagehide', () => void flush(true));
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') void flush(true);
  });
}
