// Schema for the question bank in content/questions/*.yaml (each file is a YAML list of questions).
// The site validates it at build time; the quiz engine loads the same files with the same schema,
// so what the learner sees and what the server grades can never disagree.
import { z } from 'zod';
import { levelSchema, patternSchema, topicSchema } from './taxonomy.ts';

const id = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'ids are kebab-case and never change once published');

/** A Kafka version range: space-separated comparators such as `>=4.0` or `>=3.9 <4.0` (all must hold). */
export const KAFKA_VERSION_RANGE = /^(?:>=|<=|>|<|=)?\d+(?:\.\d+){0,2}(?:\s+(?:>=|<=|>|<|=)?\d+(?:\.\d+){0,2})*$/;

/** One choice of a single/multiple/true_false/ordering question. */
export const optionSchema = z
  .object({
    /** Short stable id, unique within the question (a, b, c… or true/false). */
    id: z.string().regex(/^[a-z0-9-]+$/),
    /** What the learner sees. Markdown inline code is allowed. */
    text: z.string().min(1),
    /** Why this option is right or wrong. Shown after the quiz. */
    why: z.string().min(10),
  })
  .strict();

const base = {
  id,
  level: levelSchema,
  pattern: patternSchema,
  /** Quiz topics this question tests (at least one). */
  topics: z.array(topicSchema).min(1),
  /** concept = definitions and mechanics; scenario = apply it to a situation; trap = a common misconception; design = system design. */
  kind: z.enum(['concept', 'scenario', 'trap', 'design']),
  /** The question itself, in Markdown. */
  prompt: z.string().min(10),
  /** Why the right answer is right, in general terms. */
  explanation: z.string().min(20),
  /** The lesson section this tests: `<lesson-slug>#<heading-anchor>`. */
  lesson: z.string().regex(/^[a-z0-9-]+#[a-z0-9-]+$/, 'write lesson links as slug#heading-anchor'),
  /**
   * The Kafka versions for which the answer holds, e.g. `">=4.0"`; defaults, names and behaviour
   * change between releases. Required: a question without one fails validation; the bank linter
   * (curriculum/bank-lint.ts) also checks that the range admits at least one version.
   */
  kafkaVersion: z.string().regex(KAFKA_VERSION_RANGE, 'write kafkaVersion as comparators like ">=4.0" or ">=3.9 <4.0"'),
  /**
   * Why this question's key may be much longer or shorter than its distractors (the bank linter
   * otherwise requires the key within 1.6x of the median distractor's length). Omit it normally.
   */
  lengthException: z.string().min(10).optional(),
};

export const questionSchema = z.discriminatedUnion('type', [
  z.object({ ...base, type: z.literal('single'), options: z.array(optionSchema).min(3).max(6), answer: z.array(z.string()).length(1) }).strict(),
  z.object({ ...base, type: z.literal('multiple'), options: z.array(optionSchema).min(3).max(7), answer: z.array(z.string()).min(1) }).strict(),
  z.object({ ...base, type: z.literal('true_false'), options: z.array(optionSchema).length(2), answer: z.array(z.enum(['true', 'false'])).length(1) }).strict(),
  /** ordering: `answer` lists every option id in the correct order; options are shuffled for display. */
  z.object({ ...base, type: z.literal('ordering'), options: z.array(optionSchema).min(3).max(7), answer: z.array(z.string()).min(3) }).strict(),
  /** numeric or config value: a number within tolerance, or one of the accepted strings (case-insensitive, trimmed). */
  z
    .object({
      ...base,
      type: z.literal('numeric'),
      answer: z.union([
        z.object({ value: z.number(), tolerance: z.number().min(0).default(0), unit: z.string().optional() }).strict(),
        z.object({ accept: z.array(z.string().min(1)).min(1) }).strict(),
      ]),
    })
    .strict(),
  /** open: the learner writes an answer, then checks it against the model answer's key points themselves. */
  z.object({ ...base, type: z.literal('open'), modelAnswer: z.string().min(40), keyPoints: z.array(z.string().min(5)).min(2) }).strict(),
]);

export type Question = z.infer<typeof questionSchema>;
export type QuestionType = Question['type'];
export const QUESTION_TYPES = ['single', 'multiple', 'true_false', 'ordering', 'numeric', 'open'] as const;

/** A question file is a list of questions. */
export const questionFileSchema = z.array(questionSchema).min(1);
