// /api/quizzes: build a timed quiz, save answers while the server-side clock runs, submit (or be
// submitted automatically at the deadline), read results, history and the review schedule.
// Guests can take quizzes: every attempt comes with a bearer token (header `x-quiz-token`) that
// opens it; signed-in owners can open their attempts with their session alone.
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { join } from 'node:path';
import { randomInt } from 'node:crypto';
import { apiError, validationHook } from '../http/errors.ts';
import type { AppDeps, AppEnv } from '../http/types.ts';
import { LEVELS, PATTERNS, TOPICS, levelSchema, patternSchema, topicSchema } from '../../curriculum/taxonomy.ts';
import { QUESTION_TYPES, type Question } from '../../curriculum/question.ts';
import { bankLoader, publicQuestion, type Bank } from './bank.ts';
import { createRunStore } from '../grading/run-store.ts';
import { matching, selectMock, selectPractice } from './build.ts';
import { AnswerSchema, answerProblem, type Answer } from './grade.ts';
import {
  buildResults,
  attemptSummary,
  closeIfExpired,
  createAttempt,
  getAnswers,
  getAttempt,
  markRevealed,
  previousQuestionIds,
  REVIEW_INTERVAL_DAYS,
  reviewItems,
  saveAnswer,
  setPosition,
  submitAttempt,
  sweepExpired,
  tokenMatches,
  type AttemptRow,
} from './store.ts';

/** Options for tests: a fixture question directory and a deterministic random source. */
export interface QuizRouteOptions {
  questionsDir?: string;
  random?: () => number;
  /** Attempts one client key may start per hour. */
  maxAttemptsPerHour?: number;
}

/** Header carrying an attempt's bearer token. */
export const QUIZ_TOKEN_HEADER = 'x-quiz-token';

const fail = (c: Context, status: Parameters<typeof apiError>[1], code: string, message: string) => apiError(c, status, code, message) as never;

const ErrorSchema = z.object({ error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }) }).openapi('Error');
const errors = (...codes: number[]) =>
  Object.fromEntries(codes.map((s) => [s, { description: 'Error with a message saying what to do', content: { 'application/json': { schema: ErrorSchema } } }]));

const CreateQuizSchema = z
  .object({
    mode: z.enum(['practice', 'mock', 'review']).openapi({ description: 'practice: filter by pattern/level/topic; mock: mixed interview set; review: your missed questions that are due (sign-in required)' }),
    pattern: patternSchema.optional(),
    level: levelSchema.optional(),
    topic: topicSchema.optional(),
    type: z.enum(QUESTION_TYPES).optional().openapi({ description: 'Only questions of this type (practice only), e.g. true_false for a quick drill' }),
    lab: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'A lab is named by its slug, such as keyed-producer (GET /api/labs lists them).')
      .optional()
      .openapi({ description: 'Mock interviews only: a lab to solve under the same timer; the report covers its checks too' }),
    count: z.number().int().min(1).max(50).default(10),
    timeLimitSeconds: z.number().int().min(30).max(3 * 3600).default(600),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.mode !== 'practice' && (v.pattern || v.level || v.topic || v.type))
      ctx.addIssue({ code: 'custom', path: ['mode'], message: `${v.mode} quizzes choose their own questions; leave out pattern, level, topic and type` });
    if (v.lab && v.mode !== 'mock') ctx.addIssue({ code: 'custom', path: ['lab'], message: 'Only a mock interview includes a lab; choose mode mock, or leave out lab' });
  })
  .openapi('CreateQuiz');

const OptionSchema = z.object({ id: z.string(), text: z.string() });
const PublicQuestionSchema = z
  .object({
    id: z.string(),
    position: z.number(),
    type: z.enum(['single', 'multiple', 'true_false', 'ordering', 'numeric', 'open']),
    level: levelSchema,
    pattern: patternSchema,
    topics: z.array(z.string()),
    prompt: z.string(),
    options: z.array(OptionSchema).optional(),
    unit: z.string().optional(),
    keyPointCount: z.number().optional(),
  })
  .openapi('QuizQuestion');

