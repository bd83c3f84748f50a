// Quiz attempts in SQLite: creation with a server-side deadline, answer saving, submission (by the
// learner or automatically at expiry, counting only answers saved before the deadline), results,
// and the spaced review schedule of missed questions.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Db } from '../db/index.ts';
import type { Question } from '../../curriculum/question.ts';
import type { Bank } from './bank.ts';
import { correctAnswer, gradeAnswer, type Answer } from './grade.ts';

export const DAY_MS = 86_400_000;
/** Days until a missed question comes back, by review step. */
export const REVIEW_INTERVAL_DAYS = [1, 3, 7] as const;

export type QuizMode = 'practice' | 'mock' | 'review';

export interface AttemptRow {
  id: string;
  user_id: number | null;
  token_hash: string;
  client_key: string;
  mode: QuizMode;
  spec_json: string;
  question_count: number;
  time_limit_s: number;
  started_at: number;
  deadline_at: number;
  submitted_at: number | null;
  auto_submitted: number;
  points: number | null;
  score: number | null;
  /** The question (0-based position) the learner was last on. */
  current_position: number;
}

export interface AnswerRow {
  attempt_id: string;
  position: number;
  question_id: string;
  pattern: string;
  level: string;
  topics_json: string;
  answer_json: string | null;
  saved_at: number | null;
  revealed_at: number | null;
  score: number | null;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** The history view of an attempt, shared by the quiz history route and the dashboard. */
export function attemptSummary(r: AttemptRow) {
  return {
    id: r.id,
    mode: r.mode as string,
    spec: JSON.parse(r.spec_json) as Record<string, unknown>,
    startedAt: r.started_at,
    submittedAt: r.submitted_at,
    autoSubmitted: r.auto_submitted === 1,
    questionCount: r.question_count,
    score: r.score,
  };
}

/** True when `token` is the attempt's token (constant-time comparison of the hashes). */
export function tokenMatches(row: AttemptRow, token: string | undefined): boolean {
  if (!token) return false;
  const a = Buffer.from(sha256(token), 'hex');
  const b = Buffer.from(row.token_hash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Creates an attempt with its questions fixed in order; returns its id and the bearer token. */
export function createAttempt(
  db: Db,
  a: { userId: number | null; clientKey: string; mode: QuizMode; spec: unknown; questions: Question[]; timeLimitS: number; now: number },
): { id: string; token: string } {
  const id = randomBytes(12).toString('base64url');
  const token = randomBytes(24).toString('base64url');
  db.transaction(() => {
    db.prepare(
      `INSERT INTO quiz_attempts (id, user_id, token_hash, client_key, mode, spec_json, question_count, time_limit_s, started_at, deadline_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(id, a.userId, sha256(token), a.clientKey, a.mode, JSON.stringify(a.spec), a.questions.length, a.timeLimitS, a.now, a.now + a.timeLimitS * 1000);
    const ins = db.prepare('INSERT INTO quiz_answers (attempt_id, position, question_id, pattern, level, topics_json) VALUES (?, ?, ?, ?, ?, ?)');
    a.questions.forEach((q, i) => ins.run(id, i, q.id, q.pattern, q.level, JSON.stringify(q.topics)));
  }).immediate();
  return { id, token };
}

/** Question ids of the caller's most recent attempt (a user's, or a guest client's), for variety. */
export function previousQuestionIds(db: Db, owner: { userId: number | null; clientKey: string }): Set<string> {
  const last = (
    owner.userId !== null
      ? db.prepare('SELECT id FROM quiz_attempts WHERE user_id = ? ORDER BY started_at DESC, rowid DESC LIMIT 1').pluck().get(owner.userId)
      : db.prepare('SELECT id FROM quiz_attempts WHERE client_key = ? AND user_id IS NULL ORDER BY started_at DESC, rowid DESC LIMIT 1').pluck().get(owner.clientKey)
  ) as string | undefined;
  if (!last) return new Set();
  return new Set(db.prepare('SELECT question_id FROM quiz_answers WHERE attempt_id = ?').pluck().all(last) as string[]);
}

export function getAttempt(db: Db, id: string): AttemptRow | undefined {
  return db.prepare('SELECT * FROM quiz_attempts WHERE id = ?').get(id) as AttemptRow | undefined;
}

export function getAnswers(db: Db, attemptId: string): AnswerRow[] {
  return db.prepare('SELECT * FROM quiz_answers WHERE attempt_id = ? ORDER BY position').all(attemptId) as AnswerRow[];
}

/** Saves an answer if the attempt is still open at `now`; returns false when it is not. */
export function saveAnswer(db: Db, attemptId: string, questionId: string, answer: Answer, now: number): boolean {
  const r = db
    .prepare(
      `UPDATE quiz_answers SET answer_json = ?, saved_at = ?
       WHERE attempt_id = ? AND question_id = ?
         AND EXISTS (SELECT 1 FROM quiz_attempts WHERE id = ? AND submitted_at IS NULL AND deadline_at > ?)`,
    )
    .run(JSON.stringify(answer), now, attemptId, questionId, attemptId, now);
  return r.changes === 1;
}

/** Remembers which question the learner is on, while the attempt is open; false when it is not. */
export function setPosition(db: Db, attemptId: string, position: number, now: number): boolean {
  const r = db
    .prepare('UPDATE quiz_attempts SET current_position = ? WHERE id = ? AND submitted_at IS NULL AND deadline_at > ? AND ? < question_count')
    .run(position, attemptId, now, position);
  return r.changes === 1;
}

/** Marks an open question's model answer as revealed (locks its text); false if the attempt is closed. */
export function markRevealed(db: Db, attemptId: string, questionId: string, now: number): boolean {
  const r = db
    .prepare(
      `UPDATE quiz_answers SET revealed_at = COALESCE(revealed_at, ?)
       WHERE attempt_id = ? AND question_id = ?
         AND EXISTS (SELECT 1 FROM quiz_attempts WHERE id = ? AND submitted_at IS NULL AND deadline_at > ?)`,
    )
    .run(now, attemptId, questionId, attemptId, now);
  return r.changes === 1;
}

/**
 * Grades and closes an attempt. `auto` means time ran out: it is recorded as submitted at its
 * deadline. Only answers already stored count, and the store never accepts one after the deadline.
 * Returns false if the attempt was already submitted (so two racing submits grade once).
 */
export function submitAttempt(db: Db, bank: Bank, attemptId: string, now: number, auto: boolean): boolean {
  return db.transaction(() => {
    const row = getAttempt(db, attemptId);
    if (!row || row.submitted_at !== null) return false;
    const submittedAt = auto ? row.deadline_at : now;
    const answers = getAnswers(db, attemptId);
    const setScore = db.prepare('UPDATE quiz_answers SET score = ? WHERE attempt_id = ? AND question_id = ?');
    let points = 0;
    const graded: { questionId: string; score: number }[] = [];
    for (const a of answers) {
      const q = bank.byId.get(a.question_id);
      const score = q ? gradeAnswer(q, a.answer_json ? (JSON.parse(a.answer_json) as Answer) : null) : 0;
      setScore.run(score, attemptId, a.question_id);
      points += score;
      if (q) graded.push({ questionId: a.question_id, score });
    }
    db.prepare('UPDATE quiz_attempts SET submitted_at = ?, auto_submitted = ?, points = ?, score = ? WHERE id = ?').run(
      submittedAt,
      auto ? 1 : 0,
      points,
      answers.length ? points / answers.length : 0,
      attemptId,
    );
    if (row.user_id !== null) updateReviewSchedule(db, row.user_id, graded, submittedAt);
    return true;
  }).immediate();
}

/** Auto-submits one attempt if its deadline has passed; returns the fresh row. */
export function closeIfExpired(db: Db, bank: Bank, row: AttemptRow, now: number): AttemptRow {
  if (row.submitted_at === null && now >= row.deadline_at) {
    submitAttempt(db, bank, row.id, now, true);
    return getAttempt(db, row.id) as AttemptRow;
  }
  return row;
}

/** Auto-submits every attempt whose deadline has passed (optionally only one user's); returns how many. */
export function sweepExpired(db: Db, bank: Bank, now: number, userId?: number): number {
  const ids = (
    userId === undefined
      ? db.prepare('SELECT id FROM quiz_attempts WHERE submitted_at IS NULL AND deadline_at <= ?').pluck().all(now)
      : db.prepare('SELECT id FROM quiz_attempts WHERE submitted_at IS NULL AND deadline_at <= ? AND user_id = ?').pluck().all(now, userId)
  ) as string[];
  let n = 0;
  for (const id of ids) if (submitAttempt(db, bank, id, now, true)) n++;
  return n;
}

/**
 * Applies one graded quiz to the user's review schedule (Leitner boxes). A miss, first or repeated,
 * puts the question in box 1: it comes back after 1 day, never later than before. A right answer to
 * a scheduled question moves it up a box (3 days, then 7); right again from box 3, it leaves the
 * schedule. A right answer to a question not scheduled changes nothing.
 */
export function updateReviewSchedule(db: Db, userId: number, graded: { questionId: string; score: number }[], at: number): void {
  const get = db.prepare('SELECT step FROM review_items WHERE user_id = ? AND question_id = ?').pluck();
  const del = db.prepare('DELETE FROM review_items WHERE user_id = ? AND question_id = ?');
  const put = db.prepare(
    `INSERT INTO review_items (user_id, question_id, step, due_at, last_missed_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (user_id, question_id) DO UPDATE SET step = excluded.step, due_at = excluded.due_at, last_missed_at = excluded.last_missed_at`,
  );
  const promote = db.prepare('UPDATE review_items SET step = ?, due_at = ? WHERE user_id = ? AND question_id = ?');
  for (const g of graded) {
    const prev = get.get(userId, g.questionId) as number | undefined;
    if (g.score < 1) {
      put.run(userId, g.questionId, 1, at + REVIEW_INTERVAL_DAYS[0] * DAY_MS, at);
    } else if (prev !== undefined) {
      if (prev >= REVIEW_INTERVAL_DAYS.length) del.run(userId, g.questionId);
      else promote.run(prev + 1, at + REVIEW_INTERVAL_DAYS[prev] * DAY_MS, userId, g.questionId);
    }
  }
}

/** Review items of a user, soonest first. */
export function reviewItems(db: Db, userId: number): { question_id: string; step: number; due_at: number; last_missed_at: number }[] {
  return db.prepare('SELECT question_id, step, due_at, last_missed_at FROM review_items WHERE user_id = ? ORDER BY due_at, question_id').all(userId) as {
    question_id: string;
    step: number;
    due_at: number;
    last_missed_at: number;
  }[];
}

/** One question's outcome as shown after submission. */
export interface QuestionResult {
  id: string;
  position: number;
  type: Question['type'] | 'removed';
  pattern: string;
  level: string;
  topics: string[];
  prompt: string;
  /** 0..1; open questions: the fraction of key points the learner ticked. */
  score: number;
  correct: boolean;
  answered: boolean;
  /** True for open questions: the score is the learner's own assessment. */
  selfAssessed: boolean;
  yourAnswer: Answer | null;
  correctAnswer: ReturnType<typeof correctAnswer>;
  explanation: string;
  lesson: string | null;
  options?: { id: string; text: string; why: string; correct: boolean; chosen: boolean; position?: number }[];
  modelAnswer?: string;
  keyPoints?: { text: string; ticked: boolean }[];
}

export interface ScoreSlice {
  key: string;
  points: number;
  max: number;
  pct: number;
}

/** Per-question results, the score overall, by topic and by pattern, and the list of misses. */
export function buildResults(bank: Bank, answers: AnswerRow[]) {
  const questions: QuestionResult[] = answers.map((a) => {
    const your = a.answer_json ? (JSON.parse(a.answer_json) as Answer) : null;
    const score = a.score ?? 0;
    const q = bank.byId.get(a.question_id);
    const base = {
      id: a.question_id,
      position: a.position,
      pattern: a.pattern,
      level: a.level,
      topics: JSON.parse(a.topics_json) as string[],
      score,
      correct: score >= 1,
      answered: your !== null,
      yourAnswer: your,
    };
    if (!q) {
      return { ...base, type: 'removed' as const, prompt: 'This question has since been removed from the bank.', selfAssessed: false, correctAnswer: {}, explanation: '', lesson: null };
    }
    const r: QuestionResult = { ...base, type: q.type, prompt: q.prompt, selfAssessed: q.type === 'open', correctAnswer: correctAnswer(q), explanation: q.explanation, lesson: q.lesson };
    if (q.type === 'open') {
      const ticked = new Set(your && 'text' in your ? (your.ticked ?? []) : []);
      r.modelAnswer = q.modelAnswer;
      r.keyPoints = q.keyPoints.map((text, i) => ({ text, ticked: ticked.has(i) }));
    } else if (q.type !== 'numeric') {
      const chosen = your && 'selected' in your ? your.selected : [];
      const order = your && 'order' in your ? your.order : [];
      const answer: readonly string[] = q.answer;
      r.options = q.options.map((o) => ({
        id: o.id,
        text: o.text,
        why: o.why,
        correct: q.type === 'ordering' ? order.indexOf(o.id) === answer.indexOf(o.id) : answer.includes(o.id),
        chosen: q.type === 'ordering' ? order.includes(o.id) : chosen.includes(o.id),
        ...(q.type === 'ordering' ? { position: answer.indexOf(o.id) } : {}),
      }));
      if (q.type === 'ordering') r.options.sort((x, y) => (x.position ?? 0) - (y.position ?? 0));
    }
    return r;
  });
  const slice = (keyOf: (r: QuestionResult) => string[]): ScoreSlice[] => {
    const m = new Map<string, { points: number; max: number }>();
    for (const r of questions)
      for (const k of keyOf(r)) {
        const s = m.get(k) ?? { points: 0, max: 0 };
        s.points += r.score;
        s.max += 1;
        m.set(k, s);
      }
    return [...m].map(([key, s]) => ({ key, points: round(s.points), max: s.max, pct: round(s.points / s.max) })).sort((a, b) => a.key.localeCompare(b.key));
  };
  const points = questions.reduce((s, r) => s + r.score, 0);
  return {
    score: { points: round(points), max: questions.length, pct: questions.length ? round(points / questions.length) : 0 },
    byTopic: slice((r) => r.topics),
    byPattern: slice((r) => [r.pattern]),
    misses: questions.filter((r) => !r.correct).map((r) => r.id),
    questions,
  };
}

const round = (n: number) => Math.round(n * 1000) / 1000;

/** Outcome of moving a guest attempt into an account. */
export type ClaimOutcome = 'claimed' | 'already' | 'not_found';

/**
 * Moves a guest attempt (proved by its token) into the user's account and replays its misses into
 * the review schedule. Claiming twice, or an attempt the user already owns, changes nothing.
 */
export function claimAttempt(db: Db, bank: Bank, userId: number, attemptId: string, token: string, now: number): ClaimOutcome {
  const row = getAttempt(db, attemptId);
  if (!row || !tokenMatches(row, token)) return 'not_found';
  if (row.user_id === userId) return 'already';
  if (row.user_id !== null) return 'not_found';
  const fresh = closeIfExpired(db, bank, row, now);
  db.transaction(() => {
    db.prepare('UPDATE quiz_attempts SET user_id = ?, client_key = ? WHERE id = ? AND user_id IS NULL').run(userId, `user:${userId}`, attemptId);
    if (fresh.submitted_at !== null) {
      const graded = getAnswers(db, attemptId)
        .filter((a) => bank.byId.has(a.question_id))
        .map((a) => ({ questionId: a.question_id, score: a.score ?? 0 }));
      updateReviewSchedule(db, userId, graded, fresh.submitted_at);
    }
  }).immediate();
  return 'claimed';
}
