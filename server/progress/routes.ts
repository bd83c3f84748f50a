// /api/progress: lessons marked read, time-spent heartbeats, the dashboard, and the one-time import
// of a guest's browser-kept progress into the account they just signed in to. All routes need a
// signed-in user; guests keep the same data in localStorage (src/lib/guest-store.ts).
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { join } from 'node:path';
import { apiError, validationHook } from '../http/errors.ts';
import type { AppDeps, AppEnv, SessionUser } from '../http/types.ts';
import { PATTERNS, type Pattern } from '../../curriculum/taxonomy.ts';
import { languageSchema, runStateSchema } from '../../labs/_kit/results.ts';
import { bankLoader } from '../quizzes/bank.ts';
import { claimAttempt, sweepExpired } from '../quizzes/store.ts';
import { lessonCatalog, type Item } from './catalog.ts';
import { buildDashboard } from './dashboard.ts';

/** Options for tests: fixture content directories. */
export interface ProgressRouteOptions {
  questionsDir?: string;
  lessonsDir?: string;
}

/** Longest time one heartbeat may report. */
export const MAX_BEAT_SECONDS = 60;
/** Time is summed per bucket of this size (a multiple of every real time-zone offset). */
export const BUCKET_MS = 15 * 60_000;
/** Earliest plausible timestamp in imported guest data (before Lag Zero existed). */
const EARLIEST = Date.UTC(2024, 0, 1);
/** Imported timestamps may be this far ahead of the server clock (browser clock skew). */
const SKEW_MS = 5 * 60_000;

const fail = (c: Context, status: Parameters<typeof apiError>[1], code: string, message: string) => apiError(c, status, code, message) as never;
const ErrorSchema = z.object({ error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }) });
const errors = (...codes: number[]) => Object.fromEntries(codes.map((s) => [s, { description: 'Error with a message saying what to do', content: { 'application/json': { schema: ErrorSchema } } }]));
const json = <T extends z.ZodTypeAny>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });

const slug = z.string().min(1).max(100).regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'slugs are kebab-case');
const SlugParams = z.object({ slug });

const BeatSchema = z
  .object({
    seconds: z.number().int().min(1).max(MAX_BEAT_SECONDS),
    lesson: slug.optional(),
    lab: slug.optional(),
  })
  .strict()
  .refine((b) => !(b.lesson && b.lab), { message: 'a heartbeat is for one lesson or one lab, not both', path: ['lab'] })
  .openapi('TimeBeat');

const ImportSchema = z
  .object({
    /** Random id the browser generated for its guest data; re-importing the same id replaces, never adds. */
    guestId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'guestId is 8-64 letters, digits, _ or -'),
    lessons: z.array(z.object({ slug, readAt: z.number().int() }).strict()).max(500).default([]),
    quizAttempts: z.array(z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{8,40}$/), token: z.string().min(8).max(100) }).strict()).max(200).default([]),
    time: z
      .array(
        z
          .object({
            bucketAt: z.number().int().refine((n) => n % BUCKET_MS === 0, 'bucketAt is the start of a 15-minute bucket (a multiple of 900000 ms)'),
            seconds: z.number().int().min(1).max(BUCKET_MS / 1000),
            lesson: slug.optional(),
            lab: slug.optional(),
          })
          .strict(),
      )
      .max(5000)
      .default([]),
  })
  .strict()
  .openapi('GuestImport');