const SliceSchema = z.object({ key: z.string(), points: z.number(), max: z.number(), pct: z.number() });
const ResultsSchema = z
  .object({
    score: z.object({ points: z.number(), max: z.number(), pct: z.number() }),
    byTopic: z.array(SliceSchema),
    byPattern: z.array(SliceSchema),
    misses: z.array(z.string()),
    questions: z.array(
      z.object({
        id: z.string(),
        position: z.number(),
        type: z.enum(['single', 'multiple', 'true_false', 'ordering', 'numeric', 'open', 'removed']),
        pattern: z.string(),
        level: z.string(),
        topics: z.array(z.string()),
        prompt: z.string(),
        score: z.number(),
        correct: z.boolean(),
        answered: z.boolean(),
        selfAssessed: z.boolean().openapi({ description: 'open questions: the score is the fraction of key points the learner ticked' }),
        yourAnswer: AnswerSchema.nullable(),
        correctAnswer: z.object({
          selected: z.array(z.string()).optional(),
          order: z.array(z.string()).optional(),
          value: z.number().optional(),
          tolerance: z.number().optional(),
          unit: z.string().optional(),
          accept: z.array(z.string()).optional(),
        }),
        explanation: z.string(),
        lesson: z.string().nullable(),
        options: z.array(z.object({ id: z.string(), text: z.string(), why: z.string(), correct: z.boolean(), chosen: z.boolean(), position: z.number().optional() })).optional(),
        modelAnswer: z.string().optional(),
        keyPoints: z.array(z.object({ text: z.string(), ticked: z.boolean() })).optional(),
      }),
    ),
  })
  .openapi('QuizResults');

const RevealSchema = z.object({ modelAnswer: z.string(), keyPoints: z.array(z.string()) }).openapi('OpenReveal');

const AttemptSchema = z
  .object({
    id: z.string(),
    mode: z.enum(['practice', 'mock', 'review']),
    spec: z.object({ pattern: z.string().optional(), level: z.string().optional(), topic: z.string().optional(), type: z.string().optional(), lab: z.string().optional(), requested: z.number() }),
    lab: z
      .object({
        slug: z.string(),
        title: z.string(),
        run: z
          .object({ runId: z.string(), language: z.string(), state: z.string(), outcome: z.enum(['pass', 'fail', 'error']).nullable(), passed: z.number().nullable(), total: z.number().nullable(), createdAt: z.number() })
          .nullable()
          .openapi({ description: 'Your best run of the lab started within the quiz (most checks passed, then the latest); null before the first' }),
        runs: z.number().int().openapi({ description: 'Runs of the lab started within the quiz' }),
      })
      .nullable()
      .openapi({ description: 'The lab of a mock interview that includes one' }),
    status: z.enum(['in_progress', 'submitted']),
    startedAt: z.number(),
    deadlineAt: z.number(),
    serverNow: z.number(),
    remainingMs: z.number().openapi({ description: 'Time left on the server clock; 0 once submitted or expired' }),
    timeLimitSeconds: z.number(),
    currentPosition: z.number().int().openapi({ description: 'The question (0-based position) the learner was last on; a reload returns there' }),
    submittedAt: z.number().nullable(),
    autoSubmitted: z.boolean(),
    questions: z.array(PublicQuestionSchema),
    answers: z.record(z.object({ answer: AnswerSchema, savedAt: z.number() })),
    revealed: z.record(RevealSchema).openapi({ description: 'open questions whose model answer was revealed (so a reload can show it again)' }),
    results: ResultsSchema.nullable(),
  })
  .openapi('QuizAttempt');

const CreatedSchema = AttemptSchema.extend({ token: z.string().openapi({ description: `Send as ${QUIZ_TOKEN_HEADER} to open this attempt without a session (guests)` }) }).openapi('QuizCreated');

