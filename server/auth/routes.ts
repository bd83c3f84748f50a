// /api/auth: sign-up, sign-in, sign-out (here or everywhere), the current user, time zone changes
// and account deletion. Sign-in answers identically for an unknown email and a wrong password, and
// spends the same Argon2 work on both; attempts are throttled per account and per IP (throttle.ts).
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import type { Db } from '../db/index.ts';
import { ApiErrorSchema, apiError, validationHook } from '../http/errors.ts';
import type { AppDeps, AppEnv, SessionUser } from '../http/types.ts';
import { hashPassword, passwordProblem, prepareDummyHash, verifyDummy, verifyPassword } from './password.ts';
import {
  clearSessionCookie,
  createSession,
  deleteExpiredSessions,
  deleteSession,
  deleteUserSessions,
  writeSessionCookie,
} from './session.ts';
import { checkLogin, pruneThrottle, recordFailure, recordIpFailure, recordSuccess, type ThrottleVerdict } from './throttle.ts';
import { canonicalTimeZone } from './timezone.ts';
import { completeReset, resetTokenUser } from './reset.ts';
import { LANGUAGES, languageSchema } from '../../labs/_kit/results.ts';

// Generous in UTF-16 units so 128 emoji fit; the policy counts characters. Caps hashing cost too.
const PASSWORD_FIELD_MAX = 512;

// Not a named component: OpenAPI 3.0 cannot mark a $ref nullable, and `user` is null for guests.
const UserSchema = z.object({
  id: z.number().int(),
  email: z.string(),
  timezone: z.string().openapi({ description: 'IANA time zone' }),
  labLanguage: languageSchema.nullable().openapi({ description: 'The language the learner last chose on a lab page; null before they chose one' }),
});
const MeSchema = z.object({ user: UserSchema.nullable().openapi({ description: 'null for guests' }) }).openapi('Me');

const Email = z
  .string()
  .trim()
  .toLowerCase()
  .max(254, 'An email address has at most 254 characters.')
  .email('Enter an email address such as ada@example.com.')
  .openapi({ example: 'ada@example.com' });
const TimeZone = z
  .string()
  .min(1)
  .max(64)
  .refine((tz) => canonicalTimeZone(tz) !== null, 'Unknown time zone: use an IANA name such as Europe/Berlin or UTC.')
  .openapi({ example: 'Europe/Berlin' });
const Password = z.string().min(1, 'Enter your password.').max(PASSWORD_FIELD_MAX, 'The password is too long: use at most 128 characters.');

const SignUpBody = z
  .object({
    email: Email,
    password: z
      .string()
      .max(PASSWORD_FIELD_MAX, 'The password is too long: use at most 128 characters.')
      .openapi({ description: '8-128 characters, not one of the most common passwords, not the email address' }),
    timezone: TimeZone.optional().openapi({ description: "The browser's IANA time zone; UTC when omitted" }),
  })
  .strict()
  .openapi('SignUp');
const SignInBody = z.object({ email: Email, password: Password }).strict().openapi('SignIn');
const UpdateMeBody = z
  .object({
    timezone: TimeZone.optional(),
    labLanguage: z.enum(LANGUAGES, { errorMap: () => ({ message: `Pick one of ${LANGUAGES.join(', ')}.` }) }).optional().openapi({ description: 'The language lab pages open in' }),
  })
  .strict()
  .refine((b) => b.timezone !== undefined || b.labLanguage !== undefined, 'Send timezone, labLanguage or both.')
  .openapi('UpdateMe');
const DeleteMeBody = z.object({ password: Password }).strict().openapi('DeleteMe');
const ResetPasswordBody = z
  .object({
    token: z.string().min(1, 'The reset link has no token: open the whole link the admin command printed.').max(100).openapi({ description: 'The token from the one-time link' }),
    password: z.string().max(PASSWORD_FIELD_MAX, 'The password is too long: use at most 128 characters.').openapi({ description: 'The new password: 8-128 characters, not a common one, not the email' }),
  })
  .strict()
  .openapi('ResetPassword');

