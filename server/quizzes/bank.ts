// The question bank as the quiz engine sees it: loaded from content/questions/*.yaml with the site's
// own schema, indexed by id, and turned into the answer-free view a learner receives mid-quiz.
import { createHash } from 'node:crypto';
import { loadQuestionFiles } from '../../curriculum/load-questions.ts';
import type { Question } from '../../curriculum/question.ts';

/** A loaded, indexed bank. */
export interface Bank {
  questions: Question[];
  byId: Map<string, Question>;
}

/** Loads the bank lazily and caches it; a broken file is reported on every call until fixed. */
export function bankLoader(dir: string): () => Bank {
  let cached: Bank | null = null;
  return () => {
    if (cached) return cached;
    const questions = loadQuestionFiles(dir);
    cached = { questions, byId: new Map(questions.map((q) => [q.id, q])) };
    return cached;
  };
}

/** An option as shown during a quiz: no `why`, no hint of correctness. */
export interface PublicOption {
  id: string;
  text: string;
}

/** A question as shown during a quiz: everything needed to answer, nothing that gives it away. */
export interface PublicQuestion {
  id: string;
  position: number;
  type: Question['type'];
  level: Question['level'];
  pattern: Question['pattern'];
  topics: string[];
  prompt: string;
  options?: PublicOption[];
  /** numeric questions with a value answer: the unit the number is expected in. */
  unit?: string;
  /** How many key points an open question's model answer has (the points themselves stay hidden). */
  keyPointCount?: number;
}

/** A deterministic pseudo-random generator seeded from a string (SHA-256 of the seed into mulberry32). */
export function seededRandom(seed: string): () => number {
  const digest = createHash('sha256').update(seed).digest();
  let a = digest.readUInt32LE(0);
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher-Yates shuffle with the given generator; returns a new array. */
export function shuffle<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/**
 * Display order of a question's options within one attempt. Stable per attempt (a reload shows the
 * same order); choice options are shuffled so position never hints at the answer, and an ordering
 * question never starts out already solved.
 */
export function optionOrder(q: Question, attemptId: string): string[] {
  if (q.type === 'numeric' || q.type === 'open') return [];
  const ids = q.options.map((o) => o.id);
  if (q.type === 'true_false') return ids;
  const order = shuffle(ids, seededRandom(`${attemptId}:${q.id}`));
  if (q.type === 'ordering' && order.join() === q.answer.join()) order.push(order.shift() as string);
  return order;
}

/** Strips answers, explanations and `why`s; options come in the attempt's display order. */
export function publicQuestion(q: Question, attemptId: string, position: number): PublicQuestion {
  const base: PublicQuestion = { id: q.id, position, type: q.type, level: q.level, pattern: q.pattern, topics: [...q.topics], prompt: q.prompt };
  if (q.type === 'numeric') {
    if ('value' in q.answer && q.answer.unit) base.unit = q.answer.unit;
    return base;
  }
  if (q.type === 'open') return { ...base, keyPointCount: q.keyPoints.length };
  const byId = new Map(q.options.map((o) => [o.id, o]));
  base.options = optionOrder(q, attemptId).map((id) => ({ id, text: (byId.get(id) as { text: string }).text }));
  return base;
}
