// The bank pages' question HTML: Markdown is rendered, markup is escaped, and across the real bank
// no backtick span is left as raw text.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadQuestionFiles } from '../../curriculum/load-questions.ts';
import type { Question } from '../../curriculum/question.ts';
import { questionHtml } from './question-html.ts';

const single = {
  id: 'x', type: 'single', pattern: 'producer', level: 'beginner', topics: [], kind: 'concept', lesson: 'l#s',
  prompt: 'What does `acks=all` wait for?\n\n```ts\nawait producer.send({ acks: -1 })\n```',
  options: [
    { id: 'a', text: 'Every replica in the `ISR`', why: 'Right: the **in-sync** set.' },
    { id: 'b', text: 'The leader <b>only</b>', why: 'That is `acks=1`.' },
  ],
  answer: ['a'],
  explanation: 'See *min.insync.replicas*.',
} as unknown as Question;

describe('question bank HTML', () => {
  it('renders inline code, emphasis and code blocks, and escapes markup', () => {
    const h = questionHtml(single);
    expect(h.title).toBe('What does <code>acks=all</code> wait for?');
    expect(h.rest).toContain('<pre><code data-lang="ts">');
    expect(h.options[0]).toBe('Every replica in the <code>ISR</code>');
    expect(h.options[1]).toContain('&lt;b&gt;only&lt;/b&gt;');
    expect(h.answer).toBe('Every replica in the <code>ISR</code>');
    expect(h.explanation).toBe('<p>See <em>min.insync.replicas</em>.</p>');
    expect(h.whys[1].why).toBe('That is <code>acks=1</code>.');
  });

  it('leaves no raw backtick in any question of the bank', () => {
    const bank = loadQuestionFiles(join(__dirname, '..', '..', 'content', 'questions'));
    const raw: string[] = [];
    for (const q of bank) {
      const h = questionHtml(q);
      const all = [h.title, h.rest, h.answer, h.explanation, ...h.options, ...h.keyPoints, ...h.whys.flatMap((w) => [w.text, w.why])];
      const outsideCode = all.join('\n').replace(/<code[^>]*>[\s\S]*?<\/code>/g, '');
      if (outsideCode.includes('`')) raw.push(q.id);
    }
    expect(bank.length).toBeGreaterThan(300);
    expect(raw).toEqual([]);
  });
});