/** Refuses bodies that are not JSON with a 400 that says so, before the schema sees an empty object. */
const requireJson: MiddlewareHandler = async (c, next) => {
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/json\s*(;|$)/i.test(type)) {
    return apiError(c, 400, 'unsupported_content_type', `This endpoint reads JSON, but the body was sent as "${type.slice(0, 60) || 'no Content-Type'}". Send it with Content-Type: application/json.`);
  }
  try {
    await c.req.json();
  } catch {
    return apiError(c, 400, 'malformed_json', 'The request body is not valid JSON. Check the quoting and commas and send it again.');
  }
  return next();
};

const json = <T extends z.ZodTypeAny>(schema: T) => ({ content: { 'application/json': { schema } }, required: true });
const resp = <T extends z.ZodTypeAny>(description: string, schema: T) => ({ description, content: { 'application/json': { schema } } });
const err = (description: string) => resp(description, ApiErrorSchema);

const signUpRoute = createRoute({
  method: 'post',
  path: '/signup',
  summary: 'Create an account and sign in',
  middleware: [requireJson] as const,
  request: { body: json(SignUpBody) },
  responses: {
    201: resp('Account created; the session cookie is set', MeSchema),
    400: err('Invalid input or a password that is too weak'),
    403: err('Missing or foreign Origin'),
    409: err('An account with this email already exists'),
    429: err('Too many attempts from this address; see Retry-After'),
  },
});
const signInRoute = createRoute({
  method: 'post',
  path: '/signin',
  summary: 'Sign in with email and password (issues a new session token)',
  middleware: [requireJson] as const,
  request: { body: json(SignInBody) },
  responses: {
    200: resp('Signed in; the session cookie is set', MeSchema),
    400: err('Invalid input'),
    401: err('Email or password is incorrect (the same answer for unknown emails)'),
    403: err('Missing or foreign Origin'),
    429: err('Too many failed attempts; see Retry-After'),
  },
});
const signOutRoute = createRoute({
  method: 'post',
  path: '/signout',
  summary: 'End this session',
  responses: { 200: resp('Signed out (also when no session was active)', z.object({ ok: z.literal(true) })), 403: err('Missing or foreign Origin') },
});
const signOutAllRoute = createRoute({
  method: 'post',
  path: '/signout-all',
  summary: 'End every session of the signed-in user, on every device',
  responses: {
    200: resp('Every session ended', z.object({ ended: z.number().int() })),
    401: err('Not signed in'),
    403: err('Missing or foreign Origin'),
  },
});
const getMeRoute = createRoute({
  method: 'get',
  path: '/me',
  summary: 'The signed-in user, or null for a guest',
  responses: { 200: resp('The current user', MeSchema) },
});
const patchMeRoute = createRoute({
  method: 'patch',
  path: '/me',
  summary: 'Change account settings (time zone, lab language)',
  middleware: [requireJson] as const,
  request: { body: json(UpdateMeBody) },
  responses: {
    200: resp('Updated user', MeSchema),
    400: err('Invalid input'),
    401: err('Not signed in'),
    403: err('Missing or foreign Origin'),
  },
});
const deleteMeRoute = createRoute({
  method: 'delete',
  path: '/me',
  summary: 'Delete the account and all of its data (password required)',
  middleware: [requireJson] as const,
  request: { body: json(DeleteMeBody) },
  responses: {
    200: resp('Account deleted; the session cookie is cleared', z.object({ deleted: z.literal(true) })),
    400: err('Invalid input'),
    401: err('Not signed in, or the password is wrong'),
    403: err('Missing or foreign Origin'),
    429: err('Too many failed attempts; see Retry-After'),
  },
});

