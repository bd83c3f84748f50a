// Readiness and streak arithmetic shared by the server's dashboard and the guest dashboard in the
// browser, so a guest and an account see the same numbers for the same activity.

/**
 * Readiness for a pattern, 0..1, from three parts, each 0..1:
 * - lessons: lessons read / lessons;
 * - labs: labs passed / labs, each lab weighted by its level (beginner 1 … expert 4), so one
 *   beginner lab is not a third of the way to an expert pattern;
 * - quiz mastery: the best score earned on each of the pattern's questions, summed over the
 *   questions the bank has for it, so a 40 % quiz of ten questions counts four questions, not 40 %.
 * Weighted 30 % / 40 % / 30 %. A part with nothing to measure (no lessons, labs or questions for the
 * pattern) is left out and the remaining weights are scaled up to 100 %.
 */
export const READINESS_WEIGHTS = { lessons: 0.3, labs: 0.4, quiz: 0.3 } as const;
/** How much a lab of each level counts towards readiness. */
export const LAB_LEVEL_WEIGHTS: Readonly<Record<string, number>> = { beginner: 1, intermediate: 2, advanced: 3, expert: 4 };
export const labWeight = (level: string) => LAB_LEVEL_WEIGHTS[level] ?? 1;
export const READINESS_FORMULA =
  'readiness = 0.3 × lessons read/lessons + 0.4 × labs passed/labs (each lab weighted by level: beginner 1, intermediate 2, advanced 3, expert 4) + 0.3 × quiz mastery (your best score on each of the pattern\'s questions, summed, over the questions in the bank), over the parts that exist for the pattern, rescaled to 100%';

export interface ReadinessInput {
  lessons: { read: number; total: number };
  /** Level-weighted: the weights of the labs passed, and of all the pattern's labs. */
  labs: { passedWeight: number; totalWeight: number };
  /** The best score (0..1) on each distinct question of the pattern ever answered, summed. */
  quizMastery: number;
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
    labs: i.labs.totalWeight > 0 ? i.labs.passedWeight / i.labs.totalWeight : null,
    quiz: i.questionsInBank > 0 ? Math.min(1, i.quizMastery / i.questionsInBank) : null,
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
