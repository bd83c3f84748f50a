// The run timeline of real graded runs, in real Chromium against the production server and a real
// broker: for every lab, the TypeScript reference solution is graded (the lab's faults are injected
// by the relay as in any run), its results page is opened, and the timeline shows one fault line per
// entry of the results' faults[], its text alternative lists the same faults in the same order, and
// a screenshot of each lab's timeline is saved to test-results/screenshots/timeline-graded-<lab>.png.
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLabRegistry } from '../../labs/_kit/registry.ts';
import type { RunResults } from '../../labs/_kit/results.ts';
import { REPO_ROOT, SCREENSHOT_DIR, e2eUnavailable, startE2E, type E2E } from './harness.ts';

const skip = e2eUnavailable();
let e2e: E2E;
const labs = loadLabRegistry(join(REPO_ROOT, 'labs')).list().filter((l) => l.languages.includes('typescript'));

describe.skipIf(skip !== null)('the run timeline of graded runs', () => {
  beforeAll(async () => {
    e2e = await startE2E();
  });
  afterAll(async () => {
    await e2e?.stop();
  });

  it.each(labs.map((l) => l.slug))('%s: the reference solution\'s run shows every injected fault on its timeline and in the text alternative', async (slug) => {
    const { context, page } = await e2e.newPage();
    try {
      await page.goto('/');
      const code = readFileSync(join(REPO_ROOT, 'labs', slug, 'solution', 'main.ts'), 'utf8');
      const runId = await page.evaluate(async ([lab, source]) => {
        const res = await fetch(`/api/labs/${lab}/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: source, language: 'typescript' }) });
        return ((await res.json()) as { runId: string }).runId;
      }, [slug, code]);
      expect(runId).toBeTruthy();
      let results: RunResults | null = null;
      for (let i = 0; i < 240 && !results; i++) {
        const run = (await page.evaluate(async (id) => (await fetch(`/api/runs/${id}`)).json(), runId)) as { state: string; results: RunResults | null };
        if (run.state === 'done') results = run.results;
        else await page.waitForTimeout(1000);
      }
      expect(results?.status, `server log:\n${e2e.log().slice(-3000)}`).toBe('pass');
      expect(results!.faults.length, 'every lab injects faults').toBeGreaterThan(0);

      await page.goto(`/labs/${slug}/?run=${runId}`);
      const timeline = page.getByTestId('timeline');
      await timeline.waitFor({ timeout: 30_000 });
      expect(await page.getByTestId('timeline-fault-line').count()).toBe(results!.faults.length);
      await timeline.scrollIntoViewIfNeeded();
      await timeline.screenshot({ path: join(SCREENSHOT_DIR, `timeline-graded-${slug}.png`) });

      await page.getByTestId('timeline-text').locator('summary').click();
      const faultRows = await page.getByTestId('timeline-text').locator('tbody tr[data-kind="fault"]').allInnerTexts();
      expect(faultRows).toHaveLength(results!.faults.length);
      results!.faults.forEach((f, i) => expect(faultRows[i]).toContain(`${f.kind}: ${f.detail}`));
    } finally {
      await context.close();
    }
  }, 300_000);
});
