// Lab and lesson ergonomics in real Chromium, against the production server with no Kafka broker
// (KAFKA_POOL_SIZE=0; nothing here grades a program): the countdown against a lab's time limit
// while a run is in `running` (the run API and its event stream are routed, the run is a fixture),
// "Compare with my code" after a pass (attempts and solution routed; the learner's draft is the
// reference solution with two edits), copy buttons on lesson and lab code blocks, and the lesson
// contents following the section being read.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page, Route } from 'playwright-core';
import { emptyTimings, type RunResults } from '../../labs/_kit/results.ts';
import { REPO_ROOT, e2eUnavailable, startE2E, type E2E } from './harness.ts';

const skip = e2eUnavailable();
const LAB = 'keyed-producer';
const LESSON = 'producer-basics';
let e2e: E2E;

/** The lab's time limit, from its frontmatter. */
function timeLimit(lab: string): number {
  const m = /^timeLimitSeconds:\s*(\d+)/m.exec(readFileSync(join(REPO_ROOT, 'labs', lab, 'lab.mdx'), 'utf8'));
  if (!m) throw new Error(`labs/${lab}/lab.mdx has no timeLimitSeconds`);
  return Number(m[1]);
}

/** A finished run's results (a fixture: one failed check). */
function finished(lab: string): RunResults {
  return {
    version: 3, status: 'fail', kind: 'checks-failed', lab, language: 'typescript', seed: 7, output: '', diagnostics: [],
    tests: [{ name: 'Every key’s records stay in produce order', status: 'fail', message: 'k1 is out of order on partition 0.', output: null, task_id: 'x', evidence: [] }],
    faults: [], program: { instances: [] }, timeline: [], notes: [], timings: emptyTimings(),
  };
}

/** Text of an SSE body: each event named by its type, and a short reconnection delay. */
function sse(events: object[]): string {
  return ['retry: 300', '', ...events.flatMap((e) => [`event: ${(e as { type: string }).type}`, `data: ${JSON.stringify(e)}`, ''])].join('\n') + '\n';
}

/** Records every text the element matching `selector` takes, with when it took it. */
async function recordTexts(page: Page, selector: string, key: string) {
  await page.evaluate(({ selector, key }) => {
    const el = document.querySelector(selector)!;
    const seen: string[] = [];
    (window as unknown as Record<string, string[]>)[key] = seen;
    new MutationObserver(() => seen.push(el.textContent ?? '')).observe(el, { childList: true, characterData: true, subtree: true });
  }, { selector, key });
}
const recorded = (page: Page, key: string) => page.evaluate((k) => (window as unknown as Record<string, string[]>)[k], key);

