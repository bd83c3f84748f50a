// Builds the API: one Hono app with a sub-app per resource under /api, shared security middleware,
// uniform JSON errors and an OpenAPI document generated from the route schemas.
import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { join } from 'node:path';
import { getConnInfo } from '@hono/node-server/conninfo';
import { apiError, validationHook } from './http/errors.ts';
import type { AppDeps, AppEnv } from './http/types.ts';
import { healthRoutes } from './health/routes.ts';
import { securityHeaders } from './auth/headers.ts';
import { sessionMiddleware } from './auth/middleware.ts';
import { allowedOriginsFromEnv, originCheck } from './auth/origin.ts';
import { authRoutes } from './auth/routes.ts';
import { labPageRoutes } from './labs/page-routes.ts';
import { quizRoutes } from './quizzes/routes.ts';
import { progressRoutes } from './progress/routes.ts';
import { labsRoutes } from './labs/lab-routes.ts';
import { runsRoutes } from './labs/run-routes.ts';
import { serving } from './http/serving.ts';

/** Largest request body the API accepts (lab code has its own, smaller limit). */
export const MAX_BODY_BYTES = 256 * 1024;

/** Socket address of the caller; X-Forwarded-For only when a trusted proxy is configured. */
export function clientIp(c: Parameters<typeof getConnInfo>[0], trustProxy: boolean): string {
  if (trustProxy) {
    const fwd = c.req.header('x-forwarded-for')?.split(',')[0]?.trim();
    if (fwd) return fwd;
  }
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Creates the /api application. */
export function createApp(deps: AppDeps) {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

  // Compression, caching headers and ETags wrap everything, including the site files main.ts serves.
  for (const mw of serving()) app.use('*', mw);
  app.use('*', securityHeaders({ distDir: join(deps.config.root, 'dist'), production: deps.config.production }));
  app.use('/api/*', bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: (c) => apiError(c, 413, 'body_too_large', `Request body is larger than ${MAX_BODY_BYTES / 1024} KiB. Send less data.`),
  }));
  app.use('/api/*', originCheck(allowedOriginsFromEnv()));
  app.use('/api/*', sessionMiddleware(deps, (c) => clientIp(c, deps.config.trustProxy)));

  app.route('/api/health', healthRoutes(deps));
  app.route('/api/auth', authRoutes(deps));
  app.route('/api/labs', labsRoutes(deps));
  app.route('/api/labs', labPageRoutes(deps));
  app.route('/api/runs', runsRoutes(deps));
  app.route('/api/quizzes', quizRoutes(deps));
  app.route('/api/progress', progressRoutes(deps));

  app.doc('/api/openapi.json', { openapi: '3.0.0', info: { title: 'Lag Zero API', version: '0.1.0' } });
  app.notFound((c) => (c.req.path.startsWith('/api/') ? apiError(c, 404, 'not_found', `No API route ${c.req.method} ${c.req.path}.`) : c.text('Not found', 404)));
  app.onError((err, c) => {
    if (err instanceof HTTPException && err.status < 500) return apiError(c, err.status as 400, 'bad_request', `${err.message || 'The request could not be read'}. Fix the request and send it again.`);
    console.error(err);
    return apiError(c, 500, 'internal', 'Something went wrong on the server. Try again; if it keeps happening, check the server log.');
  });
  return app;
}
