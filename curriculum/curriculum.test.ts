// Curriculum validation: every lesson and question is valid, consistent and reachable, links
// resolve, coverage targets per pattern and level are met, and nothing repeats the seed documents.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readLessons } from './curriculum.ts';
import { loadQuestionFiles } from './load-questions.ts';
import { LEVELS, PATTERNS, TOPICS } from './taxonomy.ts';

const root = resolve(import.meta.dirname, '..');
const lessons = readLessons(join(root, 'content/lessons'));
const questions = loadQuestionFiles(join(root, 'content/questions'));
const lessonBySlug = new Map(lessons.map((l) => [l.slug, l]));
const labSlugs = new Set(readdirSync(join(root, 'labs')).filter((d) => !d.startsWith('_') && existsSync(join(root, 'labs', d, 'lab.mdx'))));

/** Checks one site-internal link; returns a problem description or null. */
function linkProblem(href: string): string | null {
  const url = new URL(href, 'http://site.invalid');
  const path = url.pathname.replace(/\/+$/, '') || '/';
  const hash = url.hash.slice(1);
  let m: RegExpExecArray | null;
  if ((m = /^\/lessons\/([a-z0-9-]+)$/.exec(path))) {
    const target = lessonBySlug.get(m[1]);
    if (!target) return `no lesson "${m[1]}"`;
    if (hash && !target.anchors.has(hash)) return `lesson "${m[1]}" has no heading #${hash}`;
    return null;
  }
  if ((m = /^\/labs\/([a-z0-9-]+)$/.exec(path))) return labSlugs.has(m[1]) ? null : `no lab "${m[1]}"`;
  if (path === '/quiz') {
    const topic = url.searchParams.get('topic');
    const pattern = url.searchParams.get('pattern');
    if (topic && !(TOPICS as readonly string[]).includes(topic)) return `unknown quiz topic "${topic}"`;
    if (pattern && !(PATTERNS as readonly string[]).includes(pattern)) return `unknown pattern "${pattern}"`;
    return null;
  }
  if ((m = /^\/questions\/([a-z-]+)$/.exec(path))) return (PATTERNS as readonly string[]).includes(m[1]) ? null : `no question page "${m[1]}"`;
  const known = ['/', '/lessons', '/labs', '/quiz', '/questions', '/dashboard', '/search', '/signin', '/signup', '/account'];
  return known.includes(path) ? null : `unknown page ${path}`;
}

describe('lessons', () => {
  it('exist, with unique reading order', () => {
    expect(lessons.length).toBeGreaterThan(0);
    const orders = lessons.map((l) => l.data.order);
    expect(new Set(orders).size, `duplicate order among ${orders.join(',')}`).toBe(orders.length);
  });

  it('cover the five core patterns with one core lesson each', () => {
    for (const p of PATTERNS) {
      expect(lessons.filter((l) => l.data.kind === 'core' && l.data.pattern === p).map((l) => l.slug), `core lesson for ${p}`).toHaveLength(1);
    }
  });

  it.each(lessons.map((l) => [l.slug, l] as const))('%s has the required sections', (_slug, lesson) => {
    for (const anchor of ['learning-goals', 'interview-answer', 'common-mistakes']) {
      expect(lesson.anchors.has(anchor), `missing "## ${anchor.replace(/-/g, ' ')}" section`).toBe(true);
    }
    expect(lesson.body, 'a diagram: inline <svg role="img"> in a <figure>').toMatch(/<figure>[\s\S]*?<svg[^>]*role="img"/);
  });

  it.each(lessons.map((l) => [l.slug, l] as const))('%s is quizzable: at least one of its topics has questions', (_slug, lesson) => {
    const tested = new Set(questions.flatMap((q) => q.topics));
    expect(lesson.data.quizTopics.filter((t) => tested.has(t)), `none of ${lesson.data.quizTopics.join(', ')} has a question`).not.toHaveLength(0);
  });

  it.each(lessons.map((l) => [l.slug, l] as const))('%s links only to pages, anchors and labs that exist', (_slug, lesson) => {
    const broken = lesson.links.map((href) => [href, linkProblem(href)]).filter(([, p]) => p);
    expect(broken).toEqual([]);
    for (const lab of lesson.data.labs) expect(labSlugs.has(lab), `frontmatter lab "${lab}"`).toBe(true);
  });

  it('are all reachable from the lesson index and the prev/next chain of the built site', () => {
    const index = join(root, 'dist/lessons/index.html');
    expect(existsSync(index), 'dist/ is missing: run `npm run build` first (npm test does)').toBe(true);
    const html = readFileSync(index, 'utf8');
    for (const l of lessons) expect(html, `lesson index links to ${l.slug}`).toContain(`href="/lessons/${l.slug}/"`);
    const ordered = [...lessons].sort((a, b) => a.data.order - b.data.order);
    for (let i = 0; i + 1 < ordered.length; i++) {
      const page = readFileSync(join(root, `dist/lessons/${ordered[i].slug}/index.html`), 'utf8');
      expect(page, `${ordered[i].slug} links to next lesson`).toContain(`href="/lessons/${ordered[i + 1].slug}/"`);
    }
  });
});

