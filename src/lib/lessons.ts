// Lesson ordering helpers for navigation: the global reading order and grouping by pattern.
import { getCollection, type CollectionEntry } from 'astro:content';
import { PATTERNS, type Pattern } from '../../curriculum/taxonomy.ts';

export type Lesson = CollectionEntry<'lessons'>;

/** All lessons in reading order. */
export async function orderedLessons(): Promise<Lesson[]> {
  const all = await getCollection('lessons');
  return all.sort((a, b) => a.data.order - b.data.order);
}

/** Lessons grouped by pattern, patterns in teaching order, core lesson first in each group. */
export async function lessonsByPattern(): Promise<{ pattern: Pattern; lessons: Lesson[] }[]> {
  const all = await orderedLessons();
  return PATTERNS.map((pattern) => ({ pattern, lessons: all.filter((l) => l.data.pattern === pattern) }));
}
