// Frontmatter schema for labs/<slug>/lab.mdx, shared by the site (content collection), the server
// (lab loader) and the lab proofs. A lab's tasks are the anchors its grader's checks point at.
import { z } from 'zod';
import { levelSchema, patternSchema } from '../../curriculum/taxonomy.ts';

export const labTaskSchema = z
  .object({
    /** Stable id referenced by grader checks (task_id). */
    id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/),
    /** What the learner must achieve, one sentence. */
    title: z.string().min(5),
  })
  .strict();

export const labHintByLanguageSchema = z
  .object({ typescript: z.string().min(10).optional(), java: z.string().min(10).optional(), python: z.string().min(10).optional() })
  .strict()
  .refine((h) => Object.keys(h).length > 0, { message: 'a per-language hint names at least one language' });
export type LabHint = string | z.infer<typeof labHintByLanguageSchema>;

/** A hint's text for one language: the shared text, or that language's (null when it has none). */
export function hintFor(hint: LabHint, language: 'typescript' | 'java' | 'python'): string | null {
  return typeof hint === 'string' ? hint : (hint[language] ?? null);
}

export const labSchema = z
  .object({
    title: z.string().min(3).max(90),
    summary: z.string().min(20).max(300),
    pattern: patternSchema,
    level: levelSchema,
    /** Position in the lab list. */
    order: z.number().int().positive(),
    /** Wall-clock limit for the learner's program in one run, in seconds. */
    timeLimitSeconds: z.number().int().min(5).max(300),
    tasks: z.array(labTaskSchema).min(1),
    /**
     * Hints, revealed one at a time on the lab page. A hint is one text for every language, or one
     * text per language the lab supports (`{ typescript: …, java: …, python: … }`).
     */
    hints: z.array(z.union([z.string().min(10), labHintByLanguageSchema])).default([]),
  })
  .strict();

export type LabFrontmatter = z.infer<typeof labSchema>;
