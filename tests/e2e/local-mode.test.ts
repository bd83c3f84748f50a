// Local mode in a real browser: a server started with LAB_SANDBOX=local on 127.0.0.1 reports it in
// /api/health, and the lab page shows the plain warning that learner code is not isolated above
// the editor. With the sandbox (health answered by the test) the notice stays hidden; a server
// that refuses runs shows why.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2eUnavailable, startE2E, type E2E } from './harness.ts';

const skip = e2eUnavailable();
const LAB = 'keyed-producer';
let e2e: E2E;

describe.skipIf(skip !== null)('the lab page in local mode', () => {
  beforeAll(async () => {
    e2e = await startE2E({ env: { LAB_SANDBOX: 'local' } });
  });
  afterAll(async () => {
    await e2e?.stop();
  });

  it('reports local mode in /api/health and warns on the lab page that the code is not isolated', async () => {
    const health = (await (await fetch(`${e2e.baseUrl}/api/health`)).json()) as { sandbox: { mode: string; warning?: string } };
    expect(health.sandbox.mode).toBe('local');
    const { context, page } = await e2e.newPage();
    try {
      await page.goto(`/labs/${LAB}/`);
      const notice = page.getByTestId('sandbox-notice');
      await notice.waitFor({ state: 'visible', timeout: 20_000 });
      expect(await notice.innerText()).toBe(health.sandbox.warning);
      expect(await notice.innerText()).toMatch(/not isolated.*apt-get install -y bubblewrap/);
      await e2e.screenshot(page, 'lab-local-mode-notice');
    } finally {
      await context.close();
    }
  });

  it('shows nothing while runs are sandboxed, and the reason when they are refused', async () => {
    const { context, page } = await e2e.newPage();
    try {
      let sandbox: Record<string, unknown> = { ok: true, mode: 'bwrap', problems: [], enforced: [], notEnforced: [] };
      await page.route('**/api/health', (route) => route.fulfill({ json: { status: 'ok', sandbox } }));
      await page.goto(`/labs/${LAB}/`);
      await page.waitForLoadState('networkidle');
      expect(await page.getByTestId('sandbox-notice').isHidden()).toBe(true);

      sandbox = { ok: false, mode: 'refused', problems: ['Lab runs are refused: listen on 127.0.0.1 (HOST=127.0.0.1).'], enforced: [], notEnforced: [] };
      await page.reload();
      const notice = page.getByTestId('sandbox-notice');
      await notice.waitFor({ state: 'visible', timeout: 20_000 });
      expect(await notice.innerText()).toContain('HOST=127.0.0.1');
    } finally {
      await context.close();
    }
  });
});
