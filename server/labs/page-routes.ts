// The lab page's own API, beside the runs API under /api/labs: server-side drafts for signed-in
// learners, hints one at a time, giving up, the reference solution (only after a pass or a
// give-up) and the caller's attempt history. Guests are identified by c.var.clientKey.
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { ApiErrorSchema, apiError, validationHook } from '../http/errors.ts';
import type { AppDeps, AppEnv } from '../http/types.ts';
import { LAB_SLUG_RE } from '../../labs/_kit/registry.ts';
import { hintFor } from '../../labs/_kit/schema.ts';
import { languageSchema, runStateSchema } from '../../labs/_kit/results.ts';
import { RunResultsSchema } from './schemas.ts';
import { createRunStore, type Caller } from '../grading/run-store.ts';

/** Largest draft kept on the server, in characters (the runs API has its own code limit). */
export const MAX_DRAFT_CHARS = 64 * 1024;

const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: ApiErrorSchema } } });

const SlugParams = z.object({ slug: z.string().regex(LAB_SLUG_RE, 'a lab slug is lower-case words joined by hyphens').openapi({ param: { name: 'slug', in: 'path' }, example: 'keyed-producer' }) }).strict();

const DraftSchema = z.object({ code: z.string(), updatedAt: z.number().int() }).openapi('LabDraft');
const DraftBody = z
  .object({ code: z.string().max(MAX_DRAFT_CHARS, `a draft can be at most ${MAX_DRAFT_CHARS} characters`), language: languageSchema.default('typescript') })
  .strict()
  .openapi('LabDraftInput');
const DraftQuery = z.object({ language: languageSchema.default('typescript') }).strict();
const HintsQuery = z.object({ count: z.coerce.number().int().min(0).max(50).default(1), language: languageSchema.default('typescript') }).strict();
const HintsSchema = z.object({ hints: z.array(z.string()), total: z.number().int() }).openapi('LabHints');
const GiveUpBody = z.object({ confirm: z.literal(true, { errorMap: () => ({ message: 'send {"confirm": true} to give up and unlock the solution' }) }) }).strict();
const SolutionQuery = z.object({ language: languageSchema.default('typescript') }).strict();
const SolutionSchema = z.object({ code: z.string(), unlockedBy: z.enum(['pass', 'give-up']) }).openapi('LabSolution');
const AttemptSchema = z
  .object({
    runId: z.string(),
    state: runStateSchema,
    outcome: z.enum(['pass', 'fail', 'error']).nullable(),
    passed: z.number().int().nullable(),
    total: z.number().int().nullable(),
    createdAt: z.number().int(),
  })
  .openapi('LabAttempt');

const json = <T extends z.ZodTypeAny>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });

const getDraft = createRoute({
  method: 'get', path: '/{slug}/draft', summary: "The signed-in learner's saved draft for a lab, in one language",
  request: { params: SlugParams, query: DraftQuery },
  responses: { 200: json(z.object({ draft: DraftSchema.nullable() }), 'The draft, or null when none is saved'), 401: errorResponse('Guests keep drafts in the browser'), 404: errorResponse('No such lab') },
});
const putDraft = createRoute({
  method: 'put', path: '/{slug}/draft', summary: "Saves the signed-in learner's draft for a lab",
  request: { params: SlugParams, body: { content: { 'application/json': { schema: DraftBody } }, required: true } },
  responses: { 200: json(z.object({ updatedAt: z.number().int() }), 'Saved'), 400: errorResponse('Invalid body'), 401: errorResponse('Guests keep drafts in the browser'), 404: errorResponse('No such lab') },
});
const getHints = createRoute({
  method: 'get', path: '/{slug}/hints', summary: 'The first `count` hints of a lab, and how many there are',
  request: { params: SlugParams, query: HintsQuery },
  responses: { 200: json(HintsSchema, 'Hints in order, in the given language'), 400: errorResponse('Invalid count, or a language the lab does not have'), 404: errorResponse('No such lab') },
});
const postGiveUp = createRoute({
  method: 'post', path: '/{slug}/give-up', summary: 'Gives up on a lab, unlocking its reference solution for the caller',
  request: { params: SlugParams, body: { content: { 'application/json': { schema: GiveUpBody } }, required: true } },
  responses: { 200: json(z.object({ gaveUpAt: z.number().int() }), 'Recorded'), 400: errorResponse('Missing confirmation'), 404: errorResponse('No such lab') },
});
const getSolution = createRoute({
  method: 'get', path: '/{slug}/solution', summary: 'The reference solution, once the caller has passed or given up',
  request: { params: SlugParams, query: SolutionQuery },
  responses: { 200: json(SolutionSchema, 'The solution'), 400: errorResponse('Invalid language'), 403: errorResponse('Not unlocked yet'), 404: errorResponse('No such lab, or no solution in that language') },
});
const getAttempts = createRoute({
  method: 'get', path: '/{slug}/attempts', summary: "The caller's runs of a lab, newest first",
  request: { params: SlugParams },
  responses: { 200: json(z.object({ attempts: z.array(AttemptSchema) }), 'Attempts'), 404: errorResponse('No such lab') },
});

const AttemptParams = SlugParams.extend({
  runId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a run id is letters, digits, hyphens and underscores').openapi({ param: { name: 'runId', in: 'path' } }),
}).strict();
const AttemptDetailSchema = AttemptSchema.extend({ code: z.string(), results: RunResultsSchema.nullable().openapi({ description: 'The results document of the run, or null while it is unfinished' }) }).openapi('LabAttemptDetail');
const getAttemptRoute = createRoute({
  method: 'get', path: '/{slug}/attempts/{runId}', summary: "One of the caller's runs of a lab, with the code submitted and its results",
  request: { params: AttemptParams },
  responses: { 200: json(AttemptDetailSchema, 'The run'), 400: errorResponse('Invalid run id'), 404: errorResponse('No such lab, or no such run of yours') },
});

