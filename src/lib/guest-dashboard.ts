// The dashboard for a guest, computed in the browser from guest-store data in the same shape the
// server's /api/progress/dashboard returns, so one component renders both. Guests' lab runs are not
// tracked, so labs count as not yet passed; the streak uses the browser's time zone.
import type { Dashboard } from '../../server/progress/dashboard.ts';
import { LEVELS, PATTERNS, PATTERN_TITLES } from '../../curriculum/taxonomy.ts';
import type { GuestData } from './guest-store.ts';
import { dayKeyer, labWeight, lastDays, READINESS_FORMULA, readiness, streaks } from '../../curriculum/readiness.ts';

/** A lesson or lab as listed at build time. */
export interface CatalogItem {
  slug: string;
  title: string;
  pattern: string;
  level: string;
  /** For a lab: the languages it can be solved in. */
  languages?: Dashboard['labs'][number]['languages'];
}

type Counts = Dashboard['patterns'][number]['levels'][number];

const empty = (level: string): Counts => ({ level: level as Counts['level'], lessons: { read: 0, total: 0 }, labs: { passed: 0, attempted: 0, total: 0 }, quiz: { best: null, latest: null, attempts: 0 }, timeSeconds: 0 });

/** Builds a guest's dashboard. */
export function guestDashboard(d: GuestData, catalog: { lessons: CatalogItem[]; labs: CatalogItem[]; questionCounts: Record<string, number> }, now = Date.now(), timeZone?: string): Dashboard {
  const cells = new Map<string, Counts>();
  const at = (p: string, l: string) => {
    const k = `${p}|${l}`;
    let c = cells.get(k);
    if (!c) cells.set(k, (c = empty(l)));
    return c;
  };
  for (const l of catalog.lessons) {
    const c = at(l.pattern, l.level);
    c.lessons.total++;
    if (d.lessons[l.slug] !== undefined) c.lessons.read++;
  }
  for (const l of catalog.labs) at(l.pattern, l.level).labs.total++;
  const lessonBySlug = new Map(catalog.lessons.map((l) => [l.slug, l]));
  const labBySlug = new Map(catalog.labs.map((l) => [l.slug, l]));
  let otherSeconds = 0;
  for (const t of d.time) {
    const item = (t.lesson && lessonBySlug.get(t.lesson)) || (t.lab && labBySlug.get(t.lab)) || null;
    if (item) at(item.pattern, item.level).timeSeconds += t.seconds;
    else otherSeconds += t.seconds;
  }
  const submitted = d.quizzes.filter((q) => q.submittedAt !== null && q.score !== null).sort((a, b) => (a.submittedAt ?? 0) - (b.submittedAt ?? 0));

  const patterns = PATTERNS.map((pattern) => {
    const levels = LEVELS.map((level) => cells.get(`${pattern}|${level}`) ?? empty(level));
    const sum = empty('');
    for (const l of levels) {
      sum.lessons.read += l.lessons.read;
      sum.lessons.total += l.lessons.total;
      sum.labs.total += l.labs.total;
      sum.timeSeconds += l.timeSeconds;
    }
    for (const q of submitted) {
      const s = q.byPattern[pattern];
      if (s === undefined) continue;
      sum.quiz.attempts++;
      sum.quiz.best = sum.quiz.best === null ? s : Math.max(sum.quiz.best, s);
      sum.quiz.latest = s;
    }
    const { level: _unused, ...totals } = sum;
    return {
      pattern,
      title: PATTERN_TITLES[pattern],
      ...totals,
      readiness: readiness({ lessons: sum.lessons, labs: guestLabWeights(catalog.labs, pattern), quizMastery: guestMastery(submitted, pattern), questionsInBank: catalog.questionCounts[pattern] ?? 0 }),
      levels,
    };
  });

  const dayKey = dayKeyer(timeZone);
  const active = new Set([...Object.values(d.lessons), ...d.quizzes.map((q) => q.startedAt), ...d.time.filter((t) => t.seconds > 0).map((t) => t.bucketAt)].map(dayKey));
  const secondsByDay = new Map<string, number>();
  for (const t of d.time) secondsByDay.set(dayKey(t.bucketAt), (secondsByDay.get(dayKey(t.bucketAt)) ?? 0) + t.seconds);
  const today = dayKey(now);
  const { current, longest } = streaks(active, today);

  return {
    generatedAt: now,
    timeZone: timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone,
    readinessFormula: READINESS_FORMULA,
    totals: {
      lessonsRead: patterns.reduce((s, p) => s + p.lessons.read, 0),
      lessonsTotal: patterns.reduce((s, p) => s + p.lessons.total, 0),
      labsPassed: 0,
      labsAttempted: 0,
      labsTotal: catalog.labs.length,
      quizzesTaken: submitted.length,
      timeSeconds: patterns.reduce((s, p) => s + p.timeSeconds, 0) + otherSeconds,
      otherTimeSeconds: otherSeconds,
    },
    patterns,
    // A guest's lab runs are not kept, so no lab is solved in any language yet.
    labs: catalog.labs.map((l) => ({ slug: l.slug, title: l.title, pattern: l.pattern, level: l.level, languages: l.languages ?? ['typescript'], solvedIn: [], attemptedIn: [] })),
    streak: { current, longest, today, activeToday: active.has(today), days: lastDays(today, 28).map((date) => ({ date, active: active.has(date), seconds: secondsByDay.get(date) ?? 0 })) },
    history: {
      quizzes: [...d.quizzes]
        .sort((a, b) => b.startedAt - a.startedAt)
        .slice(0, 20)
        .map((q) => ({ id: q.id, mode: q.mode, spec: { label: q.label }, startedAt: q.startedAt, submittedAt: q.submittedAt, autoSubmitted: false, questionCount: q.questionCount, score: q.score })),
      labRuns: [],
    },
  };
}

/** A guest's labs are never passed (their runs are not kept), but the pattern's labs still weigh. */
function guestLabWeights(labs: CatalogItem[], pattern: string): { passedWeight: number; totalWeight: number } {
  return { passedWeight: 0, totalWeight: labs.filter((l) => l.pattern === pattern).reduce((s, l) => s + labWeight(l.level), 0) };
}

/** The best score on each distinct question of `pattern` over the guest's submitted quizzes, summed. */
function guestMastery(quizzes: GuestData['quizzes'], pattern: string): number {
  const best = new Map<string, number>();
  for (const q of quizzes) {
    for (const [id, r] of Object.entries(q.questionScores ?? {})) {
      if (r.pattern === pattern) best.set(id, Math.max(best.get(id) ?? 0, r.score));
    }
  }
  return [...best.values()].reduce((s, v) => s + v, 0);
}
