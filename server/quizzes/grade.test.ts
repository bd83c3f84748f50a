// Grading per question type, against the fixture bank.
import { describe, expect, it } from 'vitest';
import { bankLoader, optionOrder, publicQuestion } from './bank.ts';
import { answerProblem, gradeAnswer, parseNumber } from './grade.ts';
import { FIXTURE_QUESTIONS } from './test-app.ts';

const bank = bankLoader(FIXTURE_QUESTIONS)();
const q = (id: string) => {
  const found = bank.byId.get(id);
  if (!found) throw new Error(`fixture ${id} missing`);
  return found;
};

describe('grading', () => {
  it('single and true/false: only the right option scores', () => {
    expect(gradeAnswer(q('fx-single'), { selected: ['b'] })).toBe(1);
    expect(gradeAnswer(q('fx-single'), { selected: ['a'] })).toBe(0);
    expect(gradeAnswer(q('fx-single'), { selected: [] })).toBe(0);
    expect(gradeAnswer(q('fx-true-false'), { selected: ['true'] })).toBe(1);
    expect(gradeAnswer(q('fx-true-false'), { selected: ['false'] })).toBe(0);
  });

  it('multiple: the exact set, in any order; a subset or superset scores nothing', () => {
    expect(gradeAnswer(q('fx-multiple'), { selected: ['c', 'a'] })).toBe(1);
    expect(gradeAnswer(q('fx-multiple'), { selected: ['a'] })).toBe(0);
    expect(gradeAnswer(q('fx-multiple'), { selected: ['a', 'c', 'd'] })).toBe(0);
  });

  it('ordering: only the exact order scores', () => {
    expect(gradeAnswer(q('fx-ordering'), { order: ['first', 'second', 'third', 'fourth'] })).toBe(1);
    expect(gradeAnswer(q('fx-ordering'), { order: ['first', 'third', 'second', 'fourth'] })).toBe(0);
  });

  it('numeric: within tolerance, with or without the unit; accept lists ignore case and spaces', () => {
    expect(gradeAnswer(q('fx-numeric-value'), { value: '5' })).toBe(1);
    expect(gradeAnswer(q('fx-numeric-value'), { value: ' 5.4 ms' })).toBe(1);
    expect(gradeAnswer(q('fx-numeric-value'), { value: '5.6' })).toBe(0);
    expect(gradeAnswer(q('fx-numeric-value'), { value: '5 s' })).toBe(0);
    expect(gradeAnswer(q('fx-numeric-value'), { value: 'five' })).toBe(0);
    expect(gradeAnswer(q('fx-numeric-accept'), { value: ' ALL ' })).toBe(1);
    expect(gradeAnswer(q('fx-numeric-accept'), { value: '-1' })).toBe(1);
    expect(gradeAnswer(q('fx-numeric-accept'), { value: '1' })).toBe(0);
    expect(parseNumber('1,000')).toBe(1000);
    expect(parseNumber('')).toBeNull();
  });

  it('open: the fraction of key points the learner ticked (self-assessed)', () => {
    expect(gradeAnswer(q('fx-open'), { text: 'my answer' })).toBe(0);
    expect(gradeAnswer(q('fx-open'), { text: 'my answer', ticked: [0, 2, 3] })).toBe(0.75);
    expect(gradeAnswer(q('fx-open'), null)).toBe(0);
    expect(gradeAnswer(q('fx-open'), { text: '  \n ', ticked: [0, 1, 2, 3] })).toBe(0);
  });

  it('rejects answers of the wrong shape or naming unknown options', () => {
    expect(answerProblem(q('fx-single'), { order: ['a'] }, false)).toMatch(/single question; send/);
    expect(answerProblem(q('fx-single'), { selected: ['z'] }, false)).toMatch(/not one of/);
    expect(answerProblem(q('fx-single'), { selected: ['a', 'b'] }, false)).toMatch(/one answer/);
    expect(answerProblem(q('fx-ordering'), { order: ['first', 'second'] }, false)).toMatch(/every option/);
    expect(answerProblem(q('fx-open'), { text: 'x', ticked: [0] }, false)).toMatch(/Reveal/);
    expect(answerProblem(q('fx-open'), { text: 'x', ticked: [9] }, true)).toMatch(/4 key points/);
    expect(answerProblem(q('fx-open'), { text: ' ', ticked: [0] }, true)).toMatch(/empty, so there is nothing to self-assess/);
    expect(answerProblem(q('fx-open'), { text: '' }, true)).toBeNull();
    expect(answerProblem(q('fx-multiple'), { selected: ['a', 'c'] }, false)).toBeNull();
  });
});

describe('what the learner sees during a quiz', () => {
  it('carries no answers, explanations or option reasons', () => {
    for (const question of bank.questions) {
      const shown = JSON.stringify(publicQuestion(question, 'attempt-1', 0));
      expect(shown).not.toContain(question.explanation);
      expect(shown).not.toMatch(/"answer"|"why"|"modelAnswer"|"keyPoints"/);
      if (question.type === 'open') expect(shown).not.toContain(question.keyPoints[0]);
    }
  });

  it('shows an ordering question scrambled, the same way on every load of an attempt', () => {
    const ordering = q('fx-ordering');
    if (ordering.type !== 'ordering') throw new Error('fixture type');
    for (let i = 0; i < 30; i++) expect(optionOrder(ordering, `attempt-${i}`)).not.toEqual(ordering.answer);
    expect(optionOrder(ordering, 'same')).toEqual(optionOrder(ordering, 'same'));
  });
});
