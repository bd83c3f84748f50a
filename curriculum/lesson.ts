// Frontmatter schema for lessons in content/lessons/*.mdx. Astro validates every lesson against it
// at build time, and the curriculum tests reuse it, so a bad field fails with a precise message.
import { z } from 'zod';
import { levelSchema, patternSchema, topicSchema } from './taxonomy.ts';

/** Lab slugs are folder names under labs/. */
const labSlug = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'a lab slug is kebab-case, like keyed-producer');

export const lessonSchema = z
  .object({
    /** Page title, also used in navigation. */
    title: z.string().min(3).max(90),
    /** One or two sentences shown on the lesson index and in search results. */
    summary: z.string().min(20).max(300),
    /** The core pattern this lesson belongs to (deep dives pick the closest one). */
    pattern: patternSchema,
    /** core = one of the five pattern lessons; deep-dive, case-study and traps are the rest. */
    kind: z.enum(['core', 'deep-dive', 'case-study', 'traps']),
    level: levelSchema,
    /** Global reading order: prev/next links and the index follow it. Unique across lessons. */
    order: z.number().int().positive(),
    /** Estimated reading time in minutes. */
    minutes: z.number().int().min(3).max(90),
    /** Slugs of labs that practise this lesson. */
    labs: z.array(labSlug).default([]),
    /** Quiz topics this lesson teaches; at least one, so it can be quizzed. */
    quizTopics: z.array(topicSchema).min(1),
  })
  .strict();

export type LessonFrontmatter = z.infer<typeof lessonSchema>;
