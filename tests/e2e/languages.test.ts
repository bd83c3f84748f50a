// The lab page's language switch in real Chromium against the production server and a real broker:
// (1) a guest picks Python, gets the Python starter in the editor, the choice survives a reload, and
// Run grades the Python program (the stored run says so); switching back brings their TypeScript
// back. (2) A signed-in learner solves keyed-producer in Java and at-least-once-consumer in Python
// by pasting into Monaco: a compile error comes back as an editor marker at its line, the account
// remembers the language on a browser that never saw the choice, and the dashboard and the attempt
// history say which language each lab was solved in.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, e2eUnavailable, startE2E, type E2E } from './harness.ts';

const skip = e2eUnavailable();
const LAB = 'keyed-producer';
let e2e: E2E;

describe.skipIf(skip !== null)('choosing the language of a lab in a real browser', () => {
  beforeAll(async () => {
    e2e = await startE2E();
  });
  afterAll(async () => {
    await e2e?.stop();
  });

  it('switches to Python, remembers it, grades the Python program, and keeps the TypeScript draft', async () => {
    const { context, page } = await e2e.newPage();
    try {
      await page.goto(`/labs/${LAB}/`);
      await page.waitForSelector('[data-testid="monaco-editor"][data-ready="true"]', { timeout: 60_000 });
      const editorText = () => page.locator('[data-testid="monaco-editor"] .view-lines').innerText();
      await expect.poll(editorText).toContain('kafkajs');

      await page.getByTestId('language-python').check();
      await expect.poll(editorText, { timeout: 20_000 }).toContain('confluent_kafka');
      await e2e.screenshot(page, 'lab-language-python');

      await page.reload();
      await page.waitForSelector('[data-testid="monaco-editor"][data-ready="true"]', { timeout: 60_000 });
      expect(await page.getByTestId('language-python').isChecked(), 'the choice survives a reload').toBe(true);
      await expect.poll(editorText, { timeout: 20_000 }).toContain('confluent_kafka');

      const posted = page.waitForResponse((r) => r.url().endsWith(`/api/labs/${LAB}/runs`) && r.request().method() === 'POST');
      await page.getByTestId('run-button').click();
      const { runId } = (await (await posted).json()) as { runId: string };
      await page.waitForSelector('[data-testid="results-view"], [data-testid="run-error"]', { timeout: 240_000 });
      expect(await page.getByTestId('run-error').count()).toBe(0);
      // The starter is wrong in Python too, and the grader said so from the broker's records.
      expect(await page.getByTestId('results-view').getAttribute('data-verdict')).toBe('fail');
      const run = (await page.evaluate(async (id) => (await fetch(`/api/runs/${id}`)).json(), runId)) as { results: { language: string } };
      expect(run.results.language).toBe('python');

      await page.getByTestId('language-typescript').check();
      await expect.poll(editorText, { timeout: 20_000 }).toContain('kafkajs');
    } finally {
      await context.close();
    }
  });

  it('a signed-in learner solves one lab in Java and one in Python through the editor', async () => {
    const { context, page } = await e2e.newPage();
    try {
      await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: e2e.baseUrl });
      await page.goto('/signup/');
      await page.fill('#signup-email', `polyglot-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`);
      await page.fill('#signup-password', 'tangerine-otter-piano-42');
      await page.click('#signup button[type=submit]');
      await page.waitForURL((url) => !url.pathname.startsWith('/signup'), { timeout: 30_000 });

      // Java, keyed-producer. First a typo: the compile error is refused before any broker is used
      // and marked in the editor at its line.
      await openLab(page, LAB);
      await page.getByTestId('language-java').check();
      await expect.poll(editorText(page), { timeout: 20_000 }).toContain('org.apache.kafka');
      const java = readFileSync(join(REPO_ROOT, 'labs', LAB, 'solution', 'Main.java'), 'utf8');
      const typoLine = java.split('\n').findIndex((l) => l.includes('producer.flush()')) + 1;
      expect(typoLine).toBeGreaterThan(0);
      await paste(page, java.replace('producer.flush()', 'producer.flsh()'));
      await page.getByTestId('run-button').click();
      await page.getByTestId('run-diagnostic').first().waitFor({ timeout: 60_000 });
      expect(await page.getByTestId('run-diagnostic').evaluateAll((els) => els.map((el) => el.getAttribute('data-line')))).toEqual([String(typoLine)]);
      expect(await page.getByTestId('run-error').innerText()).toMatch(/did not compile: one error, each marked in the editor/);
      await page.waitForSelector('[data-testid="monaco-editor"][data-markers="1"]');
      // Monaco draws the marker as a squiggle on that line.
      await expect.poll(() => page.locator('[data-testid="monaco-editor"] .squiggly-error').count(), { timeout: 10_000 }).toBeGreaterThan(0);
      await e2e.screenshot(page, 'lab-java-compile-error');

      await paste(page, java);
      const javaRun = await runAndWait(page, java);
      expect(javaRun.verdict, `the Java solution should pass; server log:\n${e2e.log().slice(-3000)}`).toBe('pass');
      expect(await page.getByTestId('run-diagnostic').count(), 'the markers are gone with the error').toBe(0);
      await expect.poll(() => page.getByTestId('attempt-language').first().innerText()).toContain('Java');
      await e2e.screenshot(page, 'lab-java-pass');

      // The account remembers Java: a browser that never saw the choice opens the next lab in it.
      await page.evaluate(() => localStorage.clear());
      const PY_LAB = 'at-least-once-consumer';
      await openLab(page, PY_LAB);
      await expect.poll(() => page.getByTestId('language-java').isChecked(), { timeout: 20_000 }).toBe(true);
      await expect.poll(editorText(page), { timeout: 20_000 }).toContain('org.apache.kafka');

      // Python, at-least-once-consumer.
      await page.getByTestId('language-python').check();
      await expect.poll(editorText(page), { timeout: 20_000 }).toContain('confluent_kafka');
      const python = readFileSync(join(REPO_ROOT, 'labs', PY_LAB, 'solution', 'main.py'), 'utf8');
      await paste(page, python);
      const pyRun = await runAndWait(page, python);
      expect(pyRun.verdict, `the Python solution should pass; server log:\n${e2e.log().slice(-3000)}`).toBe('pass');
      const stored = (await page.evaluate(async (id) => (await fetch(`/api/runs/${id}`)).json(), pyRun.runId)) as { results: { language: string } };
      expect(stored.results.language).toBe('python');

      // The dashboard says which language each lab was solved in.
      await page.goto('/dashboard/');
      const cell = (lab: string, language: string) => page.locator(`[data-testid="lab-languages"] tr[data-lab="${lab}"] td[data-language="${language}"]`);
      await cell(LAB, 'java').waitFor({ timeout: 20_000 });
      expect(await cell(LAB, 'java').innerText()).toBe('passed');
      expect(await cell(LAB, 'typescript').innerText()).toBe('–');
      expect(await cell(PY_LAB, 'python').innerText()).toBe('passed');
      expect(await cell(PY_LAB, 'java').innerText()).toBe('–');
      expect(await page.getByTestId('labs-passed').innerText()).toMatch(/^2\//);
      await e2e.screenshot(page, 'dashboard-languages');
    } finally {
      await context.close();
    }
  }, 600_000);
});

