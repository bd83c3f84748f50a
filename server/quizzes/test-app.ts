// Test harness for the quiz and progress routes: a temporary database, a fake clock, fixture
// content, and a stand-in for the auth middleware (header `x-test-user: <id>` signs that user in),
// so these tests exercise our routes without depending on how sessions are implemented.
import { OpenAPIHono } from '@hono/zod-openapi';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../config.ts';
import { openDb, type Db } from '../db/index.ts';
import { validationHook } from '../http/errors.ts';
import type { AppDeps, AppEnv } from '../http/types.ts';
import type { KafkaRuntime } from '../kafka/types.ts';
import { progressRoutes } from '../progress/routes.ts';
import { loadLabRegistry } from '../../labs/_kit/registry.ts';
import { seededRandom } from './bank.ts';
import { quizRoutes } from './routes.ts';

const here = dirname(fileURLToPath(import.meta.url));
export const FIXTURE_QUESTIONS = join(here, 'fixtures', 'questions');
export const FIXTURE_LESSONS = join(here, '..', 'progress', 'fixtures', 'lessons');
export const FIXTURE_LABS = join(here, '..', 'progress', 'fixtures', 'labs');

/** A fresh app over a temporary database; call `close()` when done. */
export function makeTestApp(opts: { start?: number; maxAttemptsPerHour?: number } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'lz-quiz-'));
  const db: Db = openDb(dir);
  let clock = opts.start ?? Date.UTC(2026, 0, 15, 12, 0, 0);
  const deps: AppDeps = {
    config: loadConfig({}, join(here, '..', '..')),
    db,
    kafka: {} as KafkaRuntime,
    labs: loadLabRegistry(FIXTURE_LABS),
    now: () => clock,
  };
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.use('/api/*', async (c, next) => {
    const id = c.req.header('x-test-user');
    const row = id ? (db.prepare('SELECT id, email, timezone FROM users WHERE id = ?').get(Number(id)) as AppEnv['Variables']['user']) : null;
    c.set('user', row ?? null);
    c.set('clientKey', row ? `user:${row.id}` : `ip:${c.req.header('x-test-ip') ?? '127.0.0.1'}`);
    await next();
  });
  app.route('/api/quizzes', quizRoutes(deps, { questionsDir: FIXTURE_QUESTIONS, random: seededRandom('tests'), maxAttemptsPerHour: opts.maxAttemptsPerHour }));
  app.route('/api/progress', progressRoutes(deps, { questionsDir: FIXTURE_QUESTIONS, lessonsDir: FIXTURE_LESSONS, }));

  /** Sends a JSON request; `user` signs in as that user id, `token` opens a guest attempt. */
  async function call(method: string, path: string, o: { body?: unknown; user?: number; token?: string; ip?: string } = {}) {
    const headers: Record<string, string> = {};
    if (o.body !== undefined) headers['content-type'] = 'application/json';
    if (o.user !== undefined) headers['x-test-user'] = String(o.user);
    if (o.token) headers['x-quiz-token'] = o.token;
    if (o.ip) headers['x-test-ip'] = o.ip;
    const res = await app.request(path, { method, headers, body: o.body === undefined ? undefined : JSON.stringify(o.body) });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as any };
  }

  return {
    app,
    db,
    deps,
    call,
    now: () => clock,
    advance: (ms: number) => {
      clock += ms;
    },
    setNow: (ms: number) => {
      clock = ms;
    },
    /** Inserts a user row directly (the accounts module owns sign-up). */
    addUser(email: string, timezone = 'UTC'): number {
      return Number(db.prepare('INSERT INTO users (email, password_hash, timezone, created_at) VALUES (?, ?, ?, ?)').run(email, 'x', timezone, clock).lastInsertRowid);
    },
    close() {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
