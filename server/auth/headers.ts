// Security response headers for the whole site (pages and API): Hono's secureHeaders plus a
// Content-Security-Policy that lets the site work: scripts only from this origin or the exact inline
// scripts Astro emitted (allowed by hash), WebAssembly compilation (the Pagefind search index is a
// wasm module; 'wasm-unsafe-eval' does not allow JS eval), inline styles (Astro and Monaco inject
// them), Monaco's web workers from 'self' or blob:, and fetches only to this origin.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';

const INLINE_SCRIPT = /<script\b(?![^>]*\bsrc\s*=)[^>]*>([\s\S]*?)<\/script>/gi;

/** CSP source expressions ('sha256-…') for every inline script in the built HTML under `distDir`. */
export function inlineScriptHashes(distDir: string): string[] {
  if (!existsSync(distDir)) return [];
  const hashes = new Set<string>();
  for (const rel of readdirSync(distDir, { recursive: true }) as string[]) {
    if (!rel.endsWith('.html')) continue;
    const html = readFileSync(join(distDir, rel), 'utf8');
    for (const m of html.matchAll(INLINE_SCRIPT)) {
      if (m[1].trim() === '') continue;
      hashes.add(`'sha256-${createHash('sha256').update(m[1], 'utf8').digest('base64')}'`);
    }
  }
  return [...hashes].sort();
}

/** secureHeaders with our CSP; HSTS only in production, where the site is served over HTTPS. */
export function securityHeaders(opts: { distDir: string; production: boolean }): MiddlewareHandler {
  return secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'", "'wasm-unsafe-eval'", ...inlineScriptHashes(opts.distDir)],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:'],
      fontSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      workerSrc: ["'self'", 'blob:'],
      objectSrc: ["'none'"],
      baseUri: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'self'"],
    },
    strictTransportSecurity: opts.production ? 'max-age=15552000; includeSubDomains' : false,
  });
}