const LevelCountsSchema = z.object({
  lessons: z.object({ read: z.number(), total: z.number() }),
  labs: z.object({ passed: z.number(), attempted: z.number(), total: z.number() }),
  quiz: z.object({ best: z.number().nullable(), latest: z.number().nullable(), attempts: z.number() }),
  timeSeconds: z.number(),
});
const DashboardSchema = z
  .object({
    generatedAt: z.number(),
    timeZone: z.string(),
    readinessFormula: z.string(),
    totals: z.object({
      lessonsRead: z.number(),
      lessonsTotal: z.number(),
      labsPassed: z.number(),
      labsAttempted: z.number(),
      labsTotal: z.number(),
      quizzesTaken: z.number(),
      timeSeconds: z.number(),
      otherTimeSeconds: z.number(),
    }),
    patterns: z.array(
      LevelCountsSchema.extend({
        pattern: z.string(),
        title: z.string(),
        readiness: z.object({ score: z.number().nullable(), parts: z.object({ lessons: z.number().nullable(), labs: z.number().nullable(), quiz: z.number().nullable() }) }),
        levels: z.array(LevelCountsSchema.extend({ level: z.string() })),
      }),
    ),
    labs: z
      .array(
        z.object({
          slug: z.string(),
          title: z.string(),
          pattern: z.string(),
          level: z.string(),
          languages: z.array(languageSchema).describe('The languages the lab can be solved in'),
          solvedIn: z.array(languageSchema).describe('The languages in which one of your runs passed every check; the lab counts as solved when this is not empty'),
          attemptedIn: z.array(languageSchema).describe('The languages in which you have a finished run'),
        }),
      )
      .describe('Every lab, with the languages you solved it in'),
    streak: z.object({
      current: z.number(),
      longest: z.number(),
      today: z.string(),
      activeToday: z.boolean(),
      days: z.array(z.object({ date: z.string(), active: z.boolean(), seconds: z.number() })),
    }),
    history: z.object({
      quizzes: z.array(
        z.object({ id: z.string(), mode: z.string(), spec: z.record(z.unknown()), startedAt: z.number(), submittedAt: z.number().nullable(), autoSubmitted: z.boolean(), questionCount: z.number(), score: z.number().nullable() }),
      ),
      labRuns: z.array(
        z.object({ id: z.string(), labSlug: z.string(), labTitle: z.string(), language: languageSchema, state: runStateSchema, outcome: z.enum(['pass', 'fail', 'error']).nullable(), createdAt: z.number(), durationMs: z.number().nullable() }),
      ),
    }),
  })
  .openapi('Dashboard');

const listLessonsRoute = createRoute({
  method: 'get',
  path: '/lessons',
  summary: 'Lessons you marked read',
  responses: { 200: json(z.object({ read: z.array(z.object({ slug: z.string(), readAt: z.number() })) }).openapi('LessonReads'), 'Read lessons'), ...errors(401) },
});
const markReadRoute = createRoute({
  method: 'post',
  path: '/lessons/{slug}/read',
  summary: 'Mark a lesson read (idempotent; the first read time is kept)',
  request: { params: SlugParams },
  responses: { 200: json(z.object({ slug: z.string(), readAt: z.number() }).openapi('LessonRead'), 'Marked read'), ...errors(400, 401, 404) },
});
const unmarkReadRoute = createRoute({
  method: 'delete',
  path: '/lessons/{slug}/read',
  summary: 'Mark a lesson unread again',
  request: { params: SlugParams },
  responses: { 200: json(z.object({ slug: z.string(), read: z.literal(false) }), 'Marked unread'), ...errors(400, 401) },
});
const beatRoute = createRoute({
  method: 'post',
  path: '/time',
  summary: `Time-spent heartbeat (at most ${MAX_BEAT_SECONDS} s, and never more than the time since your previous beat)`,
  request: { body: { content: { 'application/json': { schema: BeatSchema } }, required: true } },
  responses: { 200: json(z.object({ counted: z.number() }).openapi('TimeCounted'), 'Seconds counted'), ...errors(400, 401, 404) },
});
const dashboardRoute = createRoute({
  method: 'get',
  path: '/dashboard',
  summary: 'Your progress per pattern and level, readiness, streak and recent attempts',
  responses: { 200: json(DashboardSchema, 'Dashboard'), ...errors(401, 503) },
});
const importRoute = createRoute({
  method: 'post',
  path: '/import',
  summary: "Merge a guest's browser-kept progress into your account (idempotent)",
  request: { body: { content: { 'application/json': { schema: ImportSchema } }, required: true } },
  responses: {
    200: json(
      z
        .object({
          lessons: z.object({ imported: z.number(), unknown: z.array(z.string()) }),
          quizAttempts: z.object({ claimed: z.number(), already: z.number(), notFound: z.number() }),
          time: z.object({ seconds: z.number(), unknown: z.array(z.string()) }),
        })
        .openapi('GuestImportResult'),
      'What was merged; unknown lessons/labs (renamed or removed) are skipped and listed',
    ),
    ...errors(400, 401, 503),
  },
});

