// Progress where a learner looks for it, in real Chromium against the production server with no
// Kafka broker (KAFKA_POOL_SIZE=0): the lessons index marks lessons read (a guest's, then an
// account's), the labs index marks labs passed or attempted, a passed lab offers the next lab,
// and the header signs out. Lab outcomes come from routed /api/labs/:slug/attempts answers, since
// nothing here grades a program.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { e2eUnavailable, startE2E, type E2E } from './harness.ts';

const skip = e2eUnavailable();
const LESSON = 'producer-basics';
let e2e: E2E;

const attempt = (outcome: 'pass' | 'fail') => ({ runId: `r-${outcome}`, state: 'done', outcome, passed: outcome === 'pass' ? 4 : 1, total: 4, createdAt: Date.now() });

/** Answers the attempts lookups of the given labs; other labs have none. */
async function routeAttempts(page: Page, outcomes: Record<string, ('pass' | 'fail')[]>) {
  await page.route('**/api/labs/*/attempts', (route) => {
    const slug = new URL(route.request().url()).pathname.split('/')[3];
    return route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ attempts: (outcomes[slug] ?? []).map(attempt) }) });
  });
}

async function markRead(page: Page) {
  await page.goto(`/lessons/${LESSON}/`);
  await page.getByTestId('mark-read-button').click();
  await page.waitForSelector('[data-testid="mark-read"][data-read="true"]');
}

/** Lessons marked read on the index; waits up to `waitMs` for a first mark to appear. */
async function readMarks(page: Page, waitMs = 10_000): Promise<string[]> {
  await page.goto('/lessons/');
  await page.waitForSelector('[data-lesson] .progress-mark', { timeout: waitMs }).catch(() => {});
  return page.locator('[data-lesson][data-progress="read"]').evaluateAll((els) => els.map((el) => el.getAttribute('data-lesson') ?? ''));
}

describe.skipIf(skip !== null)('progress marks, next lab and sign-out in a real browser', () => {
  beforeAll(async () => {
    e2e = await startE2E({ env: { KAFKA_POOL_SIZE: '0' } });
  });
  afterAll(async () => {
    await e2e?.stop();
  });

  it('the lessons index marks exactly the lessons read, for a guest and after signing up', async () => {
    const { context, page } = await e2e.newPage();
    try {
      expect(await readMarks(page, 2000), 'a new guest has read nothing').toEqual([]);
      await markRead(page);
      expect(await readMarks(page)).toEqual([LESSON]);
      await expect.poll(() => page.locator(`[data-lesson="${LESSON}"] .progress-mark`).innerText()).toContain('Read');

      await page.goto('/signup/');
      await page.fill('#signup-email', `marks-${Date.now()}@example.com`);
      await page.fill('#signup-password', 'tangerine-otter-piano-42');
      await page.click('#signup button[type=submit]');
      await page.waitForURL((url) => !url.pathname.startsWith('/signup'), { timeout: 30_000 });
      // The guest's read lesson moved to the account; the index now reads it from the server.
      await expect.poll(() => readMarks(page), { timeout: 20_000 }).toEqual([LESSON]);
      await e2e.screenshot(page, 'lessons-index-marks');
    } finally {
      await context.close();
    }
  });

  it('the labs index marks a passed lab and an attempted one, and leaves the rest unmarked', async () => {
    const { context, page } = await e2e.newPage();
    try {
      await routeAttempts(page, { 'keyed-producer': ['fail', 'pass'], 'at-least-once-consumer': ['fail'] });
      await page.goto('/labs/');
      await page.waitForSelector('[data-lab="at-least-once-consumer"] .progress-mark');
      await page.waitForSelector('[data-lab="keyed-producer"] .progress-mark');
      const marks = await page.locator('[data-testid="lab-list"] [data-lab]').evaluateAll((els) => Object.fromEntries(els.map((el) => [el.getAttribute('data-lab'), el.getAttribute('data-progress')])));
      // Every other lab of the catalogue stays unmarked.
      const others = Object.fromEntries(Object.keys(marks).filter((slug) => !['keyed-producer', 'at-least-once-consumer'].includes(slug)).map((slug) => [slug, null]));
      expect(Object.keys(others).length).toBeGreaterThan(0);
      expect(marks).toEqual({ 'keyed-producer': 'passed', 'at-least-once-consumer': 'attempted', ...others });
      expect(await page.locator('[data-lab="keyed-producer"] .progress-mark').innerText()).toContain('Passed');
      await e2e.screenshot(page, 'labs-index-marks');
    } finally {
      await context.close();
    }
  });

  it('a passed lab links to the next lab in teaching order; a lab not passed does not', async () => {
    const { context, page } = await e2e.newPage();
    try {
      const order = await (async () => {
        await page.goto('/labs/');
        return page.locator('[data-testid="lab-list"] [data-lab]').evaluateAll((els) => els.map((el) => el.getAttribute('data-lab') ?? ''));
      })();
      await routeAttempts(page, { [order[0]]: ['pass'], [order[1]]: ['fail'] });
      await page.goto(`/labs/${order[0]}/`);
      const next = page.getByTestId('next-lab');
      await next.waitFor({ timeout: 20_000 });
      expect(await next.locator('a').getAttribute('href')).toBe(`/labs/${order[1]}/`);
      await page.goto(`/labs/${order[1]}/`);
      await page.getByTestId('attempts').waitFor();
      await page.waitForTimeout(500);
      expect(await page.getByTestId('next-lab').count()).toBe(0);
    } finally {
      await context.close();
    }
  });

  it('the header signs a user out and then offers Sign in', async () => {
    const { context, page } = await e2e.newPage();
    try {
      await page.goto('/signup/');
      await page.fill('#signup-email', `signout-${Date.now()}@example.com`);
      await page.fill('#signup-password', 'tangerine-otter-piano-42');
      await page.click('#signup button[type=submit]');
      await page.waitForURL((url) => !url.pathname.startsWith('/signup'), { timeout: 30_000 });
      await page.goto('/lessons/');
      const button = page.locator('#header-signout');
      await button.waitFor();
      await Promise.all([page.waitForEvent('load'), button.click()]);
      await page.locator('#account-slot a[href^="/signin/"]').waitFor();
      expect(await page.locator('#header-signout').count()).toBe(0);
      const me = await page.evaluate(() => fetch('/api/auth/me').then((r) => r.json()));
      expect(me.user).toBeNull();
    } finally {
      await context.close();
    }
  });
});
