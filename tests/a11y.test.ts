// Static accessibility checks over every page of the built site: one h1, no skipped heading
// levels, alt text on images, named SVG figures, labelled form controls and a page language.
// Needs dist/ (npm test builds it first). Browser-level checks (keyboard use) live in tests/e2e.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const dist = resolve(import.meta.dirname, '../dist');

function htmlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return name === 'pagefind' || name === '_astro' ? [] : htmlFiles(p);
    return name.endsWith('.html') ? [p] : [];
  });
}

/** Drops scripts, styles and inline SVG text so only the page's own markup is inspected. */
function markup(html: string): string {
  return html.replace(/<script[\s\S]*?<\/script>/g, '').replace(/<style[\s\S]*?<\/style>/g, '').replace(/<pre[\s\S]*?<\/pre>/g, '<pre></pre>');
}

function problems(html: string): string[] {
  const out: string[] = [];
  const page = markup(html);
  if (!/<html[^>]*\blang="[a-z-]+"/.test(page)) out.push('the <html> element has no lang');
  const levels = [...page.matchAll(/<h([1-6])\b/g)].map((m) => Number(m[1]));
  if (levels.filter((l) => l === 1).length !== 1) out.push(`expected exactly one <h1>, found ${levels.filter((l) => l === 1).length}`);
  for (let i = 1; i < levels.length; i++) {
    if (levels[i] > levels[i - 1] + 1) out.push(`heading level jumps from h${levels[i - 1]} to h${levels[i]}`);
  }
  for (const img of page.matchAll(/<img\b[^>]*>/g)) if (!/\balt="/.test(img[0])) out.push(`image without alt: ${img[0].slice(0, 80)}`);
  for (const svg of page.matchAll(/<svg\b[^>]*role="img"[^>]*>([\s\S]*?)<\/svg>/g)) {
    if (!/aria-label(ledby)?="/.test(svg[0]) && !/<title\b/.test(svg[1])) out.push('an svg with role="img" has no <title> or aria-label');
  }
  for (const input of page.matchAll(/<(input|select|textarea)\b([^>]*)>/g)) {
    const attrs = input[2];
    if (/type="(hidden|submit|button)"/.test(attrs)) continue;
    const id = /\bid="([^"]+)"/.exec(attrs)?.[1];
    const before = page.slice(0, input.index);
    const insideLabel = before.lastIndexOf('<label') > before.lastIndexOf('</label>');
    const labelled = insideLabel || /aria-label(ledby)?="/.test(attrs) || (id && page.includes(`for="${id}"`));
    if (!labelled) out.push(`form control without a label: <${input[1]}${attrs.slice(0, 60)}>`);
  }
  return out;
}

describe('built pages', () => {
  const present = existsSync(join(dist, 'index.html'));
  it('exist (run `npm run build` first; npm test does)', () => expect(present).toBe(true));
  const files = present ? htmlFiles(dist) : [];
  it.each(files.map((f) => [relative(dist, f)]))('%s has accessible structure', (file) => {
    expect(problems(readFileSync(join(dist, file), 'utf8'))).toEqual([]);
  });
});
