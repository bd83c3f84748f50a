// Content collections: lessons (MDX), the question bank (YAML lists) and lab instructions.
// Every entry is validated against the schemas in curriculum/ and labs/_kit at build time.
import { defineCollection } from 'astro:content';
import { glob } from 'astro/loaders';
import { lessonSchema } from '../curriculum/lesson.ts';
import { questionSchema } from '../curriculum/question.ts';
import { loadQuestionFiles } from '../curriculum/load-questions.ts';
import { labSchema } from '../labs/_kit/schema.ts';

const lessons = defineCollection({
  loader: glob({ pattern: '*.mdx', base: './content/lessons' }),
  schema: lessonSchema,
});

const questions = defineCollection({
  loader: async () => loadQuestionFiles('./content/questions').map((q) => ({ ...q })),
  schema: questionSchema,
});

const labs = defineCollection({
  loader: glob({ pattern: '[!_]*/lab.mdx', base: './labs', generateId: ({ entry }) => entry.split('/')[0] }),
  schema: labSchema,
});

export const collections = { lessons, questions, labs };