const resetPasswordRoute = createRoute({
  method: 'post',
  path: '/reset-password',
  summary: 'Set a new password with a one-time link from `npm run admin -- reset-password <email>`; ends every session and signs in',
  middleware: [requireJson] as const,
  request: { body: json(ResetPasswordBody) },
  responses: {
    200: resp('Password changed and signed in', MeSchema),
    400: err('Invalid input, a weak password, or a link that is used, expired or unknown'),
    403: err('Missing or foreign Origin'),
    429: err('Too many failed attempts; see Retry-After'),
  },
});

const NOT_SIGNED_IN = 'You are not signed in (or your session has ended). Sign in and try again.';
const BAD_CREDENTIALS = 'The email or password is incorrect. Check both and try again, or create an account if you do not have one.';

function userById(db: Db, id: number): SessionUser {
  return db.prepare('SELECT id, email, timezone, lab_language AS labLanguage FROM users WHERE id = ?').get(id) as SessionUser;
}

function throttled(c: Context, verdict: Extract<ThrottleVerdict, { allowed: false }>) {
  c.header('Retry-After', String(verdict.retryAfterSeconds));
  const wait = verdict.retryAfterSeconds >= 120 ? `${Math.ceil(verdict.retryAfterSeconds / 60)} minutes` : `${verdict.retryAfterSeconds} seconds`;
  return apiError(c, 429, 'too_many_attempts', `Too many failed sign-in attempts. Wait ${wait} and try again; if you forgot your password, double-check it before retrying.`);
}

/** Starts a fresh session for `userId`, ending the one this browser presented (never reusing its token). */
function startSession(c: Context<AppEnv>, deps: AppDeps, userId: number): void {
  const now = deps.now();
  const previous = c.get('sessionId');
  if (previous) deleteSession(deps.db, previous);
  const { token, maxAge } = createSession(deps.db, userId, now);
  writeSessionCookie(c, token, maxAge, deps.config.production);
  deleteExpiredSessions(deps.db, now);
  pruneThrottle(deps.db, now);
}

