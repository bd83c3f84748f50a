// Readiness claims only what the learner has covered: labs count by level, quizzes by how many of
// the pattern's questions were answered right, so one lesson, one beginner lab and one 40 % quiz
// are a modest start, not most of the way (the old formula said 62 %).
import { describe, expect, it } from 'vitest';
import { readiness } from './readiness.ts';

describe('readiness', () => {
  it('one lesson of three, one beginner lab of a beginner and an intermediate one, and a 40 % quiz of ten questions score about a quarter', () => {
    const r = readiness({ lessons: { read: 1, total: 3 }, labs: { passedWeight: 1, totalWeight: 1 + 2 }, quizMastery: 4, questionsInBank: 64 });
    // 0.3 × 1/3 + 0.4 × 1/3 + 0.3 × 4/64
    expect(r).toEqual({ score: 0.252, parts: { lessons: 0.333, labs: 0.333, quiz: 0.063 } });
    expect(r.score).toBeLessThan(0.62);
  });

  it('everything done is 100 %, and mastery never counts past the bank', () => {
    expect(readiness({ lessons: { read: 3, total: 3 }, labs: { passedWeight: 3, totalWeight: 3 }, quizMastery: 70, questionsInBank: 64 }).score).toBe(1);
  });

  it('leaves out what a pattern does not have and rescales the rest', () => {
    const r = readiness({ lessons: { read: 0, total: 0 }, labs: { passedWeight: 2, totalWeight: 4 }, quizMastery: 10, questionsInBank: 20 });
    // (0.4 × 0.5 + 0.3 × 0.5) / 0.7
    expect(r).toEqual({ score: 0.5, parts: { lessons: null, labs: 0.5, quiz: 0.5 } });
    expect(readiness({ lessons: { read: 0, total: 0 }, labs: { passedWeight: 0, totalWeight: 0 }, quizMastery: 0, questionsInBank: 0 }).score).toBeNull();
  });
});