function caller(c: Context<AppEnv>): Caller {
  const user = c.var.user;
  return user ? { userId: user.id, clientKey: c.var.clientKey } : { userId: null, clientKey: c.var.clientKey };
}

/** The lab-page sub-app, mounted at /api/labs next to the labs/runs routes. */
export function labPageRoutes(deps: AppDeps) {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  const { db, labs } = deps;
  const runs = deps.grading?.store ?? createRunStore(db);

  const noLab = (c: Context<AppEnv>, slug: string) => apiError(c, 404, 'lab_not_found', `There is no lab called "${slug}". Pick one from /labs/.`);
  const guestDraft = (c: Context<AppEnv>) =>
    apiError(c, 401, 'sign_in_required', 'Drafts are saved on the server only for signed-in learners; as a guest your draft stays in this browser. Sign in to keep it across devices.');

  const gaveUp = (who: Caller, slug: string): boolean =>
    who.userId !== null
      ? db.prepare('SELECT 1 FROM lab_give_ups WHERE user_id = ? AND lab_slug = ?').get(who.userId, slug) !== undefined
      : db.prepare('SELECT 1 FROM lab_give_ups WHERE user_id IS NULL AND client_key = ? AND lab_slug = ?').get(who.clientKey, slug) !== undefined;

  app.openapi(getDraft, (c) => {
    const { slug } = c.req.valid('param');
    if (!labs.get(slug)) return noLab(c, slug);
    const user = c.var.user;
    if (!user) return guestDraft(c);
    const { language } = c.req.valid('query');
    const row = db.prepare('SELECT code, updated_at AS updatedAt FROM lab_drafts WHERE user_id = ? AND lab_slug = ? AND language = ?').get(user.id, slug, language) as
      | { code: string; updatedAt: number }
      | undefined;
    return c.json({ draft: row ?? null }, 200);
  });

  app.openapi(putDraft, (c) => {
    const { slug } = c.req.valid('param');
    if (!labs.get(slug)) return noLab(c, slug);
    const user = c.var.user;
    if (!user) return guestDraft(c);
    const { code, language } = c.req.valid('json');
    const now = deps.now();
    db.prepare(
      'INSERT INTO lab_drafts (user_id, lab_slug, language, code, updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (user_id, lab_slug, language) DO UPDATE SET code = excluded.code, updated_at = excluded.updated_at',
    ).run(user.id, slug, language, code, now);
    return c.json({ updatedAt: now }, 200);
  });

  app.openapi(getHints, (c) => {
    const { slug } = c.req.valid('param');
    const lab = labs.get(slug);
    if (!lab) return noLab(c, slug);
    const { count, language } = c.req.valid('query');
    if (!lab.languages.includes(language)) return apiError(c, 400, 'language_unsupported', `The lab "${slug}" has no ${language} version; it has ${lab.languages.join(', ')}.`);
    // The registry checked that every hint has a text for each of the lab's languages.
    const hints = lab.frontmatter.hints.map((h) => hintFor(h, language) ?? '');
    return c.json({ hints: hints.slice(0, count), total: hints.length }, 200);
  });

  app.openapi(postGiveUp, (c) => {
    const { slug } = c.req.valid('param');
    if (!labs.get(slug)) return noLab(c, slug);
    const who = caller(c);
    const now = deps.now();
    if (!gaveUp(who, slug)) {
      db.prepare('INSERT INTO lab_give_ups (user_id, client_key, lab_slug, created_at) VALUES (?, ?, ?, ?)').run(who.userId, who.clientKey, slug, now);
    }
    return c.json({ gaveUpAt: now }, 200);
  });

  app.openapi(getSolution, (c) => {
    const { slug } = c.req.valid('param');
    if (!labs.get(slug)) return noLab(c, slug);
    const who = caller(c);
    const unlockedBy = runs.hasPassed(who, slug) ? ('pass' as const) : gaveUp(who, slug) ? ('give-up' as const) : null;
    if (!unlockedBy) {
      return apiError(c, 403, 'solution_locked', 'The reference solution unlocks after one of your runs passes every check, or after you give up on this lab (POST /api/labs/:slug/give-up with {"confirm": true}).');
    }
    const { language } = c.req.valid('query');
    const code = labs.get(slug)?.solutions[language];
    if (code === undefined) return apiError(c, 404, 'solution_missing', `The lab "${slug}" has no ${language} reference solution on this server. Pick one of the lab's languages.`);
    return c.json({ code, unlockedBy }, 200);
  });

  app.openapi(getAttempts, (c) => {
    const { slug } = c.req.valid('param');
    if (!labs.get(slug)) return noLab(c, slug);
    return c.json({ attempts: runs.attempts(caller(c), slug) }, 200);
  });

  app.openapi(getAttemptRoute, (c) => {
    const { slug, runId } = c.req.valid('param');
    if (!labs.get(slug)) return noLab(c, slug);
    const attempt = runs.attempt(caller(c), slug, runId);
    if (!attempt) return apiError(c, 404, 'attempt_not_found', `You have no run "${runId}" of this lab. Pick one from your attempts list.`);
    return c.json(attempt, 200);
  });

  return app;
}
