// Picks the questions of a new quiz: a filtered practice set (pattern, level, topic, type), a mixed
// "mock interview" spread over the patterns and weighted towards intermediate and harder levels,
// or the learner's review questions that are due. Practice and mock sets prefer questions the
// learner's previous quiz did not ask, so two quizzes in a row repeat only what the pool forces.
import { LEVELS, PATTERNS, type Level, type Pattern, type Topic } from '../../curriculum/taxonomy.ts';
import type { Question, QuestionType } from '../../curriculum/question.ts';
import { shuffle } from './bank.ts';

/** Filters for a practice quiz; absent means "any". */
export interface PracticeFilter {
  pattern?: Pattern;
  level?: Level;
  topic?: Topic;
  /** One kind of question only, e.g. `single` for a drill of auto-graded single-choice questions. */
  type?: QuestionType;
}

/** Questions matching every given filter. */
export function matching(questions: readonly Question[], f: PracticeFilter): Question[] {
  return questions.filter((q) => (!f.pattern || q.pattern === f.pattern) && (!f.level || q.level === f.level) && (!f.topic || q.topics.includes(f.topic)) && (!f.type || q.type === f.type));
}

/**
 * A random practice set of up to `count` matching questions; questions in `recent` (the previous
 * quiz's) are used only when the fresh ones run out.
 */
export function selectPractice(questions: readonly Question[], f: PracticeFilter, count: number, random: () => number, recent: ReadonlySet<string> = new Set()): Question[] {
  const pool = shuffle(matching(questions, f), random);
  return [...pool.filter((q) => !recent.has(q.id)), ...pool.filter((q) => recent.has(q.id))].slice(0, count);
}

/** Relative chance of each level in a mock interview: most questions intermediate or harder. */
export const MOCK_LEVEL_WEIGHTS: Record<Level, number> = { beginner: 1, intermediate: 3, advanced: 3, expert: 2 };

/**
 * A mock interview: patterns take turns (in a random order) so the set covers as many patterns as
 * the count allows; within a pattern, a question is drawn with probability proportional to its
 * level's weight. The result runs from easier to harder levels, like a real interview.
 */
export function selectMock(questions: readonly Question[], count: number, random: () => number, recent: ReadonlySet<string> = new Set()): Question[] {
  // Fresh questions first; the previous quiz's questions only fill what is still missing.
  const picked = drawMock(questions.filter((q) => !recent.has(q.id)), count, random);
  if (picked.length < count) picked.push(...drawMock(questions.filter((q) => recent.has(q.id)), count - picked.length, random));
  const rank = (l: Level) => LEVELS.indexOf(l);
  return picked.map((q, i) => ({ q, i })).sort((a, b) => rank(a.q.level) - rank(b.q.level) || a.i - b.i).map((x) => x.q);
}

/** Draws up to `count` questions, patterns taking turns, levels weighted (unsorted). */
function drawMock(questions: readonly Question[], count: number, random: () => number): Question[] {
  const pools = new Map<Pattern, Question[]>();
  for (const p of PATTERNS) pools.set(p, questions.filter((q) => q.pattern === p));
  const picked: Question[] = [];
  let turn = shuffle(PATTERNS.filter((p) => (pools.get(p) as Question[]).length > 0), random);
  while (picked.length < count && turn.length > 0) {
    for (const p of turn) {
      if (picked.length >= count) break;
      const pool = pools.get(p) as Question[];
      const total = pool.reduce((s, q) => s + MOCK_LEVEL_WEIGHTS[q.level], 0);
      let r = random() * total;
      let idx = pool.findIndex((q) => (r -= MOCK_LEVEL_WEIGHTS[q.level]) < 0);
      if (idx < 0) idx = pool.length - 1;
      picked.push(pool[idx]);
      pool.splice(idx, 1);
    }
    turn = turn.filter((p) => (pools.get(p) as Question[]).length > 0);
  }
  return picked;
}
