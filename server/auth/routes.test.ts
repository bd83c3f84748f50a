// HTTP tests for /api/auth: the account life cycle a person goes through, the error messages they
// see, and account deletion taking every row the user owns with it (through ON DELETE CASCADE).
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { makeHarness, sessionCookie, signUp, type Harness } from '../../tests/security/harness.ts';

const PASSWORD = 'correct horse battery';
let h: Harness;
beforeEach(() => {
  h = makeHarness();
});
afterEach(() => h.close());

const errorOf = async (res: Response) => ((await res.json()) as { error: { code: string; message: string } }).error;

describe('sign-up', () => {
  test('creates the account with the browser time zone and signs in', async () => {
    const res = await h.call('POST', '/api/auth/signup', { body: { email: '  Ada@Example.com ', password: PASSWORD, timezone: 'america/new_york' } });
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ user: { id: 1, email: 'ada@example.com', timezone: 'America/New_York', labLanguage: null } });
    const me = await h.call('GET', '/api/auth/me', { cookie: sessionCookie(res) });
    expect(((await me.json()) as { user: { email: string } }).user.email).toBe('ada@example.com');
  });

  test('without a time zone the account uses UTC', async () => {
    const res = await h.call('POST', '/api/auth/signup', { body: { email: 'utc@example.com', password: PASSWORD } });
    expect(((await res.json()) as { user: { timezone: string } }).user.timezone).toBe('UTC');
  });

  test('a taken email (any letter case) → 409 with a way forward', async () => {
    await signUp(h, 'ada@example.com', PASSWORD);
    const res = await h.call('POST', '/api/auth/signup', { body: { email: 'ADA@example.com', password: 'another long phrase' } });
    expect(res.status).toBe(409);
    expect((await errorOf(res)).message).toMatch(/Sign in instead/);
  });

  test('weak passwords, bad emails and unknown time zones get a 400 that says what to fix', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ email: 'a@example.com', password: 'short' }, /too short/],
      [{ email: 'a@example.com', password: 'password123' }, /commonly used/],
      [{ email: 'not-an-email', password: PASSWORD }, /email address such as/],
      [{ email: 'a@example.com', password: PASSWORD, timezone: 'Mars/Olympus' }, /IANA name/],
      [{ email: 'a@example.com' }, /password/],
    ];
    for (const [body, message] of cases) {
      const res = await h.call('POST', '/api/auth/signup', { body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect((await errorOf(res)).message).toMatch(message);
    }
    expect(h.db.prepare('SELECT COUNT(*) FROM users').pluck().get()).toBe(0);
  });
});

describe('sign-in and sign-out', () => {
  test('a wrong password → 401 with advice; the right one → 200 and a cookie', async () => {
    await signUp(h, 'ada@example.com', PASSWORD);
    const bad = await h.call('POST', '/api/auth/signin', { body: { email: 'ada@example.com', password: 'wrong one!' } });
    expect(bad.status).toBe(401);
    expect((await errorOf(bad)).message).toMatch(/email or password is incorrect/);
    const ok = await h.call('POST', '/api/auth/signin', { body: { email: 'ada@example.com', password: PASSWORD } });
    expect(ok.status).toBe(200);
    expect(sessionCookie(ok)).toMatch(/^lz_session=[a-z2-9]{26}\.[a-z2-9]{26}$/);
  });

  test('guests: /me is null, sign-out is harmless, sign-out-all and PATCH /me say to sign in', async () => {
    expect(await (await h.call('GET', '/api/auth/me')).json()).toEqual({ user: null });
    expect((await h.call('POST', '/api/auth/signout')).status).toBe(200);
    const all = await h.call('POST', '/api/auth/signout-all');
    expect(all.status).toBe(401);
    expect((await errorOf(all)).message).toMatch(/Sign in/);
    expect((await h.call('PATCH', '/api/auth/me', { body: { timezone: 'UTC' } })).status).toBe(401);
  });

  test('PATCH /me stores the canonical zone name', async () => {
    const cookie = await signUp(h);
    const res = await h.call('PATCH', '/api/auth/me', { body: { timezone: 'asia/tokyo' }, cookie });
    expect(((await res.json()) as { user: { timezone: string } }).user.timezone).toBe('Asia/Tokyo');
  });

  test('PATCH /me remembers the lab language, which /me then reports, and refuses one we do not run', async () => {
    const cookie = await signUp(h);
    const before = (await (await h.call('GET', '/api/auth/me', { cookie })).json()) as { user: { labLanguage: string | null; timezone: string } };
    expect(before.user.labLanguage).toBeNull();
    const res = await h.call('PATCH', '/api/auth/me', { body: { labLanguage: 'java' }, cookie });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { user: { labLanguage: string; timezone: string } }).user, 'the time zone is left as it was').toMatchObject({ labLanguage: 'java', timezone: before.user.timezone });
    const after = (await (await h.call('GET', '/api/auth/me', { cookie })).json()) as { user: { labLanguage: string } };
    expect(after.user.labLanguage).toBe('java');

    const kotlin = await h.call('PATCH', '/api/auth/me', { body: { labLanguage: 'kotlin' }, cookie });
    expect(kotlin.status).toBe(400);
    expect((await errorOf(kotlin)).message).toMatch(/typescript, java, python/);
    const empty = await h.call('PATCH', '/api/auth/me', { body: {}, cookie });
    expect(empty.status).toBe(400);
    expect((await errorOf(empty)).message).toMatch(/timezone, labLanguage or both/);
    const still = (await (await h.call('GET', '/api/auth/me', { cookie })).json()) as { user: { labLanguage: string } };
    expect(still.user.labLanguage, 'a refused change keeps what was stored').toBe('java');
  });
});

