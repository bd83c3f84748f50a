// The open-answer view rendered to HTML: self-grading is offered only for an answer that was written.
import { h } from 'preact';
import { renderToString } from 'preact-render-to-string';
import { describe, expect, it } from 'vitest';
import { QuestionView } from './QuestionView.tsx';
import type { QuizQuestion } from './types.ts';

const q = { id: 'fx-open', position: 0, type: 'open', level: 'expert', pattern: 'producer', topics: [], prompt: 'Design it.', keyPointCount: 2 } as unknown as QuizQuestion;
const revealed = { modelAnswer: 'Use `acks=all`.', keyPoints: ['first point', 'second point'] };
const render = (text: string) =>
  renderToString(h(QuestionView, { q, index: 0, total: 1, answer: { text }, onAnswer: () => undefined, revealed, onReveal: () => undefined, disabled: false }));
const keyPointsFieldset = (html: string) => html.match(/<fieldset[^>]*data-testid="quiz-keypoints"[^>]*>/)?.[0] ?? '';

describe('open answer self-assessment', () => {
  it('disables ticking key points when the revealed answer is empty, and says why', () => {
    const html = render('   ');
    expect(keyPointsFieldset(html)).toMatch(/\bdisabled\b/);
    expect(html).toContain('data-testid="quiz-open-empty"');
  });

  it('offers ticking key points once something was written', () => {
    const html = render('Idempotent producer with acks=all.');
    expect(keyPointsFieldset(html)).not.toBe('');
    expect(keyPointsFieldset(html)).not.toMatch(/\bdisabled\b/);
    expect(html).not.toContain('quiz-open-empty');
  });
});
