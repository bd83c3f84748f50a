// Browser-test harness: starts the real production server (`tsx server/main.ts`, serving dist/ and
// /api) on a random 127.0.0.1 port with a temporary DATA_DIR and one warm broker, waits for
// /api/health, and launches Debian's chromium through playwright-core. stop() ends the server
// with SIGTERM (which stops its brokers) and closes the browser.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Repository root (two levels above tests/e2e). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Where screenshots are saved (git-ignored test artifacts). */
export const SCREENSHOT_DIR = join(REPO_ROOT, 'test-results', 'screenshots');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** A running server plus a browser pointed at it. */
export interface E2E {
  baseUrl: string;
  /** The server's DATA_DIR (its database), for admin commands run against it. */
  dataDir: string;
  browser: Browser;
  /** A fresh browser context (its own cookies and localStorage) with one page. */
  newPage(): Promise<{ context: BrowserContext; page: Page }>;
  /** Saves a full-page screenshot under test-results/screenshots/<name>.png. */
  screenshot(page: Page, name: string): Promise<void>;
  /** Server output so far, for failure messages. */
  log(): string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => ok(port));
    });
  });
}

async function waitForHealth(baseUrl: string, child: ChildProcess, log: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`The server exited with code ${child.exitCode} before answering /api/health:\n${log()}`);
    try {
      const res = await fetch(`${baseUrl}/api/health`);
      if (res.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`The server did not answer /api/health within ${timeoutMs} ms:\n${log()}`);
}

/** Whether the prerequisites exist; browser tests are skipped otherwise, and the reason is printed. */
export function e2eUnavailable(): string | null {
  const reason = !existsSync(CHROMIUM)
    ? `${CHROMIUM} is missing: install it with \`apt-get install -y chromium\`.`
    : !existsSync(join(REPO_ROOT, 'dist', 'index.html'))
      ? 'dist/ is not built: run `npm run build` first (npm test does).'
      : null;
  if (reason) console.warn(`[e2e] browser tests skipped: ${reason}`);
  return reason;
}

/** Starts server and browser; call stop() in afterAll. */
export async function startE2E(opts: { env?: Record<string, string> } = {}): Promise<E2E> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'lz-e2e-'));
  const baseUrl = `http://127.0.0.1:${port}`;
  let output = '';
  const child = spawn(process.execPath, [join(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'server/main.ts'], {
    cwd: REPO_ROOT,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, KAFKA_POOL_SIZE: '1', NODE_ENV: 'test', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const append = (b: Buffer) => {
    output = (output + b.toString()).slice(-20_000);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const log = () => output;

  let browser: Browser | null = null;
  const stop = async () => {
    await browser?.close().catch(() => {});
    if (child.exitCode === null) {
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dataDir, { recursive: true, force: true });
  };

  try {
    await waitForHealth(baseUrl, child, log, 60_000);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  } catch (err) {
    await stop();
    throw err;
  }
  const b = browser;
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  return {
    baseUrl,
    dataDir,
    browser: b,
    async newPage() {
      const context = await b.newContext({ baseURL: baseUrl, viewport: { width: 1366, height: 900 } });
      const page = await context.newPage();
      return { context, page };
    },
    async screenshot(page, name) {
      await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
    },
    log,
    stop,
  };
}
