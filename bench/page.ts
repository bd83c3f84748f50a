// What a learner's browser downloads for a lab page, and how soon Monaco accepts a keystroke.
// Starts the production server (tests/e2e/harness.ts: `tsx server/main.ts` over the built dist/,
// no warm broker), then puts two counting HTTP proxies in front of it:
//   baseline  strips Accept-Encoding from requests and Cache-Control/ETag/Last-Modified/Vary from
//             responses: the site as it was served before compression and caching headers.
//   current   passes everything through unchanged.
// For each it loads /labs/<LAB>/ in a fresh Chromium context (cold cache) and reports the bytes
// sent to the browser (headers included, workers included) until the network is idle, before the
// editor is used; then clicks into Monaco and types, reporting the time from navigation to the
// first keystroke Monaco shows and the bytes that added (the TypeScript worker); then reloads in
// the same context (warm cache) and reports those bytes. Run: `npm run bench:page` (build first).
//   LAB=keyed-producer  REPEAT=3 (median of n cold/warm rounds per proxy)
//   DEBUG_BYTES=1 prints every response's size as it passes the proxy.
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { e2eUnavailable, startE2E } from '../tests/e2e/harness.ts';

const LAB = process.env.LAB ?? 'keyed-producer';
const REPEAT = Number(process.env.REPEAT ?? 3);

type Mode = 'baseline' | 'current';
const STRIPPED_RESPONSE = new Set(['cache-control', 'etag', 'last-modified', 'vary']);

/** A pass-through proxy that counts every byte it writes to browser sockets. */
async function countingProxy(target: string, mode: Mode) {
  const upstream = new URL(target);
  const sockets = new Set<Socket>();
  let closedBytes = 0;
  const server = http.createServer((req, res) => {
    const headers = { ...req.headers };
    if (mode === 'baseline') {
      delete headers['accept-encoding'];
      delete headers['if-none-match'];
      delete headers['if-modified-since'];
    }
    const out = http.request({ host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers }, (up) => {
      const resHeaders = { ...up.headers };
      if (mode === 'baseline') for (const h of Object.keys(resHeaders)) if (STRIPPED_RESPONSE.has(h)) delete resHeaders[h];
      res.writeHead(up.statusCode ?? 502, resHeaders);
      if (process.env.DEBUG_BYTES) {
        let n = 0;
        up.on('data', (b: Buffer) => (n += b.length));
        up.on('end', () => console.error(`${mode} ${up.statusCode} ${req.url} ${n}`));
      }
      up.pipe(res);
    });
    out.on('error', () => res.destroy());
    req.pipe(out);
  });
  server.keepAliveTimeout = 60_000;
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => {
      closedBytes += s.bytesWritten;
      sockets.delete(s);
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    bytes: () => closedBytes + [...sockets].reduce((n, s) => n + s.bytesWritten, 0),
    close: () => new Promise<void>((ok) => {
      for (const s of sockets) s.destroy();
      server.close(() => ok());
    }),
  };
}

interface Round { coldBytes: number; keystrokeMs: number; afterTypingBytes: number; warmBytes: number; warmKeystrokeMs: number }

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until the proxy has sent nothing for `ms`, so one phase's downloads never count in the next. */
async function quiet(proxy: { bytes(): number }, ms = 1500) {
  let last = proxy.bytes();
  let since = Date.now();
  while (Date.now() - since < ms) {
    await settle(100);
    const now = proxy.bytes();
    if (now !== last) {
      last = now;
      since = Date.now();
    }
  }
}

