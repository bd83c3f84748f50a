// The lessons there are to make progress against (content/lessons/*.mdx), with the pattern and
// level from their frontmatter. Re-read when the directory changes, so a new lesson counts without
// a restart in development. Labs come from the lab registry (labs/_kit/registry.ts).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { levelSchema, patternSchema, type Level, type Pattern } from '../../curriculum/taxonomy.ts';
import type { Language } from '../../labs/_kit/results.ts';

/** A lesson or lab as the dashboard counts it. */
export interface Item {
  slug: string;
  title: string;
  pattern: Pattern;
  level: Level;
  /** For a lab: the languages it can be solved in. */
  languages?: readonly Language[];
}

/** Frontmatter of an MDX file as an object, or null when it has none. */
export function frontmatter(source: string): Record<string, unknown> | null {
  const m = source.match(/^---\r?\n([\s\S]*?)\r?\n---/);
  if (!m) return null;
  const data = parse(m[1]) as unknown;
  return data && typeof data === 'object' ? (data as Record<string, unknown>) : null;
}

function toItem(slug: string, fm: Record<string, unknown> | null): Item | null {
  if (!fm) return null;
  const pattern = patternSchema.safeParse(fm.pattern);
  const level = levelSchema.safeParse(fm.level);
  if (!pattern.success || !level.success) return null;
  return { slug, title: typeof fm.title === 'string' ? fm.title : slug, pattern: pattern.data, level: level.data };
}

function cachedScan(dir: string, scan: () => Item[]): () => Item[] {
  let stamp = -1;
  let items: Item[] = [];
  return () => {
    const mtime = existsSync(dir) ? statSync(dir).mtimeMs : 0;
    if (mtime !== stamp) {
      items = existsSync(dir) ? scan() : [];
      stamp = mtime;
    }
    return items;
  };
}

/** Lessons in `dir` (slug = file name without .mdx); files without a valid pattern and level are skipped. */
export function lessonCatalog(dir: string): () => Item[] {
  return cachedScan(dir, () =>
    readdirSync(dir)
      .filter((f) => f.endsWith('.mdx'))
      .sort()
      .map((f) => toItem(f.slice(0, -4), frontmatter(readFileSync(join(dir, f), 'utf8'))))
      .filter((x): x is Item => x !== null),
  );
}
