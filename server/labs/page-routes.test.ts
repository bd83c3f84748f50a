// The lab page API through app.request(): drafts for users only, hints one at a time, give-up,
// the solution lock, and attempts scoped to their owner. Labs come from a temporary labs/ folder.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createApp } from '../app.ts';
import { loadConfig } from '../config.ts';
import { openDb, type Db } from '../db/index.ts';
import type { KafkaRuntime } from '../kafka/types.ts';
import { createSession, sessionCookieName } from '../auth/session.ts';
import { MAX_DRAFT_CHARS } from './page-routes.ts';
import { loadLabRegistry } from '../../labs/_kit/registry.ts';

const kafka: KafkaRuntime = {
  status: () => ({ mode: 'unavailable', provisioned: false, version: null, source: null, javaVersion: null, poolSize: 0, warmBrokers: 0, startingBrokers: 0, missing: [], fix: [] }),
  acquire: () => Promise.reject(new Error('Kafka is not used by these tests')),
  shutdown: async () => {},
};

const SOLUTION = "import { Kafka } from 'kafkajs';\nconsole.log('reference');\n";

function makeRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'lz-labpage-root-'));
  const lab = join(root, 'labs', 'demo-lab');
  mkdirSync(join(lab, 'solution'), { recursive: true });
  mkdirSync(join(lab, 'starter'), { recursive: true });
  writeFileSync(
    join(lab, 'lab.mdx'),
    [
      '---',
      'title: Demo lab',
      'summary: A lab that exists only for the lab page API tests.',
      'pattern: producer',
      'level: beginner',
      'order: 1',
      'timeLimitSeconds: 30',
      'tasks:',
      '  - id: produce-keyed',
      '    title: Produce every record with its key',
      'hints:',
      '  - First hint, about keys and partitions.',
      '  - Second hint, about idempotence.',
      '  - Third hint, about acks=all.',
      '---',
      '',
      'Instructions.',
    ].join('\n'),
  );
  writeFileSync(join(lab, 'solution', 'main.ts'), SOLUTION);
  writeFileSync(join(lab, 'starter', 'main.ts'), '// TODO\n');
  writeFileSync(join(lab, 'grader.ts'), '// Never imported by these tests.\n');
  return root;
}

interface Harness {
  db: Db;
  req(path: string, init?: RequestInit & { cookie?: string }): Promise<Response>;
  signIn(email: string): string;
  clock: { now: number };
}

function setup(): Harness {
  const dataDir = mkdtempSync(join(tmpdir(), 'lz-labpage-data-'));
  const db = openDb(dataDir);
  const clock = { now: 1_750_000_000_000 };
  const root = makeRoot();
  const app = createApp({ config: { ...loadConfig({ DATA_DIR: dataDir }), root }, db, kafka, labs: loadLabRegistry(join(root, 'labs')), now: () => clock.now });
  return {
    db,
    clock,
    req(path, init = {}) {
      const headers = new Headers(init.headers);
      if (init.cookie) headers.set('cookie', init.cookie);
      if (init.method && init.method !== 'GET') headers.set('origin', 'http://localhost');
      if (typeof init.body === 'string') headers.set('content-type', 'application/json');
      return Promise.resolve(app.request(`http://localhost${path}`, { ...init, headers }));
    },
    signIn(email) {
      const id = Number(db.prepare('INSERT INTO users (email, password_hash, created_at) VALUES (?, ?, ?)').run(email, 'x', clock.now).lastInsertRowid);
      const { token } = createSession(db, id, clock.now);
      return `${sessionCookieName(false)}=${token}`;
    },
  };
}

const put = (code: unknown) => ({ method: 'PUT', body: JSON.stringify({ code }) });

