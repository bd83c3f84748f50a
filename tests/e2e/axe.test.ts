// axe-core (WCAG 2.0/2.1 A and AA rules) over the main pages in real Chromium, in the light and the
// dark theme, against the production server with no Kafka broker (KAFKA_POOL_SIZE=0): home, a
// lesson, a lab before a run and after one (the results are a routed fixture, as in
// mobile.test.ts), a quiz in progress and its results, the dashboard signed in and as a guest,
// search with results, and every lesson page for its code blocks. The gate is zero serious or
// critical violations; a failure lists each one with its targets and, for contrast, the colours
// axe measured. Monaco's DOM is audited too: the lab editor's themes are ours (monaco-setup.ts).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { AxeResults, NodeResult, Result } from 'axe-core';
import { REPO_ROOT, e2eUnavailable, startE2E, type E2E } from './harness.ts';
import { faultedResults } from './run-fixtures.ts';

const skip = e2eUnavailable();
const AXE_SOURCE = readFileSync(join(REPO_ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const GATED = new Set(['serious', 'critical']);
const LESSON = 'producer-basics';
const LAB = 'keyed-producer';
const THEMES = ['light', 'dark'] as const;
type Theme = (typeof THEMES)[number];
let e2e: E2E;

/** A browser context that opens every page in `theme` (the toggle's stored choice, and the system setting to match). */
async function themed(browser: Browser, theme: Theme): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL: e2e.baseUrl, viewport: { width: 1366, height: 900 }, colorScheme: theme });
  await context.addInitScript((t) => localStorage.setItem('lz-theme', t), theme);
  const page = await context.newPage();
  return { context, page };
}

/** Runs axe in the page (evaluated, not a script tag: the site's CSP allows no unknown inline script). */
async function audit(page: Page): Promise<Result[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  const results = (await page.evaluate(
    (tags) => (window as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<unknown> } }).axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }),
    TAGS,
  )) as AxeResults;
  return results.violations;
}

/** One line per failing node: its selector and, for contrast, the measured colours and ratio. */
function describeNode(n: NodeResult): string {
  const data = [...n.any, ...n.all, ...n.none].map((c) => c.data as Record<string, unknown> | null).find((d) => d && 'contrastRatio' in d);
  const colours = data ? ` ${data.fgColor} on ${data.bgColor} = ${data.contrastRatio}:1, needs ${data.expectedContrastRatio} (${data.fontSize}, weight ${data.fontWeight})` : '';
  return `    ${n.target.join(' >> ')}${colours}\n      ${n.html.slice(0, 140)}`;
}

/** Collects a theme's findings page by page, prints a count per page, and reports the gated ones. */
class Findings {
  private readonly gated: string[] = [];
  private readonly counts: string[] = [];
  constructor(private readonly label: string) {}

  async check(page: Page, name: string) {
    const violations = await audit(page);
    const serious = violations.filter((v) => GATED.has(v.impact ?? ''));
    const nodes = serious.reduce((n, v) => n + v.nodes.length, 0);
    const minor = violations.filter((v) => !GATED.has(v.impact ?? '')).map((v) => `${v.id} (${v.impact})`);
    this.counts.push(`${name}: ${serious.length} serious/critical rule(s), ${nodes} node(s)${minor.length ? `; also ${minor.join(', ')}` : ''}`);
    for (const v of serious) {
      this.gated.push(`${name}: ${v.id} (${v.impact}) ${v.help}, ${v.nodes.length} node(s)\n${v.nodes.slice(0, 12).map(describeNode).join('\n')}${v.nodes.length > 12 ? `\n    … and ${v.nodes.length - 12} more` : ''}`);
    }
  }

  expectNone() {
    console.log(`[axe] ${this.label}\n  ${this.counts.join('\n  ')}`);
    expect(this.gated, `serious or critical axe violations, ${this.label}:\n${this.gated.join('\n')}`).toEqual([]);
  }
}

async function signUp(page: Page) {
  await page.goto('/signup/');
  await page.fill('#signup-email', `axe-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`);
  await page.fill('#signup-password', 'tangerine-otter-piano-42');
  await page.click('#signup button[type=submit]');
  await page.waitForURL((url) => !url.pathname.startsWith('/signup'), { timeout: 30_000 });
}

/** Answers the first choice of every choice question on the page, so results show right and wrong. */
async function answerSome(page: Page) {
  const choices = page.locator('[data-testid="quiz-question"] input[type=radio], [data-testid="quiz-question"] input[type=checkbox]');
  const seen = new Set<string>();
  for (let i = 0; i < (await choices.count()); i++) {
    const name = (await choices.nth(i).getAttribute('name')) ?? '';
    if (seen.has(name)) continue;
    seen.add(name);
    await choices.nth(i).check();
  }
}