/** The progress sub-app, mounted at /api/progress. */
export function progressRoutes(deps: AppDeps, opts: ProgressRouteOptions = {}) {
  const root = deps.config.root;
  const lessons = lessonCatalog(opts.lessonsDir ?? join(root, 'content', 'lessons'));
  const labs = (): Item[] => deps.labs.list().map((l) => ({ slug: l.slug, title: l.frontmatter.title, pattern: l.frontmatter.pattern, level: l.frontmatter.level, languages: l.languages }));
  const loadBank = bankLoader(opts.questionsDir ?? join(root, 'content', 'questions'));
  const db = deps.db;
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

  app.use('*', async (c, next) => {
    if (!c.get('user')) return apiError(c, 401, 'sign_in_required', 'Progress is saved to an account. Sign in, or keep going as a guest: your browser keeps your progress and it moves to your account when you sign up.');
    await next();
  });
  const userOf = (c: Context<AppEnv>) => c.get('user') as SessionUser;

  /** pattern/level of a lesson or lab slug ('' when the beat is for neither). */
  function attribution(b: { lesson?: string; lab?: string }): { item: Item | null; unknown: string | null } {
    if (b.lesson) {
      const item = lessons().find((l) => l.slug === b.lesson) ?? null;
      return { item, unknown: item ? null : `lesson ${b.lesson}` };
    }
    if (b.lab) {
      const item = labs().find((l) => l.slug === b.lab) ?? null;
      return { item, unknown: item ? null : `lab ${b.lab}` };
    }
    return { item: null, unknown: null };
  }

  return app
    .openapi(listLessonsRoute, (c) => {
      const rows = db.prepare('SELECT lesson_slug AS slug, read_at AS readAt FROM lesson_reads WHERE user_id = ? ORDER BY read_at').all(userOf(c).id) as { slug: string; readAt: number }[];
      return c.json({ read: rows }, 200);
    })
    .openapi(markReadRoute, (c) => {
      const { slug: s } = c.req.valid('param');
      if (!lessons().some((l) => l.slug === s)) return fail(c, 404, 'unknown_lesson', `There is no lesson "${s}". Mark one of the lessons listed at /lessons/ as read.`);
      const userId = userOf(c).id;
      db.prepare('INSERT INTO lesson_reads (user_id, lesson_slug, read_at) VALUES (?, ?, ?) ON CONFLICT (user_id, lesson_slug) DO NOTHING').run(userId, s, deps.now());
      const readAt = db.prepare('SELECT read_at FROM lesson_reads WHERE user_id = ? AND lesson_slug = ?').pluck().get(userId, s) as number;
      return c.json({ slug: s, readAt }, 200);
    })
    .openapi(unmarkReadRoute, (c) => {
      const { slug: s } = c.req.valid('param');
      db.prepare('DELETE FROM lesson_reads WHERE user_id = ? AND lesson_slug = ?').run(userOf(c).id, s);
      return c.json({ slug: s, read: false as const }, 200);
    })
    .openapi(beatRoute, (c) => {
      const beat = c.req.valid('json');
      const { item, unknown } = attribution(beat);
      if (unknown) return fail(c, 404, 'unknown_item', `There is no ${unknown}. Send heartbeats only from a lesson or lab page that exists.`);
      const userId = userOf(c).id;
      const now = deps.now();
      // A client cannot claim more time than has passed since its previous beat.
      const last = db.prepare("SELECT MAX(last_beat_at) FROM time_spent WHERE user_id = ? AND source = 'account'").pluck().get(userId) as number | null;
      const counted = last === null ? beat.seconds : Math.max(0, Math.min(beat.seconds, Math.floor((now - last) / 1000)));
      if (counted > 0) {
        db.prepare(
          `INSERT INTO time_spent (user_id, bucket_at, source, pattern, level, seconds, last_beat_at) VALUES (?, ?, 'account', ?, ?, ?, ?)
           ON CONFLICT (user_id, bucket_at, source, pattern, level) DO UPDATE SET seconds = seconds + excluded.seconds, last_beat_at = excluded.last_beat_at`,
        ).run(userId, Math.floor(now / BUCKET_MS) * BUCKET_MS, item?.pattern ?? '', item?.level ?? '', counted, now);
      }
      return c.json({ counted }, 200);
    })
    .openapi(dashboardRoute, (c) => {
      let bank;
      try {
        bank = loadBank();
      } catch (err) {
        return fail(c, 503, 'question_bank_invalid', `The question bank could not be loaded (${(err as Error).message}). Fix that file and restart the server.`);
      }
      const user = userOf(c);
      const now = deps.now();
      sweepExpired(db, bank, now, user.id);
      const questionCounts = Object.fromEntries(PATTERNS.map((p) => [p, bank.questions.filter((q) => q.pattern === p).length])) as Record<Pattern, number>;
      return c.json(buildDashboard(db, { userId: user.id, timeZone: user.timezone, now, lessons: lessons(), labs: labs(), questionCounts }), 200);
    })
    .openapi(importRoute, (c) => {
      const body = c.req.valid('json');
      const user = userOf(c);
      const now = deps.now();
      const tooLate = (ms: number) => ms < EARLIEST || ms > now + SKEW_MS;
      const badLesson = body.lessons.findIndex((l) => tooLate(l.readAt));
      if (badLesson >= 0) return fail(c, 400, 'invalid_request', `Invalid request: lessons.${badLesson}.readAt: the time is outside 2024 to now; send the time the lesson was read, in ms since the epoch.`);
      const badTime = body.time.findIndex((t) => tooLate(t.bucketAt));
      if (badTime >= 0) return fail(c, 400, 'invalid_request', `Invalid request: time.${badTime}.bucketAt: the time is outside 2024 to now; send the bucket start in ms since the epoch.`);
      let bank;
      try {
        bank = loadBank();
      } catch (err) {
        return fail(c, 503, 'question_bank_invalid', `The question bank could not be loaded (${(err as Error).message}). Try the import again later.`);
      }

      const known = new Set(lessons().map((l) => l.slug));
      const unknownLessons = [...new Set(body.lessons.filter((l) => !known.has(l.slug)).map((l) => l.slug))];
      // Sum time per bucket and attribution first, capping each at the bucket's length.
      const buckets = new Map<string, { bucketAt: number; pattern: string; level: string; seconds: number }>();
      const unknownTime = new Set<string>();
      for (const t of body.time) {
        const { item, unknown } = attribution(t);
        if (unknown) unknownTime.add(unknown);
        const pattern = item?.pattern ?? '';
        const level = item?.level ?? '';
        const k = `${t.bucketAt}|${pattern}|${level}`;
        const b = buckets.get(k) ?? { bucketAt: t.bucketAt, pattern, level, seconds: 0 };
        b.seconds = Math.min(BUCKET_MS / 1000, b.seconds + t.seconds);
        buckets.set(k, b);
      }
      const source = `guest:${body.guestId}`;
      db.transaction(() => {
        const read = db.prepare(
          'INSERT INTO lesson_reads (user_id, lesson_slug, read_at) VALUES (?, ?, ?) ON CONFLICT (user_id, lesson_slug) DO UPDATE SET read_at = MIN(read_at, excluded.read_at)',
        );
        for (const l of body.lessons) if (known.has(l.slug)) read.run(user.id, l.slug, l.readAt);
        // Re-importing the same guest data replaces its buckets, so the totals never double.
        const put = db.prepare(
          `INSERT INTO time_spent (user_id, bucket_at, source, pattern, level, seconds, last_beat_at) VALUES (?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (user_id, bucket_at, source, pattern, level) DO UPDATE SET seconds = excluded.seconds`,
        );
        for (const b of buckets.values()) put.run(user.id, b.bucketAt, source, b.pattern, b.level, b.seconds, now);
      }).immediate();
      const quiz = { claimed: 0, already: 0, notFound: 0 };
      for (const a of body.quizAttempts) {
        const outcome = claimAttempt(db, bank, user.id, a.id, a.token, now);
        if (outcome === 'claimed') quiz.claimed++;
        else if (outcome === 'already') quiz.already++;
        else quiz.notFound++;
      }
      return c.json(
        {
          lessons: { imported: body.lessons.length - body.lessons.filter((l) => !known.has(l.slug)).length, unknown: unknownLessons },
          quizAttempts: quiz,
          time: { seconds: [...buckets.values()].reduce((s, b) => s + b.seconds, 0), unknown: [...unknownTime] },
        },
        200,
      );
    });
}