describe('drafts', () => {
  it('keeps a signed-in learner’s draft per lab and returns the latest version', async () => {
    const h = setup();
    const cookie = h.signIn('ada@example.com');
    expect(await (await h.req('/api/labs/demo-lab/draft', { cookie })).json()).toEqual({ draft: null });
    expect((await h.req('/api/labs/demo-lab/draft', { ...put('one'), cookie })).status).toBe(200);
    h.clock.now += 5000;
    expect((await h.req('/api/labs/demo-lab/draft', { ...put('two'), cookie })).status).toBe(200);
    const body = await (await h.req('/api/labs/demo-lab/draft', { cookie })).json();
    expect(body.draft).toEqual({ code: 'two', updatedAt: h.clock.now });
  });

  it('keeps one draft per language, and TypeScript is the default', async () => {
    const h = setup();
    const cookie = h.signIn('polyglot@example.com');
    const putIn = (code: string, language?: string) => ({ method: 'PUT', body: JSON.stringify(language ? { code, language } : { code }) });
    expect((await h.req('/api/labs/demo-lab/draft', { ...putIn('ts draft'), cookie })).status).toBe(200);
    expect((await h.req('/api/labs/demo-lab/draft', { ...putIn('py draft', 'python'), cookie })).status).toBe(200);
    expect((await (await h.req('/api/labs/demo-lab/draft?language=python', { cookie })).json()).draft.code).toBe('py draft');
    expect((await (await h.req('/api/labs/demo-lab/draft', { cookie })).json()).draft.code).toBe('ts draft');
    expect((await (await h.req('/api/labs/demo-lab/draft?language=java', { cookie })).json()).draft).toBeNull();
    expect((await h.req('/api/labs/demo-lab/draft?language=cobol', { cookie })).status).toBe(400);
  });

  it('does not show one user’s draft to another', async () => {
    const h = setup();
    const ada = h.signIn('ada@example.com');
    const bob = h.signIn('bob@example.com');
    await h.req('/api/labs/demo-lab/draft', { ...put('ada secret'), cookie: ada });
    expect(await (await h.req('/api/labs/demo-lab/draft', { cookie: bob })).json()).toEqual({ draft: null });
  });

  it('tells guests that their drafts stay in the browser', async () => {
    const h = setup();
    const res = await h.req('/api/labs/demo-lab/draft', put('x'));
    expect(res.status).toBe(401);
    expect((await res.json()).error.code).toBe('sign_in_required');
    expect(h.db.prepare('SELECT COUNT(*) FROM lab_drafts').pluck().get()).toBe(0);
  });

  it('rejects oversized drafts, unknown fields and unknown labs without storing anything', async () => {
    const h = setup();
    const cookie = h.signIn('ada@example.com');
    const big = await h.req('/api/labs/demo-lab/draft', { ...put('x'.repeat(MAX_DRAFT_CHARS + 1)), cookie });
    expect(big.status).toBe(400);
    expect((await big.json()).error.message).toMatch(/at most/);
    const extra = await h.req('/api/labs/demo-lab/draft', { method: 'PUT', body: JSON.stringify({ code: 'a', userId: 2 }), cookie });
    expect(extra.status).toBe(400);
    const missing = await h.req('/api/labs/no-such-lab/draft', { ...put('a'), cookie });
    expect(missing.status).toBe(404);
    const traversal = await h.req('/api/labs/..%2F..%2Fetc/draft', { cookie });
    expect([400, 404]).toContain(traversal.status);
    expect(h.db.prepare('SELECT COUNT(*) FROM lab_drafts').pluck().get()).toBe(0);
  });

  it('deletes drafts with the account', async () => {
    const h = setup();
    const cookie = h.signIn('ada@example.com');
    await h.req('/api/labs/demo-lab/draft', { ...put('mine'), cookie });
    h.db.prepare('DELETE FROM users').run();
    expect(h.db.prepare('SELECT COUNT(*) FROM lab_drafts').pluck().get()).toBe(0);
  });
});

describe('hints', () => {
  it('reveals hints in order, as many as asked for', async () => {
    const h = setup();
    expect(await (await h.req('/api/labs/demo-lab/hints?count=1')).json()).toEqual({ hints: ['First hint, about keys and partitions.'], total: 3 });
    const two = await (await h.req('/api/labs/demo-lab/hints?count=2')).json();
    expect(two.hints).toHaveLength(2);
    expect((await (await h.req('/api/labs/demo-lab/hints?count=9')).json()).hints).toHaveLength(3);
    expect((await h.req('/api/labs/demo-lab/hints?count=-1')).status).toBe(400);
    expect((await h.req('/api/labs/demo-lab/hints?count=1&all=1')).status).toBe(400);
  });
});

describe('solution', () => {
  it('stays locked until the caller gives up, with a message that says how to unlock it', async () => {
    const h = setup();
    const cookie = h.signIn('ada@example.com');
    const locked = await h.req('/api/labs/demo-lab/solution', { cookie });
    expect(locked.status).toBe(403);
    const err = (await locked.json()).error;
    expect(err.code).toBe('solution_locked');
    expect(err.message).toMatch(/passes every check|give up/);

    expect((await h.req('/api/labs/demo-lab/give-up', { method: 'POST', body: '{}', cookie })).status).toBe(400);
    expect((await h.req('/api/labs/demo-lab/solution', { cookie })).status).toBe(403);

    expect((await h.req('/api/labs/demo-lab/give-up', { method: 'POST', body: JSON.stringify({ confirm: true }), cookie })).status).toBe(200);
    const open = await h.req('/api/labs/demo-lab/solution', { cookie });
    expect(open.status).toBe(200);
    expect(await open.json()).toEqual({ code: SOLUTION, unlockedBy: 'give-up' });

    // Another user and a guest are still locked out.
    expect((await h.req('/api/labs/demo-lab/solution', { cookie: h.signIn('bob@example.com') })).status).toBe(403);
    expect((await h.req('/api/labs/demo-lab/solution')).status).toBe(403);
  });

  it('lets a guest give up under their client key', async () => {
    const h = setup();
    expect((await h.req('/api/labs/demo-lab/give-up', { method: 'POST', body: JSON.stringify({ confirm: true }) })).status).toBe(200);
    expect((await h.req('/api/labs/demo-lab/give-up', { method: 'POST', body: JSON.stringify({ confirm: true }) })).status).toBe(200);
    expect((await h.req('/api/labs/demo-lab/solution')).status).toBe(200);
    expect(h.db.prepare('SELECT COUNT(*) FROM lab_give_ups').pluck().get()).toBe(1);
  });

});

