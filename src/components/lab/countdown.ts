// The arithmetic of the run countdown: the clock text ("0:23") and the few moments a screen
// reader is told the time left, so the live region speaks every 15 seconds and at 10 and 5
// seconds, never once a second.

/** m:ss for a number of seconds (rounded up, never below zero). */
export function formatLeft(seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** The whole seconds at which the time left is announced, for a limit of `limit` seconds. */
export function isAnnounced(left: number, limit: number): boolean {
  if (left === limit || left === 0) return true;
  return left > 0 && (left % 15 === 0 || left === 10 || left === 5);
}

/** What the live region says with `left` whole seconds to go. */
export function announcement(left: number): string {
  if (left <= 0) return 'Time limit reached: your program is being stopped and graded.';
  const m = Math.floor(left / 60);
  const s = left % 60;
  const parts = [m > 0 ? `${m} minute${m === 1 ? '' : 's'}` : '', s > 0 ? `${s} second${s === 1 ? '' : 's'}` : ''].filter(Boolean);
  return `${parts.join(' ')} left`;
}
