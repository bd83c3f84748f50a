// The serving middleware through app.request(): what a browser gets on a first and a second visit.
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { IMMUTABLE, serving } from './serving.ts';

const big = 'const x = 1;\n'.repeat(500);
function app() {
  const a = new Hono();
  for (const mw of serving()) a.use('*', mw);
  a.get('/_astro/page.Ab12Cd.js', (c) => c.body(big, 200, { 'content-type': 'text/javascript' }));
  a.get('/lessons/intro/', (c) => c.html(`<h1>Intro</h1>${'<p>text</p>'.repeat(300)}`));
  a.get('/api/events', (c) => c.body('event: ping\ndata: {}\n\n', 200, { 'content-type': 'text/event-stream' }));
  return a;
}

describe('serving', () => {
  it('gzips text when the browser accepts it, and says it varies by Accept-Encoding', async () => {
    const res = await app().request('/_astro/page.Ab12Cd.js', { headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(res.headers.get('content-encoding')).toBe('gzip');
    expect(res.headers.get('vary')).toMatch(/accept-encoding/i);
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect(bytes.length).toBeLessThan(big.length / 10);
  });

  it('sends hashed assets uncompressed to a client that does not ask for gzip', async () => {
    const res = await app().request('/_astro/page.Ab12Cd.js');
    expect(res.headers.get('content-encoding')).toBeNull();
    expect(await res.text()).toBe(big);
  });

  it('marks hashed /_astro/ assets immutable for a year, without an ETag', async () => {
    const res = await app().request('/_astro/page.Ab12Cd.js', { headers: { 'accept-encoding': 'gzip' } });
    expect(res.headers.get('cache-control')).toBe(IMMUTABLE);
    expect(res.headers.get('etag')).toBeNull();
  });

  it('revalidates HTML: an ETag first, then 304 with no body when it has not changed', async () => {
    const a = app();
    const first = await a.request('/lessons/intro/', { headers: { 'accept-encoding': 'gzip' } });
    const tag = first.headers.get('etag');
    expect(tag).toMatch(/^W\/"/);
    expect(first.headers.get('cache-control')).toBe('no-cache');
    const second = await a.request('/lessons/intro/', { headers: { 'accept-encoding': 'gzip', 'if-none-match': tag! } });
    expect(second.status).toBe(304);
    expect(await second.text()).toBe('');
    expect(second.headers.get('etag')).toBe(tag);
    const changed = await a.request('/lessons/intro/', { headers: { 'if-none-match': 'W/"something-else"' } });
    expect(changed.status).toBe(200);
  });

  it('leaves event streams alone: no compression, no ETag, no caching header', async () => {
    const res = await app().request('/api/events', { headers: { 'accept-encoding': 'gzip' } });
    expect(res.headers.get('content-encoding')).toBeNull();
    expect(res.headers.get('etag')).toBeNull();
    expect(res.headers.get('cache-control')).toBeNull();
  });
});
