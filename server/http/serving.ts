// How the site's files travel: gzip/deflate for text responses (Hono's compress), a year of
// immutable caching for Astro's content-hashed /_astro/* assets, and ETag revalidation for HTML and
// the other unhashed files (Hono's etag), so a second visit downloads almost nothing.
import type { MiddlewareHandler } from 'hono';
import { compress } from 'hono/compress';
import { etag } from 'hono/etag';

/** Cache-Control for files whose name carries a content hash: they never change under that name. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Cache-Control for pages and unhashed files: keep a copy but ask (with If-None-Match) before reusing it. */
export const REVALIDATE = 'no-cache';

const isApi = (path: string) => path === '/api' || path.startsWith('/api/');
const isHashedAsset = (path: string) => path.startsWith('/_astro/');

/** Caching headers by path; API responses are left to their routes. */
function cacheHeaders(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    const path = c.req.path;
    if (isApi(path) || c.res.headers.has('Cache-Control')) return;
    if (c.res.status === 200 && isHashedAsset(path)) c.res.headers.set('Cache-Control', IMMUTABLE);
    else if (c.res.status === 200 || c.res.status === 304) c.res.headers.set('Cache-Control', REVALIDATE);
  };
}

/** ETags on site files but not on the API (an SSE stream has no end to hash) nor on hashed assets (never revalidated). */
function siteEtag(): MiddlewareHandler {
  const tag = etag({ weak: true });
  return async (c, next) => (isApi(c.req.path) || isHashedAsset(c.req.path) ? next() : tag(c, next));
}

/** The serving middleware, outermost first: compression wraps caching headers, which wrap ETags. */
export function serving(): MiddlewareHandler[] {
  return [compress(), cacheHeaders(), siteEtag()];
}
