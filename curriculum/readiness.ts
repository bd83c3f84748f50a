// Readiness and streak arithmetic shared by the server's dashboard and the guest dashboard in the
// browser, so a guest and an account see the same numbers for the same activity.

/**
 * Readiness for a pattern, 0..1: 30% lessons read / lessons, 40% labs passed / labs, 30% best quiz
 * score on that pattern's questions. A part with nothing to measure (no lessons, labs or questions
 * for the pattern) is left out and the remaining weights are scaled up to 100%.
 */
export const READINESS_WEIGHTS = { lessons: 0.3, labs: 0.4, quiz: 0.3 } as const;
export const READINESS_FORMULA =
  'readiness = (0.3 × lessons read/lessons + 0.4 × labs passed/labs + 0.3 × best quiz score) over the parts that exist for the pattern, rescaled to 100%';

export interface ReadinessInput {
  lessons: { read: number; total: number };
  labs: { passed: number; total: number };
  quizBest: number | null;
  questionsInBank: number;
}
export interface Readiness {
  score: number | null;
  parts: { lessons: number | null; labs: number | null; quiz: number | null };
}

const round = (n: number | null) => (n === null ? null : Math.round(n * 1000) / 1000);

/** Readiness per the formula above; score is null when the pattern has nothing to measure yet. */
export function readiness(i: ReadinessInput): Readiness {
  const parts = {
    lessons: i.lessons.total > 0 ? i.lessons.read / i.lessons.total : null,
    labs: i.labs.total > 0 ? i.labs.passed / i.labs.total : null,
    quiz: i.questionsInBank > 0 ? (i.quizBest ?? 0) : null,
  };
  let weight = 0;
  let sum = 0;
  for (const k of ['lessons', 'labs', 'quiz'] as const) {
    const v = parts[k];
    if (v === null) continue;
    weight += READINESS_WEIGHTS[k];
    sum += READINESS_WEIGHTS[k] * v;
  }
  return { score: weight > 0 ? round(sum / weight) : null, parts: { lessons: round(parts.lessons), labs: round(parts.labs), quiz: round(parts.quiz) } };
}

const DAY_MS = 86_400_000;

/** Formats instants as YYYY-MM-DD in a time zone (UTC for an unknown zone; the browser's own zone when omitted). */
export function dayKeyer(timeZone?: string): (ms: number) => string {
  const opts: Intl.DateTimeFormatOptions = { year: 'numeric', month: '2-digit', day: '2-digit' };
  let fmt: Intl.DateTimeFormat;
  try {
    fmt = new Intl.DateTimeFormat('en-CA', timeZone ? { ...opts, timeZone } : opts);
  } catch {
    fmt = new Intl.DateTimeFormat('en-CA', { ...opts, timeZone: 'UTC' });
  }
  return (ms) => {
    const p = Object.fromEntries(fmt.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
    return `${p.year}-${p.month}-${p.day}`;
  };
}

/** Day number (days since the epoch) of a YYYY-MM-DD key, and back. */
export const dayNumber = (key: string) => Date.UTC(Number(key.slice(0, 4)), Number(key.slice(5, 7)) - 1, Number(key.slice(8, 10))) / DAY_MS;
export const keyOfDayNumber = (n: number) => new Date(n * DAY_MS).toISOString().slice(0, 10);

/**
 * Streaks over active local days. The current streak counts back from today, or from yesterday
 * when nothing has happened yet today (the streak stays alive until the day ends).
 */
export function streaks(activeDays: Iterable<string>, today: string): { current: number; longest: number } {
  const days = new Set(activeDays);
  const sorted = [...days].map(dayNumber).sort((a, b) => a - b);
  let longest = 0;
  let run = 0;
  for (let i = 0; i < sorted.length; i++) {
    run = i > 0 && sorted[i] === sorted[i - 1] + 1 ? run + 1 : 1;
    longest = Math.max(longest, run);
  }
  let d = dayNumber(today);
  if (!days.has(today)) d -= 1;
  let current = 0;
  while (days.has(keyOfDayNumber(d))) {
    current++;
    d--;
  }
  return { current, longest };
}

/** The last `n` day keys ending with `today`. */
export function lastDays(today: string, n: number): string[] {
  return Array.from({ length: n }, (_, i) => keyOfDayNumber(dayNumber(today) - n + 1 + i));
}