function insertRun(db: Db, r: { id: string; userId: number | null; clientKey: string; outcome: 'pass' | 'fail' | 'error' | null; createdAt: number; tests?: string[] }) {
  const results = r.tests ? JSON.stringify({ status: r.outcome, tests: r.tests.map((status, i) => ({ name: `check ${i}`, status })) }) : null;
  // The verdict is stored once, in the results: the outcome column is computed from them.
  db.prepare('INSERT INTO runs (id, user_id, client_key, lab_slug, code, state, results_json, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(
    r.id, r.userId, r.clientKey, 'demo-lab', 'code', r.outcome === null ? 'running' : 'done', results, r.createdAt,
  );
}

const userIdOf = (db: Db, email: string) => db.prepare('SELECT id FROM users WHERE email = ?').pluck().get(email) as number;

describe('attempts and the pass unlock', () => {
  it('lists only the caller’s runs, newest first, with checks passed out of total', async () => {
    const h = setup();
    const cookie = h.signIn('ada@example.com');
    h.signIn('bob@example.com');
    const ada = userIdOf(h.db, 'ada@example.com');
    const bob = userIdOf(h.db, 'bob@example.com');
    insertRun(h.db, { id: 'run-ada-001', userId: ada, clientKey: `user:${ada}`, outcome: 'fail', createdAt: 1000, tests: ['pass', 'fail', 'pass'] });
    insertRun(h.db, { id: 'run-ada-002', userId: ada, clientKey: `user:${ada}`, outcome: null, createdAt: 3000 });
    insertRun(h.db, { id: 'run-bob-001', userId: bob, clientKey: `user:${bob}`, outcome: 'pass', createdAt: 2000, tests: ['pass'] });
    insertRun(h.db, { id: 'run-guest-1', userId: null, clientKey: 'ip:unknown', outcome: 'fail', createdAt: 2500, tests: ['fail'] });

    const mine = (await (await h.req('/api/labs/demo-lab/attempts', { cookie })).json()).attempts;
    expect(mine.map((a: { runId: string }) => a.runId)).toEqual(['run-ada-002', 'run-ada-001']);
    expect(mine[1]).toMatchObject({ state: 'done', outcome: 'fail', passed: 2, total: 3, createdAt: 1000 });
    expect(mine[0]).toMatchObject({ state: 'running', outcome: null, passed: null, total: null });

    const guest = (await (await h.req('/api/labs/demo-lab/attempts')).json()).attempts;
    expect(guest.map((a: { runId: string }) => a.runId)).toEqual(['run-guest-1']);
  });

  it('reopens one of the caller’s runs with its code and results, and nobody else’s', async () => {
    const h = setup();
    const cookie = h.signIn('ada@example.com');
    const bobCookie = h.signIn('bob@example.com');
    const ada = userIdOf(h.db, 'ada@example.com');
    insertRun(h.db, { id: 'run-ada-001', userId: ada, clientKey: `user:${ada}`, outcome: 'fail', createdAt: 1000, tests: ['pass', 'fail'] });
    const res = await h.req('/api/labs/demo-lab/attempts/run-ada-001', { cookie });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ runId: 'run-ada-001', code: 'code', outcome: 'fail', passed: 1, total: 2 });
    expect(body.results.tests).toHaveLength(2);
    const other = await h.req('/api/labs/demo-lab/attempts/run-ada-001', { cookie: bobCookie });
    expect(other.status).toBe(404);
    expect((await other.json()).error.code).toBe('attempt_not_found');
    expect((await h.req('/api/labs/demo-lab/attempts/run-ada-001')).status).toBe(404);
    expect((await h.req('/api/labs/demo-lab/attempts/bad%20id', { cookie })).status).toBe(400);
  });

  it('unlocks the solution after one of the caller’s runs passes, and not after someone else’s', async () => {
    const h = setup();
    const cookie = h.signIn('ada@example.com');
    const bobCookie = h.signIn('bob@example.com');
    const ada = userIdOf(h.db, 'ada@example.com');
    insertRun(h.db, { id: 'run-ada-001', userId: ada, clientKey: `user:${ada}`, outcome: 'fail', createdAt: 1000, tests: ['fail'] });
    expect((await h.req('/api/labs/demo-lab/solution', { cookie })).status).toBe(403);
    insertRun(h.db, { id: 'run-ada-002', userId: ada, clientKey: `user:${ada}`, outcome: 'pass', createdAt: 2000, tests: ['pass'] });
    const res = await h.req('/api/labs/demo-lab/solution', { cookie });
    expect(res.status).toBe(200);
    expect((await res.json()).unlockedBy).toBe('pass');
    expect((await h.req('/api/labs/demo-lab/solution', { cookie: bobCookie })).status).toBe(403);
  });
});
