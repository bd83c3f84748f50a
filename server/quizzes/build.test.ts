// Choosing a quiz's questions: a second quiz from the same pool repeats only what the pool forces.
import { describe, expect, it } from 'vitest';
import type { Question } from '../../curriculum/question.ts';
import { PATTERNS, LEVELS } from '../../curriculum/taxonomy.ts';
import { seededRandom } from './bank.ts';
import { selectMock, selectPractice } from './build.ts';

/** Minimal questions: only the fields selection reads. */
const pool = (n: number): Question[] =>
  Array.from({ length: n }, (_, i) => ({ id: `q${i}`, pattern: PATTERNS[i % 3], level: LEVELS[i % LEVELS.length], topics: ['acks'] }) as unknown as Question);
const overlap = (a: Question[], b: Question[]) => b.filter((q) => a.some((x) => x.id === q.id)).length;
const ids = (qs: Question[]) => new Set(qs.map((q) => q.id));

describe('variety between consecutive quizzes', () => {
  it('a practice quiz avoids the previous quiz`s questions while fresh ones remain', () => {
    const qs = pool(10);
    for (const seed of ['a', 'b', 'c', 'd', 'e']) {
      const random = seededRandom(seed);
      const first = selectPractice(qs, {}, 6, random);
      const second = selectPractice(qs, {}, 6, random, ids(first));
      expect(second, seed).toHaveLength(6);
      // 10 questions, 6 + 6 asked: at least 2 must repeat, and no more do.
      expect(overlap(first, second), seed).toBe(2);
      const third = selectPractice(qs, {}, 4, random, ids(second));
      expect(overlap(second, third), seed).toBe(0);
    }
  });

  it('a mock interview avoids the previous quiz`s questions while fresh ones remain', () => {
    const qs = pool(12);
    for (const seed of ['a', 'b', 'c', 'd', 'e']) {
      const random = seededRandom(seed);
      const first = selectMock(qs, 8, random);
      const second = selectMock(qs, 8, random, ids(first));
      expect(second, seed).toHaveLength(8);
      expect(overlap(first, second), seed).toBe(4);
      const ranks = second.map((q) => LEVELS.indexOf(q.level));
      expect(ranks).toEqual([...ranks].sort((x, y) => x - y));
    }
  });
});