describe('question bank', () => {
  it('has unique ids', () => {
    const seen = new Map<string, number>();
    for (const q of questions) seen.set(q.id, (seen.get(q.id) ?? 0) + 1);
    expect([...seen].filter(([, n]) => n > 1).map(([id]) => id)).toEqual([]);
  });

  it('has answers that point at real options, and options with unique ids', () => {
    const problems: string[] = [];
    for (const q of questions) {
      if (!('options' in q)) continue;
      const ids = q.options.map((o) => o.id);
      if (new Set(ids).size !== ids.length) problems.push(`${q.id}: duplicate option ids`);
      for (const a of q.answer) if (!ids.includes(a)) problems.push(`${q.id}: answer "${a}" is not an option`);
      if (q.type === 'ordering' && [...q.answer].sort().join() !== [...ids].sort().join()) problems.push(`${q.id}: ordering answer must list every option once`);
      if (q.type === 'true_false' && ids.sort().join() !== 'false,true') problems.push(`${q.id}: true/false options must be "true" and "false"`);
      if (q.type === 'multiple' && new Set(q.answer).size !== q.answer.length) problems.push(`${q.id}: repeated answer`);
    }
    expect(problems).toEqual([]);
  });

  it('links every question to a real lesson section', () => {
    const broken = questions.map((q) => [q.id, q.lesson, linkProblem(`/lessons/${q.lesson.replace('#', '/#')}`)]).filter(([, , p]) => p);
    expect(broken).toEqual([]);
  });

  it('holds at least 200 questions, with at least 15 per pattern and per level and every type', () => {
    expect(questions.length).toBeGreaterThanOrEqual(200);
    for (const p of PATTERNS) expect(questions.filter((q) => q.pattern === p).length, `pattern ${p}`).toBeGreaterThanOrEqual(15);
    for (const l of LEVELS) expect(questions.filter((q) => q.level === l).length, `level ${l}`).toBeGreaterThanOrEqual(15);
    for (const t of ['single', 'multiple', 'true_false', 'ordering', 'numeric', 'open']) {
      expect(questions.some((q) => q.type === t), `type ${t}`).toBe(true);
    }
    for (const k of ['concept', 'scenario', 'trap', 'design']) expect(questions.some((q) => q.kind === k), `kind ${k}`).toBe(true);
  });

  it('tests every lesson', () => {
    const tested = new Set(questions.map((q) => q.lesson.split('#')[0]));
    expect(lessons.map((l) => l.slug).filter((s) => !tested.has(s))).toEqual([]);
  });
});

describe('own words', () => {
  const tool = process.env.SEED_OVERLAP_TOOL ?? resolve(root, '../shared/tools/seed-overlap.py');
  const required = process.env.CI === 'true' || existsSync(tool);
  it.runIf(required)('repeats no passage of the seed documents', () => {
    const out = execFileSync('python3', [tool, root], { encoding: 'utf8' });
    const last = out.trim().split('\n').at(-1) ?? '';
    expect(last, out).toMatch(/^0 passage/);
  });
});
