// The site at 390 × 844 in real Chromium, against the production server with no Kafka broker
// (KAFKA_POOL_SIZE=0; nothing here runs a lab): no built page's document is wider than the
// viewport (wide tables, code and the run timeline scroll in their own box), the header collapses
// into a Menu, a lesson's contents sit collapsed after its title, and the lab page switches between
// Instructions and Code with tabs. The run timeline is checked on every lab with a faulted run's
// results served by a routed /api/runs/:id (the results document is a fixture, not a graded run);
// screenshots go to test-results/screenshots/.
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { REPO_ROOT, e2eUnavailable, startE2E, type E2E } from './harness.ts';
import { faultedResults } from './run-fixtures.ts';

const skip = e2eUnavailable();
const PHONE = { width: 390, height: 844 };
let e2e: E2E;

/** Every page of the built site, as a path ("/", "/lessons/producer-basics/"). */
function builtPages(): string[] {
  const dist = join(REPO_ROOT, 'dist');
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) return name === 'pagefind' || name === '_astro' ? [] : walk(p);
      return name === 'index.html' ? [`/${relative(dist, dir)}/`.replace(/\/+/g, '/')] : [];
    });
  return walk(dist).sort();
}

/** How far the document overflows the viewport, and the widest elements that stick out of it. */
async function overflow(page: Page): Promise<{ scrollWidth: number; viewport: number; culprits: string[] }> {
  return page.evaluate(() => {
    const viewport = document.documentElement.clientWidth;
    const out: Element[] = [];
    for (const el of Array.from(document.body.querySelectorAll('*'))) {
      const r = el.getBoundingClientRect();
      if (r.right <= viewport + 1 || r.width === 0) continue;
      // Inside a box that scrolls sideways on its own (or clips): fine.
      let p = el.parentElement;
      let contained = false;
      while (p && p !== document.body) {
        const ox = getComputedStyle(p).overflowX;
        if ((ox === 'auto' || ox === 'scroll' || ox === 'hidden') && p.getBoundingClientRect().right <= viewport + 1) { contained = true; break; }
        p = p.parentElement;
      }
      if (!contained) out.push(el);
    }
    // Report the innermost offenders: those that hold no other offender.
    const culprits = out.filter((el) => !out.some((o) => o !== el && el.contains(o))).slice(0, 5).map((el) => {
      const id = el.id ? `#${el.id}` : '';
      const cls = typeof el.className === 'string' && el.className ? `.${el.className.trim().split(/\s+/).join('.')}` : '';
      return `${el.tagName.toLowerCase()}${id}${cls} (right edge ${Math.round(el.getBoundingClientRect().right)} px)`;
    });
    return { scrollWidth: document.documentElement.scrollWidth, viewport, culprits };
  });
}

async function expectNoSideways(page: Page, what: string) {
  const o = await overflow(page);
  expect(o.scrollWidth, `${what} is ${o.scrollWidth} px wide in a ${o.viewport} px viewport; sticking out: ${o.culprits.join(', ')}`).toBeLessThanOrEqual(o.viewport);
}

async function phone(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await e2e.browser.newContext({ baseURL: e2e.baseUrl, viewport: PHONE, deviceScaleFactor: 1, hasTouch: true });
  return { context, page: await context.newPage() };
}

