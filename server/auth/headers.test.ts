// Unit tests for the security headers: the CSP allows exactly the inline scripts in the build.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { expect, test } from 'vitest';
import { inlineScriptHashes, securityHeaders } from './headers.ts';

const sha = (s: string) => `'sha256-${createHash('sha256').update(s).digest('base64')}'`;

test('inline scripts in every built page are hashed; external scripts are not', () => {
  const dist = mkdtempSync(join(tmpdir(), 'lz-dist-'));
  try {
    mkdirSync(join(dist, 'lessons', 'a'), { recursive: true });
    writeFileSync(join(dist, 'index.html'), '<script>one()</script><script type="module" src="/_astro/x.js"></script><script>\n</script>');
    writeFileSync(join(dist, 'lessons', 'a', 'index.html'), '<script type="module">two()</script><script>one()</script>');
    expect(inlineScriptHashes(dist)).toEqual([sha('one()'), sha('two()')].sort());
    expect(inlineScriptHashes(join(dist, 'missing'))).toEqual([]);
  } finally {
    rmSync(dist, { recursive: true, force: true });
  }
});

test('the CSP lets the site and Monaco work and nothing else; HSTS only in production', async () => {
  const make = (production: boolean) => new Hono().use(securityHeaders({ distDir: '/nonexistent', production })).get('/', (c) => c.text('ok'));
  const dev = await make(false).request('/');
  const csp = dev.headers.get('content-security-policy')!;
  expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval'");
  expect(csp).toContain("worker-src 'self' blob:");
  expect(csp).toContain("connect-src 'self'");
  expect(csp).toContain("style-src 'self' 'unsafe-inline'");
  expect(csp).toContain("object-src 'none'");
  expect(csp).not.toMatch(/'unsafe-eval'|script-src[^;]*unsafe-inline/);
  expect(dev.headers.get('x-content-type-options')).toBe('nosniff');
  expect(dev.headers.get('strict-transport-security')).toBeNull();
  expect((await make(true).request('/')).headers.get('strict-transport-security')).toMatch(/max-age=/);
});
