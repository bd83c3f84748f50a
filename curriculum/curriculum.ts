// Reads the curriculum from disk for validation: lesson frontmatter, heading anchors (as the site
// slugs them) and internal links. Used by the curriculum tests; the site itself uses astro:content.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import GithubSlugger from 'github-slugger';
import { parse } from 'yaml';
import { lessonSchema, type LessonFrontmatter } from './lesson.ts';

export interface LessonFile {
  slug: string;
  data: LessonFrontmatter;
  body: string;
  /** Heading anchors in document order, slugged the way Astro's Markdown pipeline does. */
  anchors: Set<string>;
  /** Site-internal link targets found in the body (href="/..." or Markdown ](/...)). */
  links: string[];
}

/** Removes fenced code so headings and links inside code samples are not counted. */
function stripCode(md: string): string {
  return md.replace(/^(```|~~~)[\s\S]*?^\1/gm, '');
}

/**
 * Plain heading text as Astro's rehypeHeadingIds sees it: the text of every descendant, so inline
 * code keeps its content (underscores included) while emphasis markers, link targets and tags go.
 */
function headingText(raw: string): string {
  const code: string[] = [];
  const protectedRaw = raw.replace(/`([^`]*)`/g, (_m, c: string) => `\u0000${code.push(c) - 1}\u0000`);
  return protectedRaw
    .replace(/<[^>]+>/g, '')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\*\*|__|\*|(?<![\p{L}\p{N}])_(?=\S)|(?<=\S)_(?![\p{L}\p{N}])/gu, '')
    .replace(/\u0000(\d+)\u0000/g, (_m, i: string) => code[Number(i)])
    .trim();
}

/**
 * The ids the site gives a lesson body's headings, in document order: github-slugger over the
 * heading text, one slugger per page (so repeats get -1, -2), a trailing "-" dropped as Astro 5
 * does, plus explicit `id="..."` attributes. Code fences are skipped.
 */
export function headingAnchors(markdown: string): Set<string> {
  const body = stripCode(markdown);
  const slugger = new GithubSlugger();
  const anchors = new Set<string>();
  for (const h of body.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const slug = slugger.slug(headingText(h[1]));
    anchors.add(slug.endsWith('-') ? slug.slice(0, -1) : slug);
  }
  for (const h of body.matchAll(/\bid="([^"]+)"/g)) anchors.add(h[1]);
  return anchors;
}

/** Parses one lesson file; throws naming the file on invalid frontmatter. */
export function readLesson(dir: string, file: string): LessonFile {
  const text = readFileSync(join(dir, file), 'utf8');
  const m = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(text);
  if (!m) throw new Error(`${file}: missing frontmatter block`);
  const parsed = lessonSchema.safeParse(parse(m[1]));
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new Error(`${file}: ${i.path.join('.')}: ${i.message}`);
  }
  const body = stripCode(m[2]);
  const anchors = headingAnchors(m[2]);
  const links = [...body.matchAll(/\]\((\/[^)\s]*)\)|href="(\/[^"]*)"/g)].map((x) => x[1] ?? x[2]);
  return { slug: file.replace(/\.mdx$/, ''), data: parsed.data, body, anchors, links };
}

/** All lessons in content/lessons. */
export function readLessons(dir: string): LessonFile[] {
  return readdirSync(dir).filter((f) => f.endsWith('.mdx')).sort().map((f) => readLesson(dir, f));
}
