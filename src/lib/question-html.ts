// The question bank pages' HTML for one question: every field a writer fills in is Markdown (inline
// code, emphasis, lists), rendered with the quiz's own escaping mini-markdown so the study pages and
// the quiz show the same text the same way.
import type { Question } from '../../curriculum/question.ts';
import { inlineMarkdown, markdown } from './mini-markdown.ts';

/** A question's fields as safe HTML for the bank pages. */
export interface QuestionHtml {
  /** The prompt's first paragraph as inline HTML, fit for a heading. */
  title: string;
  /** The rest of the prompt (code blocks, lists, further paragraphs) as block HTML; often empty. */
  rest: string;
  /** Options as listed under the prompt (none for true/false). */
  options: string[];
  answer: string;
  explanation: string;
  keyPoints: string[];
  /** Each option with why it is right or wrong. */
  whys: { text: string; why: string }[];
}

/** Renders every Markdown field of `q` to HTML. */
export function questionHtml(q: Question): QuestionHtml {
  const optionText = (id: string) => ('options' in q ? (q.options.find((o) => o.id === id)?.text ?? id) : id);
  let answer: string;
  switch (q.type) {
    case 'numeric':
      answer = inlineMarkdown(
        'value' in q.answer
          ? `${q.answer.value}${q.answer.unit ? ` ${q.answer.unit}` : ''}${q.answer.tolerance ? ` (±${q.answer.tolerance})` : ''}`
          : q.answer.accept.map((a) => `\`${a}\``).join(' or '),
      );
      break;
    case 'open':
      answer = markdown(q.modelAnswer);
      break;
    case 'ordering':
      answer = q.answer.map((id) => inlineMarkdown(optionText(id))).join(' → ');
      break;
    default:
      answer = q.answer.map((id) => inlineMarkdown(optionText(id))).join('; ');
  }
  const [first, ...more] = q.prompt.trim().replace(/\r\n/g, '\n').split(/\n\s*\n/);
  const plainFirst = !/^\s*(```|[-*]\s|\d+[.)]\s)/.test(first);
  return {
    title: plainFirst ? inlineMarkdown(first.replace(/\s*\n\s*/g, ' ')) : 'Question',
    rest: markdown((plainFirst ? more : [first, ...more]).join('\n\n')),
    options: 'options' in q && q.type !== 'true_false' ? q.options.map((o) => inlineMarkdown(o.text)) : [],
    answer,
    explanation: markdown(q.explanation),
    keyPoints: q.type === 'open' ? q.keyPoints.map((k) => inlineMarkdown(k)) : [],
    whys: 'options' in q ? q.options.map((o) => ({ text: inlineMarkdown(o.text), why: inlineMarkdown(o.why) })) : [],
  };
}
