// The learner's day in a real browser against the real production server and a real Kafka broker:
// (1) a new user signs up, marks a lesson read, solves lab keyed-producer in Monaco, lets a timed
// quiz run out, and sees all of it on the dashboard after a reload; (2) a guest's lesson and quiz
// carry over on sign-up; (3) a quiz taken with the keyboard alone. Screenshots of the main pages
// go to test-results/screenshots/.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { REPO_ROOT, e2eUnavailable, startE2E, type E2E } from './harness.ts';

const skip = e2eUnavailable();
const LESSON = 'producer-basics';
const LAB = 'keyed-producer';
const PASSWORD = 'tangerine-otter-piano-42';
let e2e: E2E;

const uniqueEmail = (who: string) => `${who}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;

async function signUp(page: Page, email: string) {
  await page.goto('/signup/');
  await page.fill('#signup-email', email);
  await page.fill('#signup-password', PASSWORD);
  await page.click('#signup button[type=submit]');
  await page.waitForURL((url) => !url.pathname.startsWith('/signup'), { timeout: 30_000 });
}

async function markLessonRead(page: Page) {
  await page.goto(`/lessons/${LESSON}/`);
  const control = page.getByTestId('mark-read');
  await control.waitFor();
  expect(await control.getAttribute('data-read')).toBe('false');
  await page.getByTestId('mark-read-button').click();
  await page.waitForSelector('[data-testid="mark-read"][data-read="true"]');
}

/** Starts a quiz from the builder with `count` questions and a limit of `seconds`. */
async function startQuiz(page: Page, count: number, seconds: number) {
  await page.goto(`/quiz/?seconds=${seconds}`);
  await page.getByTestId('quiz-count').fill(String(count));
  await page.getByTestId('quiz-start').click();
  await page.waitForURL(/\/quiz\/play/);
  await page.getByTestId('quiz-runner').waitFor();
}

/** Reads the dashboard's headline numbers, reloading until `ready` accepts them (merges and writes settle). */
async function dashboardFigures(page: Page, ready: (f: Record<string, string>) => boolean) {
  let figures: Record<string, string> = {};
  for (let i = 0; i < 10; i++) {
    await page.goto('/dashboard/');
    await page.getByTestId('lessons-read').waitFor({ timeout: 20_000 });
    figures = {
      lessons: await page.getByTestId('lessons-read').innerText(),
      labs: await page.getByTestId('labs-passed').innerText(),
      quizzes: await page.getByTestId('quizzes-taken').innerText(),
    };
    if (ready(figures)) break;
    await page.waitForTimeout(1000);
  }
  return figures;
}

describe.skipIf(skip !== null)('learner journeys in a real browser', () => {
  beforeAll(async () => {
    e2e = await startE2E();
  });
  afterAll(async () => {
    await e2e?.stop();
  });

  it('a new user reads, solves a lab, lets a timed quiz expire and sees it all on the dashboard', async () => {
    const { context, page } = await e2e.newPage();
    // Monaco and its workers load on lab pages only, from this server.
    const editorAssets: string[] = [];
    page.on('request', (r) => {
      if (/monaco|editor\.worker|ts\.worker/.test(r.url())) editorAssets.push(r.url());
    });
    try {
      await signUp(page, uniqueEmail('journey'));
      await page.goto('/');
      await e2e.screenshot(page, 'home');

      await markLessonRead(page);
      await e2e.screenshot(page, 'lesson');
      expect(editorAssets, 'no editor code on the home or lesson page').toEqual([]);

      // The lab: paste the reference solution into Monaco (as a learner would from their own editor) and run it.
      await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: e2e.baseUrl });
      await page.goto(`/labs/${LAB}/`);
      await page.waitForSelector('[data-testid="monaco-editor"][data-ready="true"]', { timeout: 60_000 });
      // The TypeScript worker loads on the editor's first focus, not with the page.
      expect(editorAssets.some((u) => /ts\.worker/.test(u)), 'no TypeScript worker before the editor is used').toBe(false);
      await page.locator('[data-testid="monaco-editor"] textarea').focus();
      await expect.poll(() => editorAssets.some((u) => /ts\.worker/.test(u)), { timeout: 20_000 }).toBe(true);
      expect(editorAssets.every((u) => u.startsWith(e2e.baseUrl))).toBe(true);
      // Hints come one at a time.
      await page.getByTestId('hint-button').click();
      await expect.poll(() => page.getByTestId('hint').count()).toBe(1);

      // The starter as given fails, and the failure names its evidence.
      await page.getByTestId('run-button').click();
      await page.waitForSelector('[data-testid="results-view"], [data-testid="run-error"]', { timeout: 240_000 });
      expect(await page.getByTestId('run-error').count()).toBe(0);
      expect(['fail', 'learner-error']).toContain(await page.getByTestId('results-view').getAttribute('data-verdict'));
      const starterStatuses = await page.getByTestId('check').evaluateAll((els) => els.map((el) => el.getAttribute('data-status')));
      expect(starterStatuses).toContain('fail');
      expect(await page.getByTestId('show-solution').count(), 'no solution before a pass').toBe(0);
      await e2e.screenshot(page, 'lab-starter-fails');
      await page.waitForSelector('[data-testid="run-button"]:not([disabled])');

      const solution = readFileSync(join(REPO_ROOT, 'labs', LAB, 'solution', 'main.ts'), 'utf8');
      await page.evaluate((code) => navigator.clipboard.writeText(code), solution);
      await pasteIntoMonaco(page);
      // The plain-text view shows the same program, byte for byte; then back to Monaco to run it.
      await page.getByTestId('editor-mode-plain').click();
      expect(await page.getByTestId('plain-editor').inputValue()).toBe(solution);
      await page.getByTestId('editor-mode-monaco').click();
      await page.waitForSelector('[data-testid="monaco-editor"][data-ready="true"]');
      await page.getByTestId('run-button').click();
      await page.waitForSelector('[data-testid="run-progress"]:not([data-state="done"]), [data-testid="run-error"]');
      await page.waitForSelector('[data-testid="results-view"], [data-testid="run-error"]', { timeout: 240_000 });
      const runError = await page.getByTestId('run-error').allInnerTexts();
      if (runError.length > 0) await e2e.screenshot(page, 'lab-run-error');
      expect(runError, 'the run should be accepted').toEqual([]);
      const results = page.getByTestId('results-view');
      const verdict = await results.getAttribute('data-verdict');
      const statuses = await page.getByTestId('check').evaluateAll((els) => els.map((el) => el.getAttribute('data-status')));
      await e2e.screenshot(page, 'lab-results');
      expect(verdict, `the reference solution should pass; server log:\n${e2e.log().slice(-3000)}`).toBe('pass');
      expect(statuses.length).toBeGreaterThanOrEqual(3);
      expect(statuses.every((s) => s === 'pass')).toBe(true);
      // Each check links to the task it tests, and the solution is now offered.
      const taskLinks = await page.locator('[data-testid="check"] a[href^="#task-"]').evaluateAll((els) => els.map((el) => el.getAttribute('href')));
      expect(taskLinks).toHaveLength(statuses.length);
      for (const href of taskLinks) expect(await page.locator(href!).count()).toBe(1);
      await page.getByTestId('show-solution').click();
      await expect.poll(() => page.getByTestId('solution-code').innerText()).toContain('idempotent');
      await expect.poll(() => page.getByTestId('attempt').count()).toBe(2);
      // Attempt history, newest first: opening the older run shows its failed checks again.
      expect(await page.getByTestId('attempt').evaluateAll((els) => els.map((el) => el.getAttribute('data-outcome')))).toEqual(['pass', 'fail']);
      await page.getByTestId('attempt').nth(1).click();
      await page.waitForSelector('[data-testid="results-view"]:not([data-verdict="pass"])');
      // The draft was saved to the account: after a reload the editor holds the solution, not the starter.
      await page.reload();
      await page.getByTestId('editor-mode-plain').click();
      await expect.poll(() => page.getByTestId('plain-editor').inputValue()).toBe(solution);

      // A timed quiz with the shortest limit the server allows; nothing answered, so it must submit itself.
      await startQuiz(page, 2, 30);
      await page.getByTestId('quiz-timer').waitFor();
      await e2e.screenshot(page, 'quiz-running');
      await page.getByTestId('quiz-auto-submitted').waitFor({ timeout: 90_000 });
      await page.getByTestId('quiz-score').waitFor();
      await e2e.screenshot(page, 'quiz-results');

      const figures = await dashboardFigures(page, (f) => f.lessons.startsWith('1/') && f.labs.startsWith('1/') && f.quizzes === '1');
      await e2e.screenshot(page, 'dashboard');
      expect(figures.lessons).toMatch(/^1\//);
      expect(figures.labs).toMatch(/^1\//);
      expect(figures.quizzes).toBe('1');
    } finally {
      await context.close();
    }
  }, 600_000);

  it("carries a guest's lesson and quiz over to the account created on sign-up", async () => {
    const { context, page } = await e2e.newPage();
    try {
      await markLessonRead(page);
      await startQuiz(page, 1, 300);
      await page.getByTestId('quiz-submit').click();
      await page.getByTestId('quiz-submit-confirm').click();
      await page.getByTestId('quiz-results').waitFor();

      const guest = await dashboardFigures(page, (f) => f.lessons.startsWith('1/') && f.quizzes === '1');
      expect(guest.lessons).toMatch(/^1\//);
      expect(guest.quizzes).toBe('1');

      await signUp(page, uniqueEmail('guest'));
      const merged = await dashboardFigures(page, (f) => f.lessons.startsWith('1/') && f.quizzes === '1');
      expect(merged.lessons).toMatch(/^1\//);
      expect(merged.quizzes).toBe('1');
      // The figures now come from the server: a fresh browser signed in to the same account would see them too.
      const fromServer = await page.evaluate(async () => (await fetch('/api/progress/lessons', { credentials: 'same-origin' })).json());
      expect(JSON.stringify(fromServer)).toContain('producer-basics');
    } finally {
      await context.close();
    }
  }, 180_000);

  it('takes a quiz with the keyboard alone', async () => {
    const { context, page } = await e2e.newPage();
    try {
      await page.goto('/quiz/?seconds=600');
      await tabTo(page, '[data-testid="quiz-count"]');
      await page.keyboard.press('Control+A');
      await page.keyboard.type('3');
      await tabTo(page, '[data-testid="quiz-start"]');
      await page.keyboard.press('Enter');
      await page.waitForURL(/\/quiz\/play/);
      await page.getByTestId('quiz-runner').waitFor();

      let answered = 0;
      for (let q = 0; q < 3; q++) {
        const type = await page.getByTestId('quiz-question').first().getAttribute('data-question-type');
        if (type === 'single' || type === 'true_false') {
          await tabTo(page, '[data-testid="quiz-question"] input[type=radio]');
          await page.keyboard.press('ArrowDown'); // moves to and selects the next option in the radio group
          await page.keyboard.press('Space');
          answered++;
        } else if (type === 'multiple') {
          await tabTo(page, '[data-testid="quiz-question"] input[type=checkbox]');
          await page.keyboard.press('Space');
          answered++;
        } else if (type === 'numeric' || type === 'open') {
          await tabTo(page, '[data-testid="quiz-question"] input[type=text], [data-testid="quiz-question"] textarea');
          await page.keyboard.type('42');
          answered++;
        } else if (type === 'ordering') {
          await tabTo(page, '[data-testid="quiz-question"] [data-testid^="ordering-"] button:not([disabled])');
          await page.keyboard.press('Enter');
          answered++;
        }
        if (q < 2) {
          await tabTo(page, '[data-testid="quiz-next"]');
          await page.keyboard.press('Enter');
          await expect.poll(() => page.getByTestId('quiz-question').first().locator('h2').innerText()).toContain(`Question ${q + 2}`);
        }
      }
      expect(answered).toBe(3);
      await tabTo(page, '[data-testid="quiz-submit"]');
      await page.keyboard.press('Enter');
      // Every question has an answer, so there is nothing to confirm; if asked anyway, confirm by keyboard.
      const confirm = page.getByTestId('quiz-submit-confirm');
      if (await confirm.isVisible().catch(() => false)) {
        await tabTo(page, '[data-testid="quiz-submit-confirm"]');
        await page.keyboard.press('Enter');
      }
      await page.getByTestId('quiz-results').waitFor({ timeout: 20_000 });
      expect(await page.getByTestId('quiz-result').count()).toBe(3);
      expect(await page.getByTestId('quiz-auto-submitted').count()).toBe(0);
    } finally {
      await context.close();
    }
  }, 180_000);

  it('lets a keyboard user leave Monaco with Ctrl+M and use the lab controls', async () => {
    const { context, page } = await e2e.newPage();
    try {
      await page.goto('/labs/');
      const listed = await page.locator('[data-testid="lab-list"] [data-lab]').evaluateAll((els) => els.map((el) => el.getAttribute('data-lab')));
      expect(listed).toContain(LAB);
      await e2e.screenshot(page, 'labs');
      await page.goto(`/labs/${LAB}/`);
      await page.waitForSelector('[data-testid="monaco-editor"][data-ready="true"]', { timeout: 60_000 });
      await tabTo(page, '[data-testid="monaco-editor"] textarea');
      expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toContain('Alt+F1');
      // IntelliSense knows kafkajs: member completions for a producer come from its type definitions.
      await page.keyboard.press('Control+End');
      await page.keyboard.press('Enter');
      await page.keyboard.type('new Kafka({ brokers: [] }).producer().');
      const suggestions = page.locator('.monaco-editor .suggest-widget .monaco-list-row');
      await expect.poll(() => suggestions.allInnerTexts().then((t) => t.join(' ')), { timeout: 30_000 }).toMatch(/sendBatch/);
      await page.keyboard.press('Escape');
      // Inside Monaco, Tab indents instead of moving on…
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.closest('[data-testid="monaco-editor"]') !== null)).toBe(true);
      // …until Ctrl+M switches Tab to moving focus.
      // (Monaco's sticky-scroll lines may take a Tab stop on the way out; without Ctrl+M, Tab would only indent.)
      await page.keyboard.press('Control+M');
      await tabTo(page, '[data-testid="run-button"]', 10);
      await tabTo(page, '[data-testid="reset-button"]');
      await page.keyboard.press('Enter');
      await tabTo(page, '[data-testid="reset-confirm"]');
      await page.keyboard.press('Enter');
      await expect.poll(() => page.getByTestId('save-status').innerText()).toContain('reset to the starter');
      await tabTo(page, '[data-testid="editor-mode-plain"]', 200);
      await page.keyboard.press('Enter');
      expect(await page.getByTestId('plain-editor').inputValue()).toBe(readFileSync(join(REPO_ROOT, 'labs', LAB, 'starter', 'main.ts'), 'utf8'));
      await tabTo(page, '[data-testid="hint-button"]');
      await page.keyboard.press('Enter');
      await expect.poll(() => page.getByTestId('hint').count()).toBe(1);
      await tabTo(page, '[data-testid="give-up"]');
      await page.keyboard.press('Enter');
      await tabTo(page, '[data-testid="give-up-confirm"]');
      await page.keyboard.press('Enter');
      await expect.poll(() => page.getByTestId('solution-code').count()).toBe(1);
    } finally {
      await context.close();
    }
  }, 180_000);
});


/** Replaces the Monaco editor's content with the clipboard: select all, delete, paste. */
async function pasteIntoMonaco(page: Page) {
  const lines = page.locator('[data-testid="monaco-editor"] .view-lines');
  await lines.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  // Monaco renders spaces as no-break spaces.
  await expect.poll(async () => (await lines.innerText()).replace(/\s+/g, ''), { timeout: 10_000 }).toBe('');
  await page.keyboard.press('Control+V');
  await expect.poll(async () => (await lines.innerText()).replace(/\s+/g, ' '), { timeout: 10_000 }).toContain('idempotent: true');
}

/** Presses Tab (at most `max` times) until the focused element matches `selector`; fails otherwise. */
async function tabTo(page: Page, selector: string, max = 80) {
  for (let i = 0; i < max; i++) {
    if (await page.evaluate((sel) => document.activeElement?.matches(sel) ?? false, selector)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Pressing Tab ${max} times never focused ${selector}.`);
}
