// Reads what the lab page needs from a lab's folder on disk: the validated lab.mdx frontmatter
// (hints) and the reference solution. Slugs are checked against a strict pattern before any
// path is built, so a request can never reach outside labs/.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { labSchema, type LabFrontmatter } from '../../labs/_kit/schema.ts';

/** Lab slugs are kebab-case folder names under labs/ (folders starting with `_` are not labs). */
export const LAB_SLUG_RE = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** Loads labs/<slug>/lab.mdx frontmatter, or null when the slug names no lab. */
export function readLabFrontmatter(root: string, slug: string): LabFrontmatter | null {
  if (!LAB_SLUG_RE.test(slug)) return null;
  const file = join(root, 'labs', slug, 'lab.mdx');
  if (!existsSync(file)) return null;
  const text = readFileSync(file, 'utf8');
  const match = /^---\r?\n([\s\S]*?)\r?\n---/.exec(text);
  if (!match) throw new Error(`labs/${slug}/lab.mdx has no frontmatter block.`);
  return labSchema.parse(parseYaml(match[1]));
}

/** Reads labs/<slug>/solution/main.ts, or null when the lab has none. */
export function readLabSolution(root: string, slug: string): string | null {
  if (!LAB_SLUG_RE.test(slug)) return null;
  const file = join(root, 'labs', slug, 'solution', 'main.ts');
  return existsSync(file) ? readFileSync(file, 'utf8') : null;
}
