// The labs API: the list of labs, one lab's instructions and starter code (never its solution or
// grader), and submitting a program for grading (POST /api/labs/:slug/runs). Labs come from the
// registry (labs/_kit/registry.ts) the app is given.
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import { LAB_SLUG_RE, type Lab } from '../../labs/_kit/registry.ts';
import { languageSchema } from '../../labs/_kit/results.ts';
import { DiagnosticSchema } from './schemas.ts';
import { MAX_CODE_BYTES } from '../grading/compile.ts';
import { ApiErrorSchema, apiError, validationHook } from '../http/errors.ts';
import type { AppDeps, AppEnv } from '../http/types.ts';
import { createRateLimiter } from './rate-limit.ts';

/** Run submissions allowed per client per minute. */
export const RUNS_PER_MINUTE = 10;

const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: ApiErrorSchema } } });
const json = <T extends z.ZodTypeAny>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });

const SlugParams = z.object({ slug: z.string().regex(LAB_SLUG_RE, 'a lab slug is lower-case words joined by hyphens').openapi({ param: { name: 'slug', in: 'path' }, example: 'keyed-producer' }) }).strict();
const TaskSchema = z.object({ id: z.string(), title: z.string() });
const LabSummarySchema = z
  .object({
    slug: z.string(),
    title: z.string(),
    summary: z.string(),
    pattern: z.string(),
    level: z.string(),
    order: z.number().int(),
    timeLimitSeconds: z.number().int(),
    tasks: z.array(TaskSchema),
    /** The languages the lab can be solved in. */
    languages: z.array(languageSchema),
  })
  .openapi('LabSummary');
const LabDetailSchema = LabSummarySchema.extend({
  /** The lab.mdx body (MDX source) with the instructions. */
  instructions: z.string(),
  hintCount: z.number().int(),
  /** The TypeScript starter (also in `starters`). */
  starter: z.string(),
  /** The starter program per language the lab supports. */
  starters: z.object({ typescript: z.string().optional(), java: z.string().optional(), python: z.string().optional() }),
}).openapi('LabDetail');
const CompileErrorSchema = z
  .object({ error: z.object({ code: z.literal('compile_error'), message: z.string(), details: z.object({ diagnostics: z.array(DiagnosticSchema) }) }) })
  .openapi('CompileError');
const RunBody = z
  .object({
    code: z.string().min(1, 'send the program as a non-empty string'),
    /** The program's language (default typescript); the lab must have a starter in it. */
    language: languageSchema.default('typescript'),
  })
  .strict()
  .openapi('RunSubmission');

const listLabs = createRoute({
  method: 'get', path: '/', summary: 'Every lab, in teaching order',
  responses: { 200: json(z.object({ labs: z.array(LabSummarySchema) }), 'The labs') },
});
const getLab = createRoute({
  method: 'get', path: '/{slug}', summary: "A lab's instructions, tasks and starter code",
  request: { params: SlugParams },
  responses: { 200: json(LabDetailSchema, 'The lab'), 400: errorResponse('Invalid slug'), 404: errorResponse('No such lab') },
});
const postRun = createRoute({
  method: 'post', path: '/{slug}/runs', summary: 'Submits a program; it is queued, run against its own broker and graded',
  request: { params: SlugParams, body: { content: { 'application/json': { schema: RunBody } }, required: true } },
  responses: {
    202: json(z.object({ runId: z.string() }), 'Queued; follow GET /api/runs/{id}/events'),
    400: errorResponse('Invalid body, or the lab has no version in that language'),
    404: errorResponse('No such lab'),
    413: errorResponse('Program too large'),
    422: json(CompileErrorSchema, 'The program does not compile: each diagnostic has its file, line and column'),
    429: errorResponse('Too many runs this minute, or too many of yours waiting; see Retry-After'),
    503: errorResponse('Lab runs are not available on this server (no grading service, or its sandbox setting refuses learner code: runs_refused), the language cannot run here, or the queue is full; see Retry-After'),
  },
});

function summary(l: Lab) {
  const f = l.frontmatter;
  return { slug: l.slug, title: f.title, summary: f.summary, pattern: f.pattern, level: f.level, order: f.order, timeLimitSeconds: f.timeLimitSeconds, tasks: f.tasks, languages: l.languages };
}

/** The /api/labs sub-app. */
export function labsRoutes(deps: AppDeps) {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  const { labs } = deps;
  const limiter = createRateLimiter(RUNS_PER_MINUTE, 60_000, deps.now);
  const find = (slug: string) => labs.get(slug);
  const notFound = (c: Parameters<typeof apiError>[0], slug: string) => apiError(c, 404, 'lab_not_found', `There is no lab called "${slug}". GET /api/labs lists the labs.`);

  app.openapi(listLabs, (c) => c.json({ labs: labs.list().map(summary) }, 200));

  app.openapi(getLab, (c) => {
    const { slug } = c.req.valid('param');
    const lab = find(slug);
    if (!lab) return notFound(c, slug);
    return c.json({ ...summary(lab), instructions: lab.body, hintCount: lab.frontmatter.hints.length, starter: lab.starters.typescript ?? '', starters: lab.starters }, 200);
  });

  app.openapi(postRun, async (c) => {
    const { slug } = c.req.valid('param');
    const lab = find(slug);
    if (!lab) return notFound(c, slug);
    if (!deps.grading) return apiError(c, 503, 'runs_unavailable', 'Lab runs are not available on this server (no grading service). Ask the operator to check /api/health.');
    const { code, language } = c.req.valid('json');
    const bytes = Buffer.byteLength(code, 'utf8');
    // Refused before it costs a rate-limit token (the service checks again for its other callers).
    if (bytes > MAX_CODE_BYTES) return apiError(c, 413, 'code_too_large', `Your program is ${bytes} bytes; the limit is ${MAX_CODE_BYTES} bytes (64 KiB). Remove unused code and submit again.`);
    const allowed = limiter.take(c.var.clientKey);
    if (!allowed.ok) {
      c.header('Retry-After', String(allowed.retryAfterSeconds));
      return apiError(c, 429, 'too_many_runs', `You can start ${RUNS_PER_MINUTE} runs a minute. Wait ${allowed.retryAfterSeconds} s and submit again.`);
    }
    const res = await deps.grading.submit({ labSlug: slug, code, language, userId: c.var.user?.id ?? null, clientKey: c.var.clientKey });
    if (res.ok) return c.json({ runId: res.runId }, 202);
    if (res.code === 'unknown_lab') return notFound(c, slug);
    if (res.code === 'language_unsupported') return apiError(c, 400, 'language_unsupported', res.message);
    if (res.code === 'language_unavailable') return apiError(c, 503, 'language_unavailable', res.message);
    if (res.code === 'runs_refused') return apiError(c, 503, 'runs_refused', res.message);
    if (res.code === 'client_busy' || res.code === 'queue_full') {
      c.header('Retry-After', String(res.retryAfterSeconds));
      return res.code === 'client_busy' ? apiError(c, 429, 'runs_waiting', res.message) : apiError(c, 503, 'queue_full', res.message);
    }
    if (res.code !== 'compile_error') return apiError(c, 413, 'code_too_large', res.message);
    return c.json({ error: { code: 'compile_error' as const, message: res.message, details: { diagnostics: res.diagnostics } } }, 422);
  });

  return app;
}
