// Aggregates one user's progress for the dashboard: per pattern and level (lessons read, labs
// passed/attempted, best and latest quiz score, time spent), readiness per pattern, a day streak in
// the user's own time zone, and recent quiz and lab attempts.
import type { Db } from '../db/index.ts';
import { LEVELS, PATTERNS, PATTERN_TITLES, type Level, type Pattern } from '../../curriculum/taxonomy.ts';
import { dayKeyer, labWeight, lastDays, readiness as readinessOf, streaks, READINESS_FORMULA } from '../../curriculum/readiness.ts';
import type { Item } from './catalog.ts';
import { createRunStore } from '../grading/run-store.ts';
import { LANGUAGES, type Language } from '../../labs/_kit/results.ts';
import { attemptSummary, type AttemptRow } from '../quizzes/store.ts';

interface Counts {
  lessons: { read: number; total: number };
  labs: { passed: number; attempted: number; total: number };
  quiz: { best: number | null; latest: number | null; attempts: number };
  timeSeconds: number;
}
const emptyCounts = (): Counts => ({ lessons: { read: 0, total: 0 }, labs: { passed: 0, attempted: 0, total: 0 }, quiz: { best: null, latest: null, attempts: 0 }, timeSeconds: 0 });

/** Builds the dashboard for a user at `now`. */
export function buildDashboard(
  db: Db,
  input: { userId: number; timeZone: string; now: number; lessons: Item[]; labs: Item[]; questionCounts: Record<Pattern, number> },
) {
  const { userId, now } = input;
  const cell = new Map<string, Counts>();
  const at = (p: string, l: string) => {
    const k = `${p}|${l}`;
    let c = cell.get(k);
    if (!c) cell.set(k, (c = emptyCounts()));
    return c;
  };

  // Lessons.
  const reads = db.prepare('SELECT lesson_slug, read_at FROM lesson_reads WHERE user_id = ?').all(userId) as { lesson_slug: string; read_at: number }[];
  const readSet = new Set(reads.map((r) => r.lesson_slug));
  for (const l of input.lessons) {
    const c = at(l.pattern, l.level);
    c.lessons.total++;
    if (readSet.has(l.slug)) c.lessons.read++;
  }

  // Labs: attempted = at least one finished run; passed = at least one passing run.
  const runs = createRunStore(db).userRuns(userId);
  // A lab counts as solved in any language; which languages is kept for the lab list.
  const labOutcome = new Map<string, { passed: boolean; attempted: boolean; solvedIn: Set<Language>; attemptedIn: Set<Language> }>();
  for (const r of runs) {
    const o = labOutcome.get(r.labSlug) ?? { passed: false, attempted: false, solvedIn: new Set(), attemptedIn: new Set() };
    if (r.outcome !== null) {
      o.attempted = true;
      o.attemptedIn.add(r.language);
    }
    if (r.outcome === 'pass') {
      o.passed = true;
      o.solvedIn.add(r.language);
    }
    labOutcome.set(r.labSlug, o);
  }
  const inOrder = (set: Set<Language> | undefined) => LANGUAGES.filter((l) => set?.has(l));
  const labList = input.labs.map((l) => ({
    slug: l.slug,
    title: l.title,
    pattern: l.pattern as string,
    level: l.level as string,
    languages: [...(l.languages ?? ['typescript'])],
    solvedIn: inOrder(labOutcome.get(l.slug)?.solvedIn),
    attemptedIn: inOrder(labOutcome.get(l.slug)?.attemptedIn),
  }));
  for (const l of input.labs) {
    const c = at(l.pattern, l.level);
    c.labs.total++;
    const o = labOutcome.get(l.slug);
    if (o?.attempted) c.labs.attempted++;
    if (o?.passed) c.labs.passed++;
  }

  // Quizzes: each submitted attempt's score on the questions of a pattern (and of a pattern+level).
  const slices = db
    .prepare(
      `SELECT a.id, a.submitted_at, a.started_at, a.deadline_at, q.pattern, q.level, SUM(q.score) AS points, COUNT(*) AS n
       FROM quiz_attempts a JOIN quiz_answers q ON q.attempt_id = a.id
       WHERE a.user_id = ? AND a.submitted_at IS NOT NULL
       GROUP BY a.id, q.pattern, q.level
       ORDER BY a.submitted_at`,
    )
    .all(userId) as { id: string; submitted_at: number; started_at: number; deadline_at: number; pattern: string; level: string; points: number; n: number }[];
  const perPattern = new Map<string, Map<string, { points: number; n: number; at: number }>>();
  const attemptSize = new Map<string, number>();
  for (const s of slices) attemptSize.set(s.id, (attemptSize.get(s.id) ?? 0) + s.n);
  const quizTime = new Map<string, number>();
  for (const s of slices) {
    const c = at(s.pattern, s.level);
    applyQuiz(c, s.points / s.n);
    const byAttempt = perPattern.get(s.pattern) ?? new Map();
    const agg = byAttempt.get(s.id) ?? { points: 0, n: 0, at: s.submitted_at };
    agg.points += s.points;
    agg.n += s.n;
    byAttempt.set(s.id, agg);
    perPattern.set(s.pattern, byAttempt);
    // Quiz time is split over the attempt's questions, so a mixed quiz feeds each pattern its share.
    const seconds = (Math.min(s.submitted_at, s.deadline_at) - s.started_at) / 1000;
    const share = (seconds * s.n) / (attemptSize.get(s.id) as number);
    quizTime.set(`${s.pattern}|${s.level}`, (quizTime.get(`${s.pattern}|${s.level}`) ?? 0) + share);
  }

  // Time spent from heartbeats and imports, plus quiz time.
  const time = db.prepare('SELECT pattern, level, SUM(seconds) AS s FROM time_spent WHERE user_id = ? GROUP BY pattern, level').all(userId) as { pattern: string; level: string; s: number }[];
  let otherSeconds = 0;
  for (const t of time) {
    if (t.pattern === '' || t.level === '') otherSeconds += t.s;
    else at(t.pattern, t.level).timeSeconds += t.s;
  }
  for (const [k, s] of quizTime) {
    const [p, l] = k.split('|');
    at(p, l).timeSeconds += Math.round(s);
  }

  // Readiness inputs: labs weighted by level, and quiz mastery (best score per distinct question).
  const labWeights = new Map<string, { passedWeight: number; totalWeight: number }>();
  for (const l of input.labs) {
    const w = labWeights.get(l.pattern) ?? { passedWeight: 0, totalWeight: 0 };
    w.totalWeight += labWeight(l.level);
    if (labOutcome.get(l.slug)?.passed) w.passedWeight += labWeight(l.level);
    labWeights.set(l.pattern, w);
  }
  const mastery = new Map(
    (
      db
        .prepare(
          `SELECT pattern, SUM(best) AS mastery FROM (
             SELECT q.pattern, q.question_id, MAX(COALESCE(q.score, 0)) AS best
             FROM quiz_answers q JOIN quiz_attempts a ON a.id = q.attempt_id
             WHERE a.user_id = ? AND a.submitted_at IS NOT NULL
             GROUP BY q.pattern, q.question_id)
           GROUP BY pattern`,
        )
        .all(userId) as { pattern: string; mastery: number }[]
    ).map((r) => [r.pattern, r.mastery]),
  );

  const patterns = PATTERNS.map((pattern) => {
    const levels = LEVELS.map((level) => ({ level, ...(cell.get(`${pattern}|${level}`) ?? emptyCounts()) }));
    const sum = emptyCounts();
    for (const l of levels) {
      sum.lessons.read += l.lessons.read;
      sum.lessons.total += l.lessons.total;
      sum.labs.passed += l.labs.passed;
      sum.labs.attempted += l.labs.attempted;
      sum.labs.total += l.labs.total;
      sum.timeSeconds += l.timeSeconds;
    }
    const attempts = [...(perPattern.get(pattern)?.values() ?? [])].sort((a, b) => a.at - b.at);
    for (const a of attempts) applyQuiz(sum, a.points / a.n);
    return { pattern, title: PATTERN_TITLES[pattern], ...sum, readiness: readinessOf({ lessons: sum.lessons, labs: labWeights.get(pattern) ?? { passedWeight: 0, totalWeight: 0 }, quizMastery: mastery.get(pattern) ?? 0, questionsInBank: input.questionCounts[pattern] ?? 0 }), levels };
  });

  // Streak: any lesson read, quiz started, lab run or counted time makes a local day active.
  const dayKey = dayKeyer(input.timeZone);
  const instants: number[] = [
    ...reads.map((r) => r.read_at),
    ...(db.prepare('SELECT started_at FROM quiz_attempts WHERE user_id = ?').pluck().all(userId) as number[]),
    ...runs.map((r) => r.createdAt),
    ...(db.prepare('SELECT bucket_at FROM time_spent WHERE user_id = ? AND seconds > 0').pluck().all(userId) as number[]),
  ];
  const secondsByDay = new Map<string, number>();
  for (const r of db.prepare('SELECT bucket_at, SUM(seconds) AS s FROM time_spent WHERE user_id = ? GROUP BY bucket_at').all(userId) as { bucket_at: number; s: number }[]) {
    const k = dayKey(r.bucket_at);
    secondsByDay.set(k, (secondsByDay.get(k) ?? 0) + r.s);
  }
  const active = new Set(instants.map(dayKey));
  const today = dayKey(now);
  const { current, longest } = streaks(active, today);
  const last28 = lastDays(today, 28).map((date) => ({ date, active: active.has(date), seconds: secondsByDay.get(date) ?? 0 }));

  const quizHistory = (
    db.prepare('SELECT * FROM quiz_attempts WHERE user_id = ? ORDER BY started_at DESC LIMIT 20').all(userId) as AttemptRow[]
  ).map(attemptSummary);
  const labTitles = new Map(input.labs.map((l) => [l.slug, l.title]));
  const runHistory = runs.slice(0, 20).map((r) => ({
    id: r.id,
    labSlug: r.labSlug,
    labTitle: labTitles.get(r.labSlug) ?? r.labSlug,
    language: r.language,
    state: r.state,
    outcome: r.outcome,
    createdAt: r.createdAt,
    durationMs: r.durationMs,
  }));

  const totals = {
    lessonsRead: patterns.reduce((s, p) => s + p.lessons.read, 0),
    lessonsTotal: patterns.reduce((s, p) => s + p.lessons.total, 0),
    labsPassed: patterns.reduce((s, p) => s + p.labs.passed, 0),
    labsAttempted: patterns.reduce((s, p) => s + p.labs.attempted, 0),
    labsTotal: patterns.reduce((s, p) => s + p.labs.total, 0),
    quizzesTaken: db.prepare('SELECT COUNT(*) FROM quiz_attempts WHERE user_id = ? AND submitted_at IS NOT NULL').pluck().get(userId) as number,
    timeSeconds: patterns.reduce((s, p) => s + p.timeSeconds, 0) + otherSeconds,
    otherTimeSeconds: otherSeconds,
  };

  return {
    generatedAt: now,
    timeZone: input.timeZone,
    readinessFormula: READINESS_FORMULA,
    totals,
    patterns,
    labs: labList,
    streak: { current, longest, today, activeToday: active.has(today), days: last28 },
    history: { quizzes: quizHistory, labRuns: runHistory },
  };
}

function applyQuiz(c: Counts, score: number) {
  const s = Math.round(score * 1000) / 1000;
  c.quiz.attempts++;
  c.quiz.best = c.quiz.best === null ? s : Math.max(c.quiz.best, s);
  c.quiz.latest = s;
}

export type Dashboard = ReturnType<typeof buildDashboard>;