describe.skipIf(skip !== null)('the site at 390 px in a real browser', () => {
  beforeAll(async () => {
    e2e = await startE2E({ env: { KAFKA_POOL_SIZE: '0' } });
  });
  afterAll(async () => {
    await e2e?.stop();
  });

  it('no page of the built site is wider than the viewport, signed in with a long email', async () => {
    const { context, page } = await phone();
    try {
      await page.goto('/signup/');
      await page.fill('#signup-email', `a-rather-long-address-${Date.now()}@lag-zero-example.com`);
      await page.fill('#signup-password', 'tangerine-otter-piano-42');
      await page.click('#signup button[type=submit]');
      await page.waitForURL((url) => !url.pathname.startsWith('/signup'), { timeout: 30_000 });
      const pages = builtPages();
      expect(pages.length).toBeGreaterThan(20);
      const wide: string[] = [];
      for (const path of pages) {
        await page.goto(path, { waitUntil: 'load' });
        await page.waitForTimeout(150);
        const o = await overflow(page);
        if (o.scrollWidth > o.viewport) wide.push(`${path}: ${o.scrollWidth} px (${o.culprits.join(', ')})`);
      }
      // A quiz in progress is not a built page of its own.
      await page.goto('/quiz/');
      await page.getByTestId('quiz-count').fill('3');
      await page.getByTestId('quiz-start').click();
      await page.waitForURL(/\/quiz\/play/);
      await page.getByTestId('quiz-runner').waitFor();
      const o = await overflow(page);
      if (o.scrollWidth > o.viewport) wide.push(`quiz in progress: ${o.scrollWidth} px (${o.culprits.join(', ')})`);
      expect(wide, `pages wider than ${PHONE.width} px`).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('the header collapses into a Menu that opens, closes with Escape, and is absent on a wide screen', async () => {
    const { context, page } = await phone();
    try {
      await page.goto('/lessons/');
      const toggle = page.locator('#menu-toggle');
      const labsLink = page.locator('header.site nav a[href="/labs/"]');
      expect(await toggle.isVisible()).toBe(true);
      expect(await labsLink.isVisible(), 'navigation hidden behind the menu').toBe(false);
      const closedHeight = await page.locator('header.site').evaluate((el) => el.getBoundingClientRect().height);
      expect(closedHeight, 'the closed header is one row').toBeLessThan(80);
      await toggle.click();
      expect(await toggle.getAttribute('aria-expanded')).toBe('true');
      expect(await labsLink.isVisible()).toBe(true);
      await e2e.screenshot(page, 'mobile-menu-open');
      await expectNoSideways(page, 'the page with the menu open');
      await page.keyboard.press('Escape');
      expect(await toggle.getAttribute('aria-expanded')).toBe('false');
      expect(await labsLink.isVisible()).toBe(false);
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('menu-toggle');

      await page.setViewportSize({ width: 1280, height: 900 });
      expect(await toggle.isVisible()).toBe(false);
      expect(await labsLink.isVisible()).toBe(true);
    } finally {
      await context.close();
    }
  });

  it("a lesson's contents come right after its title, collapsed, and open to working links", async () => {
    const { context, page } = await phone();
    try {
      await page.goto('/lessons/producer-basics/');
      const toc = page.getByTestId('toc-inline');
      expect(await toc.isVisible()).toBe(true);
      expect(await toc.evaluate((el) => (el as HTMLDetailsElement).open)).toBe(false);
      expect(await page.locator('aside.toc').isVisible(), 'no sidebar on a phone').toBe(false);
      const [h1Bottom, tocTop, firstSection] = await page.evaluate(() => [
        document.querySelector('h1')!.getBoundingClientRect().bottom,
        document.querySelector('[data-testid="toc-inline"]')!.getBoundingClientRect().top,
        document.querySelector('article h2')!.getBoundingClientRect().top,
      ]);
      expect(tocTop).toBeGreaterThan(h1Bottom);
      expect(tocTop).toBeLessThan(firstSection);
      await toc.locator('summary').click();
      const link = toc.locator('a').first();
      const target = (await link.getAttribute('href'))!;
      await link.click();
      await expect.poll(() => page.evaluate(() => location.hash)).toBe(target);
      await page.setViewportSize({ width: 1280, height: 900 });
      expect(await toc.isVisible()).toBe(false);
      expect(await page.locator('aside.toc').isVisible()).toBe(true);
    } finally {
      await context.close();
    }
  });

  it('the lab page switches between Instructions and Code with tabs; a task link goes back to Instructions', async () => {
    const { context, page } = await phone();
    try {
      await page.goto('/labs/keyed-producer/');
      const tabs = page.getByTestId('lab-tabs');
      await tabs.waitFor();
      const instructions = page.locator('#lab-instructions');
      const work = page.locator('#lab-work');
      expect(await page.locator('h1').isVisible(), 'the title stays above the tabs').toBe(true);
      expect(await instructions.isVisible()).toBe(true);
      expect(await work.isVisible()).toBe(false);
      expect(await page.getByTestId('lab-tab-instructions').getAttribute('aria-selected')).toBe('true');
      await page.getByTestId('lab-tab-code').click();
      expect(await instructions.isVisible()).toBe(false);
      await page.getByTestId('run-button').waitFor({ state: 'visible' });
      expect(await work.getAttribute('role')).toBe('tabpanel');
      await e2e.screenshot(page, 'mobile-lab-code');
      await expectNoSideways(page, 'the lab page on its Code tab');
      // Keyboard: Left from Code goes back to Instructions.
      await page.getByTestId('lab-tab-code').focus();
      await page.keyboard.press('ArrowLeft');
      expect(await instructions.isVisible()).toBe(true);
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('lab-tab-instructions');

      // A failed check links to its task: on the Code tab, following it shows the task under Instructions.
      const task = await page.locator('#lab-instructions [data-task]').first().getAttribute('data-task');
      const results = { ...faultedResults('keyed-producer'), tests: [{ ...faultedResults('keyed-producer').tests[0], task_id: task! }] };
      await page.route('**/api/runs/tabs-run', (route) =>
        route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ id: 'tabs-run', state: 'done', outcome: 'fail', results }) }),
      );
      await page.goto('/labs/keyed-producer/?run=tabs-run');
      await page.getByTestId('check').waitFor();
      expect(await instructions.isVisible()).toBe(false);
      await page.locator(`[data-testid="check"] a[href="#task-${task}"]`).click();
      expect(await instructions.isVisible()).toBe(true);
      expect(await page.getByTestId('lab-tab-instructions').getAttribute('aria-selected')).toBe('true');
      await expect.poll(() => page.evaluate(() => document.getElementById(location.hash.slice(1))?.getBoundingClientRect().top ?? -1)).toBeGreaterThanOrEqual(0);

      // The media query's change event arrives after the resize: wait for the page to follow it.
      await page.setViewportSize({ width: 1280, height: 900 });
      await expect.poll(() => tabs.isVisible()).toBe(false);
      await expect.poll(() => instructions.isVisible()).toBe(true);
      expect(await work.isVisible()).toBe(true);
      expect(await work.getAttribute('role')).toBeNull();
    } finally {
      await context.close();
    }
  });

  for (const lab of ['keyed-producer', 'at-least-once-consumer', 'exactly-once-pipeline']) {
    it(`the run timeline of a faulted ${lab} run scrolls in its own box, shows a mark on click and on Enter, and lists every fault`, async () => {
      const { context, page } = await phone();
      const results = faultedResults(lab);
      const runId = `timeline-${lab}`;
      await page.route(`**/api/runs/${runId}`, (route) =>
        route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ id: runId, state: 'done', outcome: 'fail', results, createdAt: Date.now() }) }),
      );
      try {
        await page.goto(`/labs/${lab}/?run=${runId}`);
        const timeline = page.getByTestId('timeline');
        await timeline.waitFor({ timeout: 30_000 });
        expect(await page.getByTestId('lab-tab-code').getAttribute('aria-selected'), 'a linked run opens on the Code tab').toBe('true');

        const box = await page.getByTestId('timeline-scroll').evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
        expect(box.scroll, 'the chart is wider than the phone and scrolls inside its box').toBeGreaterThan(box.client);
        await expectNoSideways(page, `the ${lab} lab page with a timeline`);
        expect(await page.getByTestId('timeline-fault-line').count()).toBe(results.faults.length);
        const lanes = await page.locator('[data-testid="timeline-svg"] [data-lane]').evaluateAll((els) => els.map((el) => el.getAttribute('data-lane')));
        expect(lanes).toEqual(['lz-input-orders/0', 'lz-input-orders/1', 'lz-input-orders/2', 'lz-output-orders/0', 'lz-output-orders/1', 'lz-output-orders/2', 'other']);

        // Click a commit mark: its sentence and fields appear.
        const commit = page.locator('[data-testid="timeline-svg"] [data-kind="commit"]').first();
        await commit.scrollIntoViewIfNeeded();
        await commit.click();
        const detail = page.getByTestId('timeline-detail');
        expect(await detail.innerText()).toMatch(/committed offset \d+ of lz-input-orders partition \d for group/);
        expect(await detail.innerText()).toMatch(/Offset commit/);

        // Keyboard: one tab stop; End goes to the last mark, Enter shows it.
        const active = page.locator('[data-testid="timeline-svg"] [role="button"][tabindex="0"]');
        expect(await active.count()).toBe(1);
        await active.focus();
        await page.keyboard.press('End');
        await page.keyboard.press('Enter');
        expect(await detail.innerText()).toContain(results.timeline!.at(-1)!.detail);
        await page.keyboard.press('Home');
        await page.keyboard.press('ArrowRight');
        await page.keyboard.press('Enter');
        expect(await detail.innerText()).toContain(results.timeline![1].detail);

        // A fault's handle on the axis is a mark too; the screenshots show the chart around it.
        const fault = page.locator('[data-testid="timeline-svg"] [data-kind="fault"]').first();
        await fault.scrollIntoViewIfNeeded();
        await fault.click();
        expect(await detail.innerText()).toContain(`${results.faults[0].kind}: ${results.faults[0].detail}`);
        await page.getByTestId('timeline').screenshot({ path: join(REPO_ROOT, 'test-results', 'screenshots', `timeline-${lab}-390.png`) });
        await page.setViewportSize({ width: 1280, height: 900 });
        await page.getByTestId('timeline').screenshot({ path: join(REPO_ROOT, 'test-results', 'screenshots', `timeline-${lab}-1280.png`) });
        await page.setViewportSize(PHONE);

        // The text alternative lists every fault of the schedule, in time order with the rest.
        await page.getByTestId('timeline-text').locator('summary').click();
        const rows = page.getByTestId('timeline-text').locator('tbody tr');
        expect(await rows.count()).toBe(results.timeline!.length + 1);
        const faultRows = await page.getByTestId('timeline-text').locator('tbody tr[data-kind="fault"]').allInnerTexts();
        expect(faultRows).toHaveLength(results.faults.length);
        results.faults.forEach((f, i) => expect(faultRows[i]).toContain(`${f.kind}: ${f.detail}`));
        await expectNoSideways(page, `the ${lab} lab page with the timeline table open`);
      } finally {
        await context.close();
      }
    });
  }
});