const IdParams = z.object({ id: z.string().min(8).max(40).regex(/^[A-Za-z0-9_-]+$/) });
const QuestionParams = IdParams.extend({ questionId: z.string().min(1).max(120).regex(/^[a-z0-9-]+$/) });
const TokenHeader = z.object({ [QUIZ_TOKEN_HEADER]: z.string().max(100).optional() });

const json = <T extends z.ZodTypeAny>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });

const catalogRoute = createRoute({
  method: 'get',
  path: '/catalog',
  summary: 'How many questions the bank has per pattern, level and topic',
  responses: {
    200: json(
      z.object({ total: z.number(), byPattern: z.record(z.number()), byLevel: z.record(z.number()), byTopic: z.record(z.number()), byPatternLevel: z.record(z.record(z.number())) }).openapi('QuizCatalog'),
      'Counts of available questions',
    ),
    ...errors(503),
  },
});

const createQuizRoute = createRoute({
  method: 'post',
  path: '/',
  summary: 'Start a timed quiz (the deadline is set by the server clock)',
  request: { body: { content: { 'application/json': { schema: CreateQuizSchema } }, required: true } },
  responses: { 201: json(CreatedSchema, 'The attempt, its questions without answers, and its token'), ...errors(400, 401, 409, 422, 429, 503) },
});

const reviewRoute = createRoute({
  method: 'get',
  path: '/review',
  summary: 'Your missed questions scheduled for review (a miss: 1 day; each right answer: 3, then 7 days, then done)',
  responses: {
    200: json(
      z
        .object({
          due: z.number(),
          nextDueAt: z.number().nullable(),
          items: z.array(z.object({ questionId: z.string(), step: z.number(), intervalDays: z.number(), dueAt: z.number(), lastMissedAt: z.number(), prompt: z.string().nullable(), pattern: z.string().nullable() })),
        })
        .openapi('ReviewSchedule'),
      'Review schedule',
    ),
    ...errors(401, 503),
  },
});

const historyRoute = createRoute({
  method: 'get',
  path: '/history',
  summary: 'Your quiz attempts, newest first',
  request: { query: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }).strict() },
  responses: {
    200: json(
      z
        .object({
          attempts: z.array(
            z.object({
              id: z.string(),
              mode: z.string(),
              spec: z.record(z.unknown()),
              startedAt: z.number(),
              submittedAt: z.number().nullable(),
              autoSubmitted: z.boolean(),
              questionCount: z.number(),
              points: z.number().nullable(),
              score: z.number().nullable(),
            }),
          ),
        })
        .openapi('QuizHistory'),
      'Attempts',
    ),
    ...errors(401, 503),
  },
});

const getRoute = createRoute({
  method: 'get',
  path: '/{id}',
  summary: 'An attempt: remaining time and saved answers while running, results once submitted (auto-submits an expired attempt)',
  request: { params: IdParams, headers: TokenHeader },
  responses: { 200: json(AttemptSchema, 'The attempt'), ...errors(400, 404, 503) },
});

const saveRoute = createRoute({
  method: 'put',
  path: '/{id}/answers/{questionId}',
  summary: 'Save the answer to one question (rejected after the deadline)',
  request: { params: QuestionParams, headers: TokenHeader, body: { content: { 'application/json': { schema: z.object({ answer: AnswerSchema }).strict() } }, required: true } },
  responses: {
    200: json(z.object({ questionId: z.string(), savedAt: z.number(), remainingMs: z.number() }).openapi('AnswerSaved'), 'Saved'),
    ...errors(400, 404, 409, 503),
  },
});

const positionRoute = createRoute({
  method: 'put',
  path: '/{id}/position',
  summary: 'Remember which question you are on, so a reload returns to it',
  request: { params: IdParams, headers: TokenHeader, body: { content: { 'application/json': { schema: z.object({ position: z.number().int().min(0).max(49) }).strict() } }, required: true } },
  responses: { 200: json(z.object({ currentPosition: z.number() }).openapi('QuizPosition'), 'Remembered'), ...errors(400, 404, 409, 503) },
});

