// Password reset on a self-hosted instance without mail, in real Chromium against the production
// server: the admin command run against the server's database prints a one-time link; the person
// opens it, picks a new password (a mismatch is caught first), lands signed in on the dashboard,
// and the old password no longer works; the same link opened again says it does not work any more.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, e2eUnavailable, startE2E, type E2E } from './harness.ts';

const skip = e2eUnavailable();
let e2e: E2E;
const run = promisify(execFile);

describe.skipIf(skip !== null)('accounts in a real browser', () => {
  beforeAll(async () => {
    e2e = await startE2E();
  });
  afterAll(async () => {
    await e2e?.stop();
  });

  it('a forgotten password is reset with the link the admin command prints', async () => {
    const { context, page } = await e2e.newPage();
    const email = `forgetful-${Date.now()}@example.com`;
    try {
      await page.goto('/signup/');
      await page.fill('#signup-email', email);
      await page.fill('#signup-password', 'tangerine-otter-piano-42');
      await page.click('#signup button[type=submit]');
      await page.waitForURL((url) => !url.pathname.startsWith('/signup'), { timeout: 30_000 });
      await context.clearCookies();

      await page.goto('/signin/');
      expect(await page.locator('#forgot').innerText()).toContain('npm run admin -- reset-password');

      const { stdout } = await run(process.execPath, [join(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'server/auth/admin-cli.ts', 'reset-password', email, '--base-url', e2e.baseUrl], {
        cwd: REPO_ROOT,
        env: { ...process.env, DATA_DIR: e2e.dataDir },
      });
      const link = /(http:\/\/\S+\/reset-password\/#token=\S+)/.exec(stdout)?.[1];
      expect(link, stdout).toBeDefined();

      await page.goto(link!);
      await page.fill('#reset-password', 'violet-kettle-marathon-7');
      await page.fill('#reset-confirm', 'violet-kettle-marathon-8');
      await page.click('#reset button[type=submit]');
      await expect.poll(() => page.locator('#reset-status').innerText()).toMatch(/two passwords differ/);
      await page.fill('#reset-confirm', 'violet-kettle-marathon-7');
      await page.click('#reset button[type=submit]');
      await page.waitForURL(/\/dashboard\/$/, { timeout: 30_000 });
      expect(page.url(), 'the spent token is not left in the address').not.toContain('token=');
      await expect.poll(async () => ((await page.evaluate(async () => (await fetch('/api/auth/me')).json())) as { user: { email: string } | null }).user?.email).toBe(email);

      // The old password is gone, the new one works.
      await context.clearCookies();
      const signIn = (password: string) => page.evaluate(async ([e, p]) => (await fetch('/api/auth/signin', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: e, password: p }) })).status, [email, password]);
      expect(await signIn('tangerine-otter-piano-42')).toBe(401);
      expect(await signIn('violet-kettle-marathon-7')).toBe(200);

      // The link is spent.
      await page.goto(link!);
      await page.fill('#reset-password', 'another-long-phrase-9');
      await page.fill('#reset-confirm', 'another-long-phrase-9');
      await page.click('#reset button[type=submit]');
      await expect.poll(() => page.locator('#reset-status').innerText()).toMatch(/does not work any more/);
      await e2e.screenshot(page, 'reset-link-spent');
    } finally {
      await context.close();
    }
  }, 120_000);
});