const editorText = (page: Page) => () => page.locator('[data-testid="monaco-editor"] .view-lines').innerText();

async function openLab(page: Page, slug: string) {
  await page.goto(`/labs/${slug}/`);
  await page.waitForSelector('[data-testid="monaco-editor"][data-ready="true"]', { timeout: 60_000 });
}

/**
 * Replaces the editor's program with `code` through the clipboard, as a learner pastes from their
 * IDE. Monaco renders only the lines in view, and after a paste that is the end of the program: the
 * wait is for its last line (runAndWait then checks the whole program that was sent).
 */
async function paste(page: Page, code: string) {
  const marker = code.trimEnd().split('\n').at(-1)!.trim().replace(/\s+/g, ' ');
  await page.evaluate((text) => navigator.clipboard.writeText(text), code);
  const lines = page.locator('[data-testid="monaco-editor"] .view-lines');
  // Under load a first select-all can land before Monaco has focus: select and delete until empty.
  const text = async () => (await lines.innerText()).replace(/\s+/g, '');
  for (let i = 0; i < 5 && (await text()) !== ''; i++) {
    await lines.click();
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Delete');
    await expect.poll(text, { timeout: 4_000 }).toBe('').catch(() => undefined);
  }
  expect(await text()).toBe('');
  await page.keyboard.press('Control+V');
  await expect.poll(async () => (await lines.innerText()).replace(/\s+/g, ' '), { timeout: 10_000 }).toContain(marker);
}

/** Presses Run, checks the program sent is exactly `code`, and waits for the verdict. */
async function runAndWait(page: Page, code: string): Promise<{ runId: string; verdict: string | null }> {
  await page.waitForSelector('[data-testid="run-button"]:not([disabled])');
  const posted = page.waitForResponse((r) => /\/api\/labs\/[^/]+\/runs$/.test(r.url()) && r.request().method() === 'POST');
  await page.getByTestId('run-button').click();
  const response = await posted;
  expect((JSON.parse(response.request().postData() ?? '{}') as { code: string }).code, 'the editor sent the pasted program unchanged').toBe(code);
  const { runId } = (await response.json()) as { runId: string };
  await page.waitForSelector('[data-testid="results-view"], [data-testid="run-error"]', { timeout: 240_000 });
  expect(await page.getByTestId('run-error').allInnerTexts()).toEqual([]);
  return { runId, verdict: await page.getByTestId('results-view').getAttribute('data-verdict') };
}