/** The auth sub-app, mounted at /api/auth. */
export function authRoutes(deps: AppDeps) {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  const secure = deps.config.production;
  void prepareDummyHash();

  app.openapi(signUpRoute, async (c) => {
    const body = c.req.valid('json');
    const ip = c.get('clientIp');
    const verdict = checkLogin(deps.db, body.email, ip, deps.now());
    if (!verdict.allowed) return throttled(c, verdict);
    const problem = passwordProblem(body.password, body.email);
    if (problem) return apiError(c, 400, 'weak_password', problem, [{ path: 'password', message: problem }]);
    const passwordHash = await hashPassword(body.password);
    const timezone = body.timezone ? (canonicalTimeZone(body.timezone) ?? 'UTC') : 'UTC';
    const now = deps.now();
    const inserted = deps.db
      .prepare('INSERT INTO users (email, password_hash, timezone, created_at) VALUES (?, ?, ?, ?) ON CONFLICT(email) DO NOTHING')
      .run(body.email, passwordHash, timezone, now);
    if (inserted.changes === 0) {
      // Probing for registered emails through sign-up costs the prober IP backoff like failed sign-ins.
      recordIpFailure(deps.db, ip, now);
      return apiError(c, 409, 'email_taken', 'An account with this email already exists. Sign in instead, or use a different email.');
    }
    const userId = Number(inserted.lastInsertRowid);
    startSession(c, deps, userId);
    return c.json({ user: userById(deps.db, userId) }, 201);
  });

  app.openapi(signInRoute, async (c) => {
    const { email, password } = c.req.valid('json');
    const ip = c.get('clientIp');
    const verdict = checkLogin(deps.db, email, ip, deps.now());
    if (!verdict.allowed) return throttled(c, verdict);
    const row = deps.db.prepare('SELECT id, password_hash FROM users WHERE email = ?').get(email) as
      | { id: number; password_hash: string }
      | undefined;
    const ok = row ? await verifyPassword(row.password_hash, password) : await verifyDummy(password);
    if (!row || !ok) {
      recordFailure(deps.db, email, ip, deps.now());
      return apiError(c, 401, 'invalid_credentials', BAD_CREDENTIALS);
    }
    recordSuccess(deps.db, email);
    startSession(c, deps, row.id);
    return c.json({ user: userById(deps.db, row.id) }, 200);
  });

  app.openapi(signOutRoute, (c) => {
    const id = c.get('sessionId');
    if (id) deleteSession(deps.db, id);
    clearSessionCookie(c, secure);
    return c.json({ ok: true as const }, 200);
  });

  app.openapi(signOutAllRoute, (c) => {
    const user = c.get('user');
    if (!user) return apiError(c, 401, 'not_signed_in', NOT_SIGNED_IN);
    const ended = deleteUserSessions(deps.db, user.id);
    clearSessionCookie(c, secure);
    return c.json({ ended }, 200);
  });

  app.openapi(getMeRoute, (c) => c.json({ user: c.get('user') }, 200));

  app.openapi(patchMeRoute, (c) => {
    const user = c.get('user');
    if (!user) return apiError(c, 401, 'not_signed_in', NOT_SIGNED_IN);
    const body = c.req.valid('json');
    if (body.timezone !== undefined) deps.db.prepare('UPDATE users SET timezone = ? WHERE id = ?').run(canonicalTimeZone(body.timezone) ?? 'UTC', user.id);
    if (body.labLanguage !== undefined) deps.db.prepare('UPDATE users SET lab_language = ? WHERE id = ?').run(body.labLanguage, user.id);
    return c.json({ user: userById(deps.db, user.id) }, 200);
  });

  app.openapi(resetPasswordRoute, async (c) => {
    const { token, password } = c.req.valid('json');
    const ip = c.get('clientIp');
    const now = deps.now();
    // Guessing tokens costs an IP the same backoff as guessing passwords.
    const verdict = checkLogin(deps.db, '', ip, now);
    if (!verdict.allowed) return throttled(c, verdict);
    const reset = resetTokenUser(deps.db, token, now);
    if (!reset) {
      recordIpFailure(deps.db, ip, now);
      return apiError(
        c,
        400,
        'invalid_reset_link',
        'This reset link does not work any more: it was already used, it is over an hour old, or part of it is missing. Ask whoever runs this Lag Zero for a new one (npm run admin -- reset-password <your email>).',
      );
    }
    const problem = passwordProblem(password, reset.email);
    // A weak choice leaves the link usable, so the person can pick another password.
    if (problem) return apiError(c, 400, 'weak_password', problem, [{ path: 'password', message: problem }]);
    if (!completeReset(deps.db, reset, await hashPassword(password), deps.now())) {
      return apiError(c, 400, 'invalid_reset_link', 'This reset link was used a moment ago, in another tab or browser. Sign in with the password chosen there, or ask for a new link.');
    }
    recordSuccess(deps.db, reset.email);
    startSession(c, deps, reset.userId);
    return c.json({ user: userById(deps.db, reset.userId) }, 200);
  });

  app.openapi(deleteMeRoute, async (c) => {
    const user = c.get('user');
    if (!user) return apiError(c, 401, 'not_signed_in', NOT_SIGNED_IN);
    const ip = c.get('clientIp');
    const verdict = checkLogin(deps.db, user.email, ip, deps.now());
    if (!verdict.allowed) return throttled(c, verdict);
    const row = deps.db.prepare('SELECT password_hash FROM users WHERE id = ?').get(user.id) as { password_hash: string };
    if (!(await verifyPassword(row.password_hash, c.req.valid('json').password))) {
      recordFailure(deps.db, user.email, ip, deps.now());
      return apiError(c, 401, 'wrong_password', 'The password is not correct, so the account was not deleted. Enter your current password to confirm.');
    }
    // Sessions and every user-owned row go with the user through ON DELETE CASCADE.
    deps.db.prepare('DELETE FROM users WHERE id = ?').run(user.id);
    clearSessionCookie(c, secure);
    return c.json({ deleted: true as const }, 200);
  });

  return app;
}
