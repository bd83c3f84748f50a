// CSRF defence: every /api request that is not GET or HEAD must carry an Origin header naming this
// site (the origin the request was addressed to) or one of the configured extra origins. Applies to
// JSON endpoints too, because SameSite=Lax alone does not cover sibling-subdomain attacks or old
// browsers (lucia-auth.com/sessions/basic, "CSRF protection").
import type { MiddlewareHandler } from 'hono';
import { apiError } from '../http/errors.ts';

/** Extra allowed origins from LAGZERO_ALLOWED_ORIGINS (comma-separated, e.g. `https://lagzero.example`). */
export function allowedOriginsFromEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  return (env.LAGZERO_ALLOWED_ORIGINS ?? '')
    .split(',')
    .map((s) => s.trim().replace(/\/$/, ''))
    .filter(Boolean);
}

/** True when `origin` names the same host the request was sent to, or is explicitly allowed. */
export function isAllowedOrigin(origin: string, requestUrl: string, hostHeader: string | undefined, extra: string[]): boolean {
  if (extra.includes(origin)) return true;
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false; // includes the opaque origin "null" sent by sandboxed frames and some redirects
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return false;
  if (parsed.origin !== origin) return false; // reject paths, credentials or other decoration
  // Behind a TLS-terminating proxy the server sees http:// while the browser sends https://, so the
  // host (name and port) is what must match.
  const own = new URL(requestUrl).host;
  const sameHost = parsed.host === own || (hostHeader !== undefined && parsed.host === hostHeader.toLowerCase());
  if (!sameHost) return false;
  // DNS rebinding: a hostile page at evil.example can point its name at this server, and then its
  // Origin equals the Host it sends. A name can be rebound; an IP literal or localhost cannot. So
  // "same host" is enough only for those, or for a name an operator configured.
  return isRebindSafeHost(parsed.hostname) || extra.some((e) => new URL(e).hostname === parsed.hostname);
}

/** localhost, *.localhost and IP literals: names no outside DNS can point at this server. */
export function isRebindSafeHost(hostname: string): boolean {
  const h = hostname.toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (/^\[[0-9a-f:.]+\]$/.test(h)) return true;
  return /^(\d{1,3}\.){3}\d{1,3}$/.test(h);
}

/** Rejects unsafe-method requests whose Origin is missing or foreign with a 403. */
export function originCheck(extraOrigins: string[] = []): MiddlewareHandler {
  return async (c, next) => {
    const method = c.req.method;
    if (method === 'GET' || method === 'HEAD') return next();
    const origin = c.req.header('origin');
    if (!origin) {
      return apiError(
        c,
        403,
        'origin_missing',
        'This request has no Origin header, so the server cannot tell that it came from this site. Send it from the Lag Zero pages in a current browser (or add an Origin header with the site address).',
      );
    }
    if (!isAllowedOrigin(origin, c.req.url, c.req.header('host'), extraOrigins)) {
      return apiError(
        c,
        403,
        'origin_forbidden',
        `Requests from ${origin.slice(0, 100)} are not accepted. Use Lag Zero from its own address; an operator who serves it under a domain name must list that origin in LAGZERO_ALLOWED_ORIGINS (names are not trusted by default, so a rebound DNS name cannot reach this server).`,
      );
    }
    return next();
  };
}