describe.skipIf(skip !== null)('lab and lesson ergonomics in a real browser', () => {
  beforeAll(async () => {
    e2e = await startE2E({ env: { KAFKA_POOL_SIZE: '0' } });
  });
  afterAll(async () => {
    await e2e?.stop();
  });

  it("counts down the lab's time limit while the program runs, speaking only every few seconds, and stops when the run ends", async () => {
    const { context, page } = await e2e.newPage();
    const limit = timeLimit(LAB);
    const runId = 'countdown-run';
    let phase: 'preparing' | 'running' | 'done' = 'preparing';
    await page.route(`**/api/labs/${LAB}/runs`, (route) =>
      route.request().method() === 'POST' ? route.fulfill({ status: 202, contentType: 'application/json', body: JSON.stringify({ runId }) }) : route.fallback(),
    );
    // Each connection gets the events of the current phase, then ends; EventSource reconnects in 300 ms.
    await page.route(`**/api/runs/${runId}/events`, (route: Route) => {
      const at = Date.now();
      const events =
        phase === 'done'
          ? [{ type: 'state', state: 'grading', at }, { type: 'done', results: finished(LAB), at }]
          : [{ type: 'state', state: phase, at }];
      return route.fulfill({ status: 200, headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-store' }, body: sse(events) });
    });
    try {
      await page.goto(`/labs/${LAB}/`);
      expect(await page.locator('.lab-head').innerText()).toContain(`Time limit ${limit} s per run`);
      await page.getByTestId('run-button').click();
      await page.waitForSelector('[data-testid="run-progress"][data-state="preparing"]');
      expect(await page.getByTestId('run-countdown').count(), 'no countdown while the broker is prepared').toBe(0);

      phase = 'running';
      const countdown = page.getByTestId('run-countdown');
      await countdown.waitFor({ timeout: 10_000 });
      const clock = page.getByTestId('run-countdown-clock');
      expect(await clock.getAttribute('role')).toBe('timer');
      expect(await countdown.innerText()).toMatch(new RegExp(`^time left: 0:(${limit}|${limit - 1}) of the 0:${limit} limit`));
      const live = page.getByTestId('run-countdown-announcement');
      expect(await live.getAttribute('aria-live')).toBe('polite');
      expect(await live.innerText()).toBe(`${limit} seconds left`);
      await recordTexts(page, '[data-testid="run-countdown-clock"]', 'clockTexts');
      await recordTexts(page, '[data-testid="run-countdown-announcement"]', 'spokenTexts');
      await e2e.screenshot(page, 'lab-countdown');

      // Down past 15 s left: the clock ticks every second, the live region spoke once (at 15 s).
      await expect.poll(async () => Number(await countdown.getAttribute('data-seconds-left')), { timeout: limit * 1000, interval: 250 }).toBeLessThanOrEqual(14);
      const ticks = await recorded(page, 'clockTexts');
      expect(ticks.length, `the clock showed ${ticks.join(', ')}`).toBeGreaterThanOrEqual(limit - 16);
      expect(ticks.at(-1)).toMatch(/^0:1[0-4]$/);
      expect(await recorded(page, 'spokenTexts')).toEqual(['15 seconds left']);

      phase = 'done';
      await page.getByTestId('run-results').waitFor({ timeout: 10_000 });
      expect(await page.getByTestId('run-progress').getAttribute('data-state')).toBe('done');
      expect(await page.getByTestId('run-countdown').count(), 'the countdown stops with the run').toBe(0);
    } finally {
      await context.close();
    }
  }, 90_000);

  it('after a pass, compares the learner code with the reference solution line by line, with − and + markers', async () => {
    const { context, page } = await e2e.newPage();
    const solution = readFileSync(join(REPO_ROOT, 'labs', LAB, 'solution', 'main.ts'), 'utf8');
    // The learner's program: the solution with one setting changed and one print left out.
    const changed = '    maxInFlightRequests: 1,';
    const printed = "  console.log('published every event');";
    expect(solution).toContain(changed);
    expect(solution).toContain(printed);
    const mine = solution.replace(changed, '    maxInFlightRequests: 5,').replace(`${printed}\n`, '');
    await context.addInitScript(({ key, code }) => localStorage.setItem(key, code), { key: `lz-lab-draft:${LAB}`, code: mine });
    await page.route(`**/api/labs/${LAB}/attempts`, (route) =>
      route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ attempts: [{ runId: 'passed-run', language: 'typescript', state: 'done', outcome: 'pass', passed: 3, total: 3, createdAt: Date.now() }] }) }),
    );
    await page.route(`**/api/labs/${LAB}/solution*`, (route) => route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ code: solution }) }));
    try {
      await page.goto(`/labs/${LAB}/`);
      await page.getByTestId('show-solution').click();
      await page.getByTestId('solution-code').waitFor();
      const compare = page.getByTestId('compare-solution');
      expect(await compare.getAttribute('aria-pressed')).toBe('false');
      await compare.click();
      expect(await compare.getAttribute('aria-pressed')).toBe('true');
      const diff = page.getByTestId('solution-diff');
      await diff.waitFor();
      expect(await page.getByTestId('solution-code').count()).toBe(0);
      expect(await page.getByTestId('solution-diff-summary').innerText()).toBe('Your code (−) against the reference solution (+): 1 line only in yours, 2 lines only in the reference.');

      const rows = (kind: string) => diff.locator(`tbody tr[data-kind="${kind}"]`);
      expect(await rows('mine').count()).toBe(1);
      expect(await rows('reference').count()).toBe(2);
      expect(await rows('same').count()).toBe(solution.trimEnd().split('\n').length - 2);
      // Markers and words carry the meaning without colour; the colour is there too.
      const mineRow = rows('mine').first();
      expect(await mineRow.locator('td.line').innerText()).toBe('    maxInFlightRequests: 5,');
      expect(await mineRow.locator('td.mark').textContent()).toBe('−only in your code');
      expect(await mineRow.locator('td.mark [aria-hidden="true"]').innerText()).toBe('−');
      const refTexts = await rows('reference').locator('td.line').allInnerTexts();
      expect(refTexts).toEqual([changed, printed]);
      expect(await rows('reference').first().locator('td.mark').textContent()).toBe('+only in the reference');
      // Line numbers: the changed line is line N on both sides; the missing print has no number on my side.
      const nums = await mineRow.locator('td.num').allInnerTexts();
      const changedAt = solution.split('\n').indexOf(changed) + 1;
      expect(nums).toEqual([String(changedAt), '']);
      // The box opens at the first difference, not at line 1.
      expect(await diff.evaluate((el) => el.scrollTop)).toBeGreaterThan(0);
      expect(await mineRow.isVisible()).toBe(true);
      const bg = (kind: string) => rows(kind).first().evaluate((el) => getComputedStyle(el).backgroundColor);
      const [bgMine, bgRef, bgSame] = [await bg('mine'), await bg('reference'), await bg('same')];
      expect(new Set([bgMine, bgRef, bgSame]).size, `${bgMine} / ${bgRef} / ${bgSame}`).toBe(3);
      await diff.scrollIntoViewIfNeeded();
      await e2e.screenshot(page, 'lab-solution-diff');

      await compare.click();
      expect(await compare.getAttribute('aria-pressed')).toBe('false');
      await page.getByTestId('solution-code').waitFor();
      expect(await page.getByTestId('solution-diff').count()).toBe(0);
    } finally {
      await context.close();
    }
  }, 60_000);

  it('keeps the code column in view while the instructions scroll on a wide screen', async () => {
    const { context, page } = await e2e.newPage();
    try {
      await page.goto('/labs/exactly-once-pipeline/');
      const editor = page.locator('[data-testid="lab-workbench"]');
      await editor.waitFor({ timeout: 30_000 });
      const instructionsTall = await page.evaluate(() => document.documentElement.scrollHeight > window.innerHeight * 1.5);
      expect(instructionsTall, 'the instructions are longer than the screen, so there is something to scroll').toBe(true);
      // Read on to the last lines of the instructions.
      await page.evaluate(() => document.getElementById('lab-instructions')!.lastElementChild!.scrollIntoView({ block: 'end' }));
      await page.waitForTimeout(200);
      expect(await page.evaluate(() => window.scrollY), 'the page did scroll').toBeGreaterThan(500);
      const box = await page.locator('.code-editor').first().boundingBox();
      const height = page.viewportSize()!.height;
      expect(box, 'the editor is rendered').not.toBeNull();
      expect(box!.y, 'the editor is still on screen after scrolling to the end of the instructions').toBeGreaterThanOrEqual(-1);
      expect(box!.y).toBeLessThan(height - 50);
    } finally {
      await context.close();
    }
  });

  it('copies a lesson or lab code block with its Copy button, by keyboard or mouse, and says so', async () => {
    const { context, page } = await e2e.newPage();
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: e2e.baseUrl });
    try {
      for (const [path, source] of [
        [`/lessons/${LESSON}/`, join(REPO_ROOT, 'content', 'lessons', `${LESSON}.mdx`)],
        [`/labs/${LAB}/`, join(REPO_ROOT, 'labs', LAB, 'lab.mdx')],
      ] as const) {
        await page.goto(path);
        const blocks = await page.locator('article.prose pre > code').count();
        expect(blocks, `${path} has code blocks`).toBeGreaterThan(0);
        expect(await page.getByTestId('copy-code').count(), 'one button per block').toBe(blocks);
        const block = page.locator('article.prose .code-block').first();
        const button = block.getByTestId('copy-code');
        expect(await button.innerText()).toBe('Copy');

        // Keyboard: Tab reaches it from the element before it, Enter copies.
        await page.evaluate(() => navigator.clipboard.writeText('nothing yet'));
        await button.focus();
        await page.keyboard.press('Shift+Tab');
        await page.keyboard.press('Tab');
        expect(await button.evaluate((el) => el === document.activeElement)).toBe(true);
        await page.keyboard.press('Enter');
        await expect.poll(() => button.innerText()).toBe('Copied');
        expect(await block.locator('[role="status"]').innerText()).toBe('Copied the code to the clipboard.');
        const copied = await page.evaluate(() => navigator.clipboard.readText());
        expect(copied).toBe(await block.locator('pre > code').evaluate((el) => el.textContent));
        // Exactly the code as written in the source: no button text, no line numbers.
        expect(copied.trim().length).toBeGreaterThan(10);
        expect(readFileSync(source, 'utf8')).toContain(copied.trimEnd());
        await expect.poll(() => button.innerText(), { timeout: 5000 }).toBe('Copy');

        // Mouse, on the last block of the page.
        const last = page.locator('article.prose .code-block').last();
        await last.scrollIntoViewIfNeeded();
        await last.getByTestId('copy-code').click();
        await expect.poll(() => last.getByTestId('copy-code').innerText()).toBe('Copied');
        expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(await last.locator('pre > code').evaluate((el) => el.textContent));
      }
      await e2e.screenshot(page, 'lab-copy-button');
    } finally {
      await context.close();
    }
  }, 60_000);

  it("highlights the lesson contents' link to the section being read, and follows the scrolling", async () => {
    const { context, page } = await e2e.newPage();
    try {
      await page.goto(`/lessons/${LESSON}/`);
      const links = page.locator('aside.toc a');
      const hrefs = await links.evaluateAll((els) => els.map((el) => el.getAttribute('href')!));
      expect(hrefs.length).toBeGreaterThanOrEqual(4);
      const current = () => page.locator('aside.toc a[aria-current="true"]').evaluateAll((els) => els.map((el) => el.getAttribute('href')));
      const scrollToHeading = (href: string) =>
        page.evaluate((id) => {
          const h = document.getElementById(id)!;
          window.scrollTo({ top: h.getBoundingClientRect().top + window.scrollY - 40, behavior: 'instant' });
        }, decodeURIComponent(href.slice(1)));

      // At the top, nothing or the first section (when its heading is already above the line).
      expect([[], [hrefs[0]]]).toContainEqual(await current());
      for (const i of [2, 0, Math.floor(hrefs.length / 2), 1]) {
        await scrollToHeading(hrefs[i]);
        await expect.poll(current, { timeout: 5000 }).toEqual([hrefs[i]]);
      }
      // Its heading scrolled off the top, a long section is still current: the first section whose
      // next heading is far enough below it.
      const long = await page.evaluate((ids) => {
        const tops = ids.map((id) => document.getElementById(id)!.getBoundingClientRect().top + window.scrollY);
        const i = tops.findIndex((t, j) => j + 1 < tops.length && tops[j + 1] - t > innerHeight * 0.35 + 200);
        if (i >= 0) window.scrollTo({ top: tops[i] + 100, behavior: 'instant' });
        return i;
      }, hrefs.map((h) => decodeURIComponent(h.slice(1))));
      expect(long, 'a section longer than a third of the screen').toBeGreaterThanOrEqual(0);
      await expect.poll(current, { timeout: 5000 }).toEqual([hrefs[long]]);
      expect(await page.evaluate((id) => document.getElementById(id)!.getBoundingClientRect().top, decodeURIComponent(hrefs[long].slice(1)))).toBeLessThan(0);

      // The current link looks different from the others, not only to screen readers.
      const style = (sel: string) => page.locator(sel).first().evaluate((el) => { const s = getComputedStyle(el); return `${s.fontWeight} ${s.borderLeftColor}`; });
      expect(await style('aside.toc a[aria-current="true"]')).not.toBe(await style('aside.toc a:not([aria-current])'));
      // The collapsed contents on narrow screens follow too.
      expect(await page.locator('.toc-inline a[aria-current="true"]').evaluateAll((els) => els.map((el) => el.getAttribute('href')))).toEqual([hrefs[long]]);
      await e2e.screenshot(page, 'lesson-toc-current');
    } finally {
      await context.close();
    }
  }, 60_000);
});
