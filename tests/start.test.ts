// `npm start` in miniature: the production entry point serves the built site and the API on one
// port, and stops cleanly on SIGTERM. Needs dist/ (npm test builds it first).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
let server: ChildProcess;
let base = '';

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => ok(port));
    });
    s.on('error', fail);
  });
}

beforeAll(async () => {
  expect(existsSync(join(root, 'dist/index.html')), 'dist/ is missing: run `npm run build` first (npm test does)').toBe(true);
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  server = spawn(join(root, 'node_modules/.bin/tsx'), ['server/main.ts'], {
    cwd: root,
    env: { ...process.env, PORT: String(port), DATA_DIR: mkdtempSync(join(tmpdir(), 'lz-start-')), KAFKA_POOL_SIZE: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      if ((await fetch(`${base}/api/health`)).ok) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) throw new Error('server did not answer /api/health within 30 s');
    await new Promise((r) => setTimeout(r, 200));
  }
});

afterAll(() => { if (server.exitCode === null) server.kill('SIGKILL'); });

describe('production server', () => {
  it('serves the sample lesson as HTML with highlighted code', async () => {
    const res = await fetch(`${base}/lessons/producer-basics`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('Producer basics');
    expect(html).toMatch(/class="astro-code/);
  });

  it('serves the API on the same port', async () => {
    const body = await (await fetch(`${base}/api/health`)).json();
    expect(body.database.ok).toBe(true);
    expect(body.kafka).toHaveProperty('mode');
  });

  it('answers unknown pages with the 404 page and unknown API routes with JSON', async () => {
    const page = await fetch(`${base}/no/such/page`);
    expect(page.status).toBe(404);
    expect(await page.text()).toContain('Page not found');
    const api = await fetch(`${base}/api/no-such-route`);
    expect(api.status).toBe(404);
    expect((await api.json()).error.code).toBe('not_found');
  });

  it('exits cleanly on SIGTERM', async () => {
    const exited = new Promise<number | null>((r) => server.once('exit', (code) => r(code)));
    server.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
