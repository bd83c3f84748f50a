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
    /** Hints, revealed one at a time on the lab page. */
    hints: z.array(z.string().min(10)).default([]),
  })
  .strict();

export type LabFrontmatter = z.infer<typeof labSchema>;