async function round(e2e: Awaited<ReturnType<typeof startE2E>>, proxy: Awaited<ReturnType<typeof countingProxy>>): Promise<Round> {
  const context = await e2e.browser.newContext({ baseURL: proxy.url, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const path = `/labs/${LAB}/`;

  // Cold: empty cache, nothing touched.
  let start = proxy.bytes();
  await page.goto(path, { waitUntil: 'networkidle' });
  await quiet(proxy);
  const coldBytes = proxy.bytes() - start;

  // First use of the editor: what clicking in and typing adds (the TypeScript worker).
  start = proxy.bytes();
  await page.waitForSelector('[data-testid="monaco-editor"][data-ready="true"]');
  await typeInMonaco(page);
  await quiet(proxy);
  const afterTypingBytes = proxy.bytes() - start;

  // Warm: the same browser comes back.
  start = proxy.bytes();
  const t0 = Date.now();
  await page.goto(path, { waitUntil: 'networkidle' });
  await page.waitForSelector('[data-testid="monaco-editor"][data-ready="true"]');
  await typeInMonaco(page);
  const warmKeystrokeMs = Date.now() - t0;
  await quiet(proxy);
  const warmBytes = proxy.bytes() - start;
  await context.close();

  // Time to first keystroke on a cold visit, in its own fresh context.
  const cold = await e2e.browser.newContext({ baseURL: proxy.url, viewport: { width: 1280, height: 900 } });
  const coldPage = await cold.newPage();
  const t1 = Date.now();
  await coldPage.goto(path, { waitUntil: 'domcontentloaded' });
  await coldPage.waitForSelector('[data-testid="monaco-editor"][data-ready="true"]', { timeout: 60_000 });
  await typeInMonaco(coldPage);
  const keystrokeMs = Date.now() - t1;
  await cold.close();
  return { coldBytes, keystrokeMs, afterTypingBytes, warmBytes, warmKeystrokeMs };
}

async function typeInMonaco(page: import('playwright-core').Page) {
  const mark = `zq${Math.random().toString(36).slice(2, 7)}`;
  await page.click('[data-testid="monaco-editor"] .view-lines');
  await page.keyboard.press('Control+End');
  await page.keyboard.type(`//${mark}`);
  await page.waitForFunction((m) => document.querySelector('[data-testid="monaco-editor"] .view-lines')?.textContent?.includes(m), mark);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mib = (n: number) => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(2)} MiB` : `${(n / 1024).toFixed(1)} KiB`);

async function main() {
  const missing = e2eUnavailable();
  if (missing) {
    console.error(missing);
    process.exit(1);
  }
  const e2e = await startE2E({ env: { KAFKA_POOL_SIZE: '0' } });
  try {
    const rows: Record<Mode, Round[]> = { baseline: [], current: [] };
    for (const mode of ['baseline', 'current'] as const) {
      const proxy = await countingProxy(e2e.baseUrl, mode);
      try {
        for (let i = 0; i < REPEAT; i++) rows[mode].push(await round(e2e, proxy));
      } finally {
        await proxy.close();
      }
    }
    console.log(`Lab page /labs/${LAB}/ at 1280x900, loopback, median of ${REPEAT} (bytes sent to the browser, headers and workers included)`);
    console.log('');
    const line = (label: string, pick: (r: Round) => number, show: (n: number) => string) =>
      console.log(`${label.padEnd(44)}${show(median(rows.baseline.map(pick))).padStart(12)}${show(median(rows.current.map(pick))).padStart(12)}`);
    console.log(`${''.padEnd(44)}${'baseline'.padStart(12)}${'current'.padStart(12)}`);
    line('cold visit, before the editor is used', (r) => r.coldBytes, mib);
    line('first use of the editor (TypeScript worker)', (r) => r.afterTypingBytes, mib);
    line('warm visit (same browser, typed into)', (r) => r.warmBytes, mib);
    line('cold: navigation to first Monaco keystroke', (r) => r.keystrokeMs, (n) => `${n} ms`);
    line('warm: navigation to first Monaco keystroke', (r) => r.warmKeystrokeMs, (n) => `${n} ms`);
    console.log('');
    console.log('baseline = the same build with compression and caching headers stripped by the proxy; Monaco is lazy in both.');
  } finally {
    await e2e.stop();
  }
}

await main();
