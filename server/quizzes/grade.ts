// Answer shapes, their validation against a question, and grading per question type.
// single/true_false/multiple: the exact set of right options; ordering: the exact order;
// numeric: within tolerance or one of the accepted strings; open: self-assessed, the fraction of
// the model answer's key points the learner ticked.
import { z } from '@hono/zod-openapi';
import type { Question } from '../../curriculum/question.ts';

/** What a learner can save for one question; which shape applies depends on the question type. */
export const AnswerSchema = z
  .union([
    z.object({ selected: z.array(z.string().max(40)).max(10) }).strict(),
    z.object({ order: z.array(z.string().max(40)).max(10) }).strict(),
    z.object({ value: z.string().max(200) }).strict(),
    z.object({ text: z.string().max(5000), ticked: z.array(z.number().int().min(0).max(50)).max(50).optional() }).strict(),
  ])
  .openapi('QuizAnswer', {
    description: 'single/multiple/true_false: {selected:[optionId]}; ordering: {order:[every optionId]}; numeric: {value}; open: {text, ticked?:[keyPointIndex]} (ticked only after the model answer is revealed).',
  });
export type Answer = z.infer<typeof AnswerSchema>;

const SHAPE_FOR: Record<Question['type'], string> = {
  single: '{"selected":["<option id>"]}',
  true_false: '{"selected":["true"|"false"]}',
  multiple: '{"selected":["<option id>", …]}',
  ordering: '{"order":[every option id, in your order]}',
  numeric: '{"value":"<number or setting>"}',
  open: '{"text":"<your answer>"}',
};

/** Returns why `answer` cannot be saved for `q` (wrong shape, unknown option…), or null if it can. */
export function answerProblem(q: Question, answer: Answer, revealed: boolean): string | null {
  const shape = `Question ${q.id} is a ${q.type} question; send ${SHAPE_FOR[q.type]}.`;
  switch (q.type) {
    case 'single':
    case 'true_false':
    case 'multiple': {
      if (!('selected' in answer)) return shape;
      const ids = new Set(q.options.map((o) => o.id));
      const unknown = answer.selected.find((id) => !ids.has(id));
      if (unknown !== undefined) return `Option "${unknown}" is not one of question ${q.id}'s options (${[...ids].join(', ')}).`;
      if (new Set(answer.selected).size !== answer.selected.length) return 'Each option can be selected once.';
      if (q.type !== 'multiple' && answer.selected.length > 1) return `Question ${q.id} takes one answer; select a single option.`;
      return null;
    }
    case 'ordering': {
      if (!('order' in answer)) return shape;
      const ids = q.options.map((o) => o.id).sort();
      if (answer.order.length === 0) return null;
      if ([...answer.order].sort().join() !== ids.join()) return `Send every option of question ${q.id} exactly once, in your order (${ids.join(', ')}).`;
      return null;
    }
    case 'numeric':
      return 'value' in answer ? null : shape;
    case 'open': {
      if (!('text' in answer)) return shape;
      if (answer.ticked && answer.ticked.length > 0) {
        if (answer.text.trim() === '')
          return `Your answer to question ${q.id} is empty, so there is nothing to self-assess: key points can be ticked only for what you wrote. Write your answer before revealing the model answer next time; this one scores 0.`;
        if (!revealed) return 'Reveal the model answer before ticking key points (POST …/reveal).';
        if (answer.ticked.some((i) => i >= q.keyPoints.length)) return `Question ${q.id} has ${q.keyPoints.length} key points, numbered from 0.`;
        if (new Set(answer.ticked).size !== answer.ticked.length) return 'Tick each key point once.';
      }
      return null;
    }
  }
}

/** Parses a numeric answer like "1.5", "1,000", "300 ms"; the unit, if written, must be the expected one. */
export function parseNumber(raw: string, unit?: string): number | null {
  const m = raw.trim().match(/^([-+]?(?:\d[\d_,]*)?(?:\.\d+)?(?:e[-+]?\d+)?)\s*(.*)$/i);
  if (!m || m[1] === '' || m[1] === '-' || m[1] === '+') return null;
  const rest = m[2].trim().toLowerCase();
  if (rest !== '' && rest !== (unit ?? '').toLowerCase()) return null;
  const n = Number(m[1].replace(/[_,]/g, ''));
  return Number.isFinite(n) ? n : null;
}

const norm = (s: string) => s.trim().toLowerCase().replace(/\s+/g, ' ');
const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && new Set([...a, ...b]).size === a.length && new Set(a).size === a.length;

/** Grades one answer: 1 right, 0 wrong or unanswered, a fraction for self-assessed open questions. */
export function gradeAnswer(q: Question, answer: Answer | null): number {
  if (!answer) return 0;
  switch (q.type) {
    case 'single':
    case 'true_false':
    case 'multiple':
      return 'selected' in answer && sameSet(answer.selected, q.answer) ? 1 : 0;
    case 'ordering':
      return 'order' in answer && answer.order.join('\u0000') === q.answer.join('\u0000') ? 1 : 0;
    case 'numeric': {
      if (!('value' in answer)) return 0;
      if ('accept' in q.answer) return q.answer.accept.some((a) => norm(a) === norm(answer.value)) ? 1 : 0;
      const n = parseNumber(answer.value, q.answer.unit);
      return n !== null && Math.abs(n - q.answer.value) <= q.answer.tolerance + 1e-9 ? 1 : 0;
    }
    case 'open':
      // An empty answer covers no key point, whatever was ticked.
      return 'text' in answer && answer.text.trim() !== '' && answer.ticked ? new Set(answer.ticked).size / q.keyPoints.length : 0;
  }
}

/** The right answer in a form the results page can show. */
export function correctAnswer(q: Question): { selected?: string[]; order?: string[]; value?: number; tolerance?: number; unit?: string; accept?: string[] } {
  switch (q.type) {
    case 'single':
    case 'true_false':
    case 'multiple':
      return { selected: [...q.answer] };
    case 'ordering':
      return { order: [...q.answer] };
    case 'numeric':
      return 'accept' in q.answer ? { accept: [...q.answer.accept] } : { value: q.answer.value, tolerance: q.answer.tolerance, unit: q.answer.unit };
    case 'open':
      return {};
  }
}