const revealRoute = createRoute({
  method: 'post',
  path: '/{id}/questions/{questionId}/reveal',
  summary: 'Open questions: lock your written answer and show the model answer and key points to self-assess',
  request: { params: QuestionParams, headers: TokenHeader },
  responses: { 200: json(RevealSchema, 'Model answer and key points'), ...errors(400, 404, 409, 503) },
});

const submitRoute = createRoute({
  method: 'post',
  path: '/{id}/submit',
  summary: 'Submit before the deadline and get results',
  request: { params: IdParams, headers: TokenHeader },
  responses: { 200: json(AttemptSchema, 'The submitted attempt with results'), ...errors(404, 409, 503) },
});

/** The quizzes sub-app, mounted at /api/quizzes. */
export function quizRoutes(deps: AppDeps, opts: QuizRouteOptions = {}) {
  const loadBank = bankLoader(opts.questionsDir ?? join(deps.config.root, 'content', 'questions'));
  const random = opts.random ?? (() => randomInt(0, 2 ** 32) / 2 ** 32);
  const maxPerHour = opts.maxAttemptsPerHour ?? 60;
  const db = deps.db;
  const runStore = createRunStore(db);
  let lastSweep = 0;

  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

  // Every request first makes sure the bank loads, and now and then closes expired attempts so
  // history and review stay right even for quizzes nobody reopens.
  app.use('*', async (c, next) => {
    let bank: Bank;
    try {
      bank = loadBank();
    } catch (err) {
      return apiError(c, 503, 'question_bank_invalid', `The question bank could not be loaded (${(err as Error).message}). Fix that file and restart the server.`);
    }
    const now = deps.now();
    if (now - lastSweep > 60_000) {
      lastSweep = now;
      sweepExpired(db, bank, now);
    }
    await next();
  });

  /** The attempt if this caller may open it (owner session or token); undefined otherwise. */
  function findAttempt(c: Context<AppEnv>, id: string): AttemptRow | undefined {
    const row = getAttempt(db, id);
    if (!row) return undefined;
    const user = c.get('user');
    if (row.user_id !== null && user && user.id === row.user_id) return row;
    return tokenMatches(row, c.req.header(QUIZ_TOKEN_HEADER)) ? row : undefined;
  }
  const notFound = (c: Context, id: string) =>
    fail(c, 404, 'quiz_not_found', `No quiz attempt ${id} is open to you. Guests need the ${QUIZ_TOKEN_HEADER} header from when the quiz started; otherwise start a new quiz.`);

  /** A mock interview's lab and the learner's best run of it started between the quiz's start and its end. */
  function labPart(row: AttemptRow, spec: { lab?: string }) {
    if (!spec.lab) return null;
    const lab = deps.labs.get(spec.lab);
    const end = row.submitted_at ?? row.deadline_at;
    const runs = runStore
      .attempts({ userId: row.user_id, clientKey: row.client_key }, spec.lab)
      .filter((r) => r.createdAt >= row.started_at && r.createdAt <= end);
    const best = [...runs].sort((a, b) => (b.passed ?? -1) - (a.passed ?? -1) || b.createdAt - a.createdAt)[0];
    return {
      slug: spec.lab,
      title: lab?.frontmatter.title ?? spec.lab,
      run: best ? { runId: best.runId, language: best.language, state: best.state, outcome: best.outcome, passed: best.passed, total: best.total, createdAt: best.createdAt } : null,
      runs: runs.length,
    };
  }

  function view(bank: Bank, row: AttemptRow, now: number) {
    const answers = getAnswers(db, row.id);
    const submitted = row.submitted_at !== null;
    const saved: Record<string, { answer: Answer; savedAt: number }> = {};
    const revealed: Record<string, { modelAnswer: string; keyPoints: string[] }> = {};
    const questions = [];
    for (const a of answers) {
      if (a.answer_json && a.saved_at !== null) saved[a.question_id] = { answer: JSON.parse(a.answer_json) as Answer, savedAt: a.saved_at };
      const q = bank.byId.get(a.question_id);
      if (!q) continue;
      questions.push(publicQuestion(q, row.id, a.position));
      if (q.type === 'open' && a.revealed_at !== null) revealed[q.id] = { modelAnswer: q.modelAnswer, keyPoints: q.keyPoints };
    }
    const spec = JSON.parse(row.spec_json) as { pattern?: string; level?: string; topic?: string; type?: string; lab?: string; requested: number };
    return {
      id: row.id,
      mode: row.mode,
      spec,
      lab: labPart(row, spec),
      status: submitted ? ('submitted' as const) : ('in_progress' as const),
      startedAt: row.started_at,
      deadlineAt: row.deadline_at,
      serverNow: now,
      remainingMs: submitted ? 0 : Math.max(0, row.deadline_at - now),
      timeLimitSeconds: row.time_limit_s,
      currentPosition: Math.min(row.current_position, Math.max(0, questions.length - 1)),
      submittedAt: row.submitted_at,
      autoSubmitted: row.auto_submitted === 1,
      questions,
      answers: saved,
      revealed,
      results: submitted ? buildResults(bank, answers) : null,
    };
  }

  const expiredMessage = (row: AttemptRow) =>
    `Time ran out at ${new Date(row.deadline_at).toISOString()}, so this answer was not saved. The quiz was submitted automatically with the answers saved before then; open it again to see your results.`;

  return app
    .openapi(catalogRoute, (c) => {
      const bank = loadBank();
      const count = (key: (q: Question) => string[]) => {
        const out: Record<string, number> = {};
        for (const q of bank.questions) for (const k of key(q)) out[k] = (out[k] ?? 0) + 1;
        return out;
      };
      const byPatternLevel: Record<string, Record<string, number>> = {};
      for (const p of PATTERNS) byPatternLevel[p] = Object.fromEntries(LEVELS.map((l) => [l, matching(bank.questions, { pattern: p, level: l }).length]));
      return c.json(
        {
          total: bank.questions.length,
          byPattern: { ...Object.fromEntries(PATTERNS.map((p) => [p, 0])), ...count((q) => [q.pattern]) },
          byLevel: { ...Object.fromEntries(LEVELS.map((l) => [l, 0])), ...count((q) => [q.level]) },
          byTopic: count((q) => q.topics.filter((t) => (TOPICS as readonly string[]).includes(t))),
          byPatternLevel,
        },
        200,
      );
    })
    .openapi(createQuizRoute, (c) => {
      const bank = loadBank();
      const body = c.req.valid('json');
      const user = c.get('user');
      const now = deps.now();
      const clientKey = c.get('clientKey');
      const recent = db.prepare('SELECT COUNT(*) FROM quiz_attempts WHERE client_key = ? AND started_at > ?').pluck().get(clientKey, now - 3_600_000) as number;
      if (recent >= maxPerHour) return fail(c, 429, 'too_many_quizzes', `You started ${recent} quizzes in the last hour, the most allowed. Finish one of them or try again later.`);

      let questions: Question[];
      if (body.mode === 'review') {
        if (!user) return fail(c, 401, 'sign_in_required', 'Review quizzes bring back questions you missed, which needs an account. Sign in or create an account, then try again.');
        const items = reviewItems(db, user.id);
        const due = items.filter((i) => i.due_at <= now && bank.byId.has(i.question_id));
        if (due.length === 0) {
          const next = items.find((i) => i.due_at > now);
          return fail(
            c,
            409,
            'nothing_due',
            next
              ? `Nothing is due for review yet; the next question comes back at ${new Date(next.due_at).toISOString()}. Take a practice quiz meanwhile.`
              : 'You have no missed questions to review. Take a practice quiz or a mock interview first.',
          );
        }
        questions = due.slice(0, body.count).map((i) => bank.byId.get(i.question_id) as Question);
      } else {
        const recent = previousQuestionIds(db, { userId: user?.id ?? null, clientKey });
        questions = body.mode === 'mock' ? selectMock(bank.questions, body.count, random, recent) : selectPractice(bank.questions, body, body.count, random, recent);
      }
      if (questions.length === 0) {
        const what = [body.pattern && `pattern ${body.pattern}`, body.level && `level ${body.level}`, body.topic && `topic ${body.topic}`, body.type && `type ${body.type}`].filter(Boolean).join(', ') || 'any filter';
        return fail(c, 422, 'no_questions', `The question bank has no questions for ${what}. Remove a filter or pick another value.`);
      }
      if (body.lab && !deps.labs.get(body.lab)) return fail(c, 422, 'unknown_lab', `There is no lab called "${body.lab}". GET /api/labs lists them; or leave out lab.`);
      const spec = { ...(body.pattern ? { pattern: body.pattern } : {}), ...(body.level ? { level: body.level } : {}), ...(body.topic ? { topic: body.topic } : {}), ...(body.type ? { type: body.type } : {}), ...(body.lab ? { lab: body.lab } : {}), requested: body.count };
      const { id, token } = createAttempt(db, { userId: user?.id ?? null, clientKey, mode: body.mode, spec, questions, timeLimitS: body.timeLimitSeconds, now });
      return c.json({ ...view(bank, getAttempt(db, id) as AttemptRow, now), token }, 201);
    })
    .openapi(reviewRoute, (c) => {
      const bank = loadBank();
      const user = c.get('user');
      if (!user) return fail(c, 401, 'sign_in_required', 'The review schedule belongs to an account. Sign in to see it.');
      const now = deps.now();
      sweepExpired(db, bank, now, user.id);
      const items = reviewItems(db, user.id).filter((i) => bank.byId.has(i.question_id));
      const future = items.filter((i) => i.due_at > now);
      return c.json(
        {
          due: items.length - future.length,
          nextDueAt: future[0]?.due_at ?? null,
          items: items.map((i) => {
            const q = bank.byId.get(i.question_id);
            return { questionId: i.question_id, step: i.step, intervalDays: REVIEW_INTERVAL_DAYS[i.step - 1], dueAt: i.due_at, lastMissedAt: i.last_missed_at, prompt: q?.prompt ?? null, pattern: q?.pattern ?? null };
          }),
        },
        200,
      );
    })
    .openapi(historyRoute, (c) => {
      const user = c.get('user');
      if (!user) return fail(c, 401, 'sign_in_required', 'Quiz history is kept for accounts. Sign in to see it; as a guest, your browser keeps a summary.');
      sweepExpired(db, loadBank(), deps.now(), user.id);
      const rows = db.prepare('SELECT * FROM quiz_attempts WHERE user_id = ? ORDER BY started_at DESC, id LIMIT ?').all(user.id, c.req.valid('query').limit) as AttemptRow[];
      return c.json(
        {
          attempts: rows.map((r) => ({ ...attemptSummary(r), points: r.points })),
        },
        200,
      );
    })
    .openapi(getRoute, (c) => {
      const bank = loadBank();
      const { id } = c.req.valid('param');
      const row = findAttempt(c, id);
      if (!row) return notFound(c, id);
      const now = deps.now();
      return c.json(view(bank, closeIfExpired(db, bank, row, now), now), 200);
    })
    .openapi(saveRoute, (c) => {
      const bank = loadBank();
      const { id, questionId } = c.req.valid('param');
      const { answer } = c.req.valid('json');
      let row = findAttempt(c, id);
      if (!row) return notFound(c, id);
      const now = deps.now();
      if (row.submitted_at !== null) return fail(c, 409, 'quiz_submitted', 'This quiz was already submitted, so answers can no longer change. Start a new quiz to try again.');
      row = closeIfExpired(db, bank, row, now);
      if (row.submitted_at !== null) return fail(c, 409, 'quiz_expired', expiredMessage(row));
      const slot = getAnswers(db, id).find((a) => a.question_id === questionId);
      const q = bank.byId.get(questionId);
      if (!slot || !q) return fail(c, 404, 'question_not_in_quiz', `Question ${questionId} is not part of this quiz. Answer one of the quiz's own questions.`);
      const problem = answerProblem(q, answer, slot.revealed_at !== null);
      if (problem) return fail(c, 400, 'invalid_answer', problem);
      if (q.type === 'open' && slot.revealed_at !== null && 'text' in answer) {
        const before = slot.answer_json ? (JSON.parse(slot.answer_json) as { text?: string }).text ?? '' : '';
        if (answer.text !== before)
          return fail(c, 409, 'answer_locked', 'Your written answer was locked when you revealed the model answer; only the ticked key points can change now.');
      }
      if (!saveAnswer(db, id, questionId, answer, now)) return fail(c, 409, 'quiz_expired', expiredMessage(row));
      return c.json({ questionId, savedAt: now, remainingMs: Math.max(0, row.deadline_at - now) }, 200);
    })
    .openapi(positionRoute, (c) => {
      const bank = loadBank();
      const { id } = c.req.valid('param');
      const { position } = c.req.valid('json');
      let row = findAttempt(c, id);
      if (!row) return notFound(c, id);
      const now = deps.now();
      if (row.submitted_at !== null) return fail(c, 409, 'quiz_submitted', 'This quiz was already submitted; open it to see the results.');
      row = closeIfExpired(db, bank, row, now);
      if (row.submitted_at !== null) return fail(c, 409, 'quiz_expired', `Time ran out at ${new Date(row.deadline_at).toISOString()}; the quiz was submitted automatically. Open it to see your results.`);
      if (position >= row.question_count)
        return fail(c, 400, 'invalid_position', `This quiz has ${row.question_count} questions, numbered from 0; position ${position} is not one of them.`);
      if (!setPosition(db, id, position, now)) return fail(c, 409, 'quiz_expired', expiredMessage(row));
      return c.json({ currentPosition: position }, 200);
    })
    .openapi(revealRoute, (c) => {
      const bank = loadBank();
      const { id, questionId } = c.req.valid('param');
      let row = findAttempt(c, id);
      if (!row) return notFound(c, id);
      const now = deps.now();
      if (row.submitted_at !== null) return fail(c, 409, 'quiz_submitted', 'This quiz was already submitted; its results show every model answer.');
      row = closeIfExpired(db, bank, row, now);
      if (row.submitted_at !== null) return fail(c, 409, 'quiz_expired', expiredMessage(row));
      const slot = getAnswers(db, id).find((a) => a.question_id === questionId);
      const q = bank.byId.get(questionId);
      if (!slot || !q) return fail(c, 404, 'question_not_in_quiz', `Question ${questionId} is not part of this quiz. Reveal one of the quiz's own questions.`);
      if (q.type !== 'open') return fail(c, 400, 'not_open_question', `Question ${questionId} is a ${q.type} question; only open questions have a model answer to reveal before submitting.`);
      if (!markRevealed(db, id, questionId, now)) return fail(c, 409, 'quiz_expired', expiredMessage(row));
      return c.json({ modelAnswer: q.modelAnswer, keyPoints: q.keyPoints }, 200);
    })
    .openapi(submitRoute, (c) => {
      const bank = loadBank();
      const { id } = c.req.valid('param');
      let row = findAttempt(c, id);
      if (!row) return notFound(c, id);
      const now = deps.now();
      if (row.submitted_at !== null) return fail(c, 409, 'quiz_submitted', 'This quiz was already submitted. Open it to see the results.');
      row = closeIfExpired(db, bank, row, now);
      if (row.submitted_at !== null) return fail(c, 409, 'quiz_expired', `Time ran out at ${new Date(row.deadline_at).toISOString()}; the quiz was already submitted automatically with the answers saved before then. Open it to see your results.`);
      submitAttempt(db, bank, id, now, false);
      return c.json(view(bank, getAttempt(db, id) as AttemptRow, now), 200);
    });
}
