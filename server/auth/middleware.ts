// The per-request auth middleware for /api: reads the session cookie, validates it, and sets
// c.var.user ({id,email,timezone} or null), c.var.clientKey (`user:<id>` or `ip:<addr>`) and, for the
// auth routes, c.var.clientIp and c.var.sessionId. An invalid or expired cookie is cleared.
import type { Context, MiddlewareHandler } from 'hono';
import type { AppDeps, AppEnv } from '../http/types.ts';
import { clearSessionCookie, readSessionCookie, validateSessionToken, writeSessionCookie, cookieMaxAge } from './session.ts';

declare module 'hono' {
  interface ContextVariableMap {
    /** Caller's address used for throttling (socket address unless TRUST_PROXY=1). */
    clientIp: string;
    /** Id of the session the request was authenticated with, or null. */
    sessionId: string | null;
  }
}

/** Builds the middleware; `ipOf` is server/app.ts `clientIp` bound to the proxy setting. */
export function sessionMiddleware(deps: AppDeps, ipOf: (c: Context) => string): MiddlewareHandler<AppEnv> {
  const secure = deps.config.production;
  return async (c, next) => {
    const ip = ipOf(c);
    const token = readSessionCookie(c, secure);
    const session = token ? validateSessionToken(deps.db, token, deps.now()) : null;
    if (token && !session) clearSessionCookie(c, secure);
    if (token && session?.refreshed) writeSessionCookie(c, token, cookieMaxAge(session.createdAt, session.lastVerifiedAt), secure);
    c.set('user', session?.user ?? null);
    c.set('clientKey', session ? `user:${session.userId}` : `ip:${ip}`);
    c.set('clientIp', ip);
    c.set('sessionId', session?.id ?? null);
    await next();
  };
}