describe.skipIf(skip !== null)('axe finds no serious or critical violations on the main pages', () => {
  beforeAll(async () => {
    e2e = await startE2E({ env: { KAFKA_POOL_SIZE: '0' } });
  });
  afterAll(async () => {
    await e2e?.stop();
  });

  for (const theme of THEMES) {
    it(`signed in, ${theme} theme: home, lesson, lab before and after a run, quiz, results, dashboard, search`, async () => {
      const { context, page } = await themed(e2e.browser, theme);
      const findings = new Findings(`signed in, ${theme}`);
      try {
        await signUp(page);
        await page.goto('/');
        expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe(theme);
        await findings.check(page, 'home /');

        await page.goto(`/lessons/${LESSON}/`);
        await page.getByTestId('mark-read-button').click();
        await page.waitForSelector('[data-testid="mark-read"][data-read="true"]');
        await page.locator('.copy-code').first().waitFor();
        await findings.check(page, `lesson /lessons/${LESSON}/`);

        await page.goto(`/labs/${LAB}/`);
        await page.getByTestId('run-button').waitFor({ state: 'visible' });
        await page.locator('.monaco-editor .view-lines').first().waitFor({ timeout: 30_000 });
        await findings.check(page, `lab /labs/${LAB}/ before a run`);
        // The toggle restyles the open editor in place (LabMonaco.setDark), so audit it switched too.
        const other = theme === 'light' ? 'dark' : 'light';
        await page.locator('#theme-toggle').click();
        await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe(other);
        await expect.poll(() => page.locator('.monaco-editor').first().evaluate((el, cls) => el.classList.contains(cls), other === 'dark' ? 'vs-dark' : 'vs')).toBe(true);
        await findings.check(page, `lab /labs/${LAB}/ before a run, toggled to ${other}`);
        await page.locator('#theme-toggle').click();

        const base = faultedResults(LAB);
        const results = {
          ...base,
          tests: [...base.tests, { name: 'Records with the same key land on the same partition', status: 'pass' as const, message: null, output: null, task_id: base.tests[0].task_id, evidence: [] }],
        };
        await page.route('**/api/runs/axe-run', (route) =>
          route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ id: 'axe-run', state: 'done', outcome: 'fail', results, createdAt: Date.now() }) }),
        );
        await page.goto(`/labs/${LAB}/?run=axe-run`);
        await page.getByTestId('timeline').waitFor({ timeout: 30_000 });
        await page.locator('[data-testid="timeline-svg"] [data-kind="commit"]').first().click();
        await page.getByTestId('timeline-text').locator('summary').click();
        await findings.check(page, `lab /labs/${LAB}/ after a failed run`);

        await page.goto('/quiz/');
        await page.getByTestId('quiz-start').waitFor();
        await findings.check(page, 'quiz builder /quiz/');
        await page.getByTestId('quiz-count').fill('6');
        await page.getByTestId('quiz-start').click();
        await page.waitForURL(/\/quiz\/play/);
        await page.getByTestId('quiz-runner').waitFor();
        await page.getByTestId('quiz-show-all').check();
        await answerSome(page);
        await findings.check(page, 'quiz in progress /quiz/play/');

        await page.getByTestId('quiz-submit').click();
        // Unanswered questions ask for a confirmation first.
        await page.locator('[data-testid="quiz-submit-confirm"], [data-testid="quiz-results"]').first().waitFor();
        if (await page.getByTestId('quiz-submit-confirm').isVisible()) await page.getByTestId('quiz-submit-confirm').click();
        await page.getByTestId('quiz-results').waitFor({ timeout: 20_000 });
        await findings.check(page, 'quiz results');

        await page.goto('/dashboard/');
        await page.getByTestId('quiz-history').waitFor({ timeout: 20_000 });
        await findings.check(page, 'dashboard, signed in');

        await page.goto('/search/?q=offset');
        await page.locator('.pagefind-ui__result').first().waitFor({ timeout: 20_000 });
        await findings.check(page, 'search /search/?q=offset');
        findings.expectNone();
      } finally {
        await context.close();
      }
    });

    it(`${theme} theme: every lesson page (their code blocks cover every language the lessons use)`, async () => {
      const { context, page } = await themed(e2e.browser, theme);
      const findings = new Findings(`every lesson, ${theme}`);
      try {
        const lessons = readdirSync(join(REPO_ROOT, 'dist', 'lessons'), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
        expect(lessons.length).toBeGreaterThan(10);
        for (const slug of lessons) {
          await page.goto(`/lessons/${slug}/`);
          await page.getByTestId('mark-read').or(page.locator('.mark-read')).first().waitFor();
          await findings.check(page, `/lessons/${slug}/`);
        }
        findings.expectNone();
      } finally {
        await context.close();
      }
    });

    it(`guest, ${theme} theme: home and dashboard`, async () => {
      const { context, page } = await themed(e2e.browser, theme);
      const findings = new Findings(`guest, ${theme}`);
      try {
        await page.goto('/');
        await findings.check(page, 'home /, guest');
        await page.goto('/dashboard/');
        await page.getByTestId('guest-banner').waitFor({ timeout: 20_000 });
        await findings.check(page, 'dashboard, guest');
        findings.expectNone();
      } finally {
        await context.close();
      }
    });
  }
});