describe('account deletion', () => {
  test('a wrong password deletes nothing', async () => {
    const cookie = await signUp(h);
    const res = await h.call('DELETE', '/api/auth/me', { body: { password: 'not my password' }, cookie });
    expect(res.status).toBe(401);
    expect((await errorOf(res)).message).toMatch(/not deleted/);
    expect(h.db.prepare('SELECT COUNT(*) FROM users').pluck().get()).toBe(1);
  });

  test('removes the user, every session and every row other tables hold for them, and nobody else\'s', async () => {
    // Stand-ins for the tables other features add: anything that references users(id) ON DELETE CASCADE.
    h.db.exec(`CREATE TABLE test_owned_notes (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE, body TEXT NOT NULL) STRICT;
               CREATE TABLE test_owned_children (id INTEGER PRIMARY KEY, note_id INTEGER NOT NULL REFERENCES test_owned_notes(id) ON DELETE CASCADE) STRICT;`);
    const ada = await signUp(h, 'ada@example.com', PASSWORD);
    const adaPhone = sessionCookie(await h.call('POST', '/api/auth/signin', { body: { email: 'ada@example.com', password: PASSWORD } }))!;
    const grace = await signUp(h, 'grace@example.com', PASSWORD);
    for (const uid of [1, 1, 2]) {
      const note = h.db.prepare('INSERT INTO test_owned_notes (user_id, body) VALUES (?, ?)').run(uid, 'x').lastInsertRowid;
      h.db.prepare('INSERT INTO test_owned_children (note_id) VALUES (?)').run(note);
    }
    const res = await h.call('DELETE', '/api/auth/me', { body: { password: PASSWORD }, cookie: ada });
    expect(res.status).toBe(200);
    expect(sessionCookie(res)).toBe('lz_session=');
    const count = (sql: string) => h.db.prepare(sql).pluck().get();
    expect(count('SELECT COUNT(*) FROM users WHERE id = 1')).toBe(0);
    expect(count('SELECT COUNT(*) FROM sessions WHERE user_id = 1')).toBe(0);
    expect(count('SELECT COUNT(*) FROM test_owned_notes WHERE user_id = 1')).toBe(0);
    expect(count('SELECT COUNT(*) FROM test_owned_children')).toBe(1);
    expect(count('SELECT COUNT(*) FROM test_owned_notes WHERE user_id = 2')).toBe(1);
    expect(await (await h.call('GET', '/api/auth/me', { cookie: adaPhone })).json()).toEqual({ user: null });
    expect(((await (await h.call('GET', '/api/auth/me', { cookie: grace })).json()) as { user: { email: string } }).user.email).toBe('grace@example.com');
    // The email is free again.
    expect((await h.call('POST', '/api/auth/signup', { body: { email: 'ada@example.com', password: PASSWORD } })).status).toBe(201);
  });

  test('every user-owned table in the real schema cascades from users', () => {
    const tables = h.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[];
    for (const t of tables) {
      const fks = h.db.prepare(`PRAGMA foreign_key_list(${JSON.stringify(t)})`).all() as { table: string; on_delete: string }[];
      for (const fk of fks.filter((f) => f.table === 'users')) expect(fk.on_delete, `${t} → users`).toBe('CASCADE');
    }
  });
});

describe('OpenAPI', () => {
  test('/api/openapi.json documents every auth route with its request schema', async () => {
    const doc = (await (await h.call('GET', '/api/openapi.json')).json()) as {
      paths: Record<string, Record<string, { requestBody?: unknown; responses: Record<string, unknown> }>>;
      components: { schemas: Record<string, { additionalProperties?: boolean }> };
    };
    expect(Object.keys(doc.paths['/api/auth/me']).sort()).toEqual(['delete', 'get', 'patch']);
    for (const p of ['signup', 'signin', 'signout', 'signout-all']) expect(doc.paths[`/api/auth/${p}`].post).toBeDefined();
    expect(doc.paths['/api/auth/signin'].post.responses).toHaveProperty('429');
    expect(doc.components.schemas.SignUp.additionalProperties).toBe(false);
  });

  test('the whole document is well-formed: every $ref resolves and every response has a description', async () => {
    const doc = (await (await h.call('GET', '/api/openapi.json')).json()) as { openapi: string; paths: Record<string, Record<string, { responses: Record<string, { description?: string }> }>> };
    expect(doc.openapi).toMatch(/^3\./);
    const refs = JSON.stringify(doc).match(/"\$ref":"[^"]+"/g) ?? [];
    for (const ref of refs) {
      const path = ref.slice(8, -1).replace(/^#\//, '').split('/');
      let node: unknown = doc;
      for (const key of path) node = (node as Record<string, unknown>)?.[key];
      expect(node, ref).toBeDefined();
    }
    for (const [p, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        for (const [code, r] of Object.entries(op.responses)) expect(r.description, `${method} ${p} ${code}`).toBeTruthy();
      }
    }
  });
});
