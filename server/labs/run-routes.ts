// The runs API: a run's state and results (GET /api/runs/:id) and its live event stream
// (GET /api/runs/:id/events, Server-Sent Events). Only the run's owner may read it: the same
// signed-in user, or the same client key for guests.
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { RunView } from '../grading/service.ts';
import { runStateSchema, RUN_EVENT_TYPES } from '../../labs/_kit/results.ts';
import { RunResultsSchema } from './schemas.ts';
import type { RunEvent } from '../../labs/_kit/results.ts';
import { ApiErrorSchema, apiError, validationHook } from '../http/errors.ts';
import type { AppDeps, AppEnv } from '../http/types.ts';

const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: ApiErrorSchema } } });
const IdParams = z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'a run id is 8-64 URL-safe characters').openapi({ param: { name: 'id', in: 'path' } }) }).strict();
const RunSchema = z
  .object({
    id: z.string(),
    lab: z.string(),
    state: runStateSchema,
    position: z.number().int().nullable(),
    outcome: z.enum(['pass', 'fail', 'error']).nullable(),
    createdAt: z.number().int(),
    startedAt: z.number().int().nullable(),
    finishedAt: z.number().int().nullable(),
    durationMs: z.number().int().nullable(),
    /** Exercism v3 results plus kind, evidence, faults, program exits, timeline, notes and timings; null until done. */
    results: RunResultsSchema.nullable(),
  })
  .openapi('Run');

const getRun = createRoute({
  method: 'get', path: '/{id}', summary: "A run's state and, once done, its results",
  request: { params: IdParams },
  responses: { 200: { description: 'The run', content: { 'application/json': { schema: RunSchema } } }, 400: errorResponse('Invalid id'), 404: errorResponse('No such run (or not yours)') },
});
const getEvents = createRoute({
  method: 'get', path: '/{id}/events', summary: 'Server-Sent Events: state, queue position, faults, live output, final results',
  request: { params: IdParams },
  responses: { 200: { description: `An event stream; the SSE event name is the event's type (${RUN_EVENT_TYPES.join(', ')}) and its data is the event as JSON`, content: { 'text/event-stream': { schema: z.string() } } }, 404: errorResponse('No such run (or not yours)') },
});

function owns(c: Context<AppEnv>, run: RunView): boolean {
  const user = c.var.user;
  if (user && run.userId === user.id) return true;
  return run.clientKey === c.var.clientKey;
}

function view(run: RunView) {
  return {
    id: run.id, lab: run.labSlug, state: run.state, position: run.position, outcome: run.outcome,
    createdAt: run.createdAt, startedAt: run.startedAt, finishedAt: run.finishedAt, durationMs: run.durationMs, results: run.results,
  };
}

/** The /api/runs sub-app. */
export function runsRoutes(deps: AppDeps) {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  // Someone else's run answers exactly like a missing one, so ids cannot be probed.
  const missing = (c: Context<AppEnv>, id: string) => apiError(c, 404, 'run_not_found', `There is no run ${id} for you. Runs are visible only to whoever submitted them.`);

  app.openapi(getRun, (c) => {
    const { id } = c.req.valid('param');
    const run = deps.grading?.getRun(id);
    if (!run || !owns(c, run)) return missing(c, id);
    return c.json(view(run), 200);
  });

  app.openapi(getEvents, (c) => {
    const { id } = c.req.valid('param');
    const grading = deps.grading;
    const run = grading?.getRun(id);
    if (!grading || !run || !owns(c, run)) return missing(c, id);
    return streamSSE(c, async (stream) => {
      const pending: RunEvent[] = [];
      let wake: (() => void) | null = null;
      const sub = grading.subscribe(id, (e) => {
        pending.push(e);
        wake?.();
      });
      if (!sub) return;
      pending.unshift(...sub.history);
      let closed = false;
      stream.onAbort(() => {
        closed = true;
        sub.unsubscribe();
        wake?.();
      });
      let seq = 0;
      for (;;) {
        while (pending.length > 0) {
          const e = pending.shift()!;
          await stream.writeSSE({ event: e.type, data: JSON.stringify(e), id: String(seq++) });
          if (e.type === 'done') {
            sub.unsubscribe();
            return;
          }
        }
        if (closed) return;
        // Wait for the next event, with a comment-free keep-alive every 15 s.
        const got = await new Promise<boolean>((resolve) => {
          wake = () => resolve(true);
          setTimeout(() => resolve(false), 15_000).unref();
        });
        wake = null;
        if (!got && !closed) await stream.writeSSE({ event: 'ping', data: JSON.stringify({ type: 'ping', at: Date.now() } satisfies RunEvent) });
      }
    }) as never;
  });

  return app;
}
