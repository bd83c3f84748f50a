// The lab page's language switch in real Chromium against the production server and a real broker:
// a learner picks Python, gets the Python starter in the editor, the choice survives a reload, and
// Run grades the Python program (the stored run says so); switching back brings their TypeScript
// back. Only labs with more than one language show the switch.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2eUnavailable, startE2E, type E2E } from './harness.ts';

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
});
