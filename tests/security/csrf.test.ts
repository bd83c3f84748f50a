// Row 23: cross-site request forgery. Every non-GET/HEAD /api request needs an Origin naming this
// site; a foreign, opaque or missing Origin is refused with 403 before anything changes.
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { makeHarness, sessionCookie, signUp, type Harness } from './harness.ts';

let h: Harness;
let cookie: string;
const users = () => h.db.prepare('SELECT email, timezone FROM users').all();

beforeEach(async () => {
  h = makeHarness();
  cookie = await signUp(h);
});
afterEach(() => h.close());

describe('unsafe methods from elsewhere are refused', () => {
  const foreign = ['https://evil.example', 'http://localhost.evil.example', 'http://evil.example:80', 'null', 'http://localhost/path'];
  for (const origin of foreign) {
    test(`Origin ${origin} → 403, nothing changes`, async () => {
      const before = users();
      const res = await h.call('PATCH', '/api/auth/me', { body: { timezone: 'Asia/Tokyo' }, cookie, headers: { origin } });
      expect(res.status).toBe(403);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('origin_forbidden');
      expect(users()).toEqual(before);
    });
  }

  test('a missing Origin → 403 with a message saying what is wrong', async () => {
    const res = await h.app.request('/api/auth/signout-all', { method: 'POST', headers: { cookie } });
    expect(res.status).toBe(403);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('origin_missing');
    expect(body.error.message).toMatch(/Origin/);
    expect(await (await h.call('GET', '/api/auth/me', { cookie })).json()).toMatchObject({ user: { email: 'ada@example.com' } });
  });

  for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
    test(`a cross-site form-style POST (${type}) → 403`, async () => {
      const res = await h.call('POST', '/api/auth/signout-all', {
        body: 'email=x', cookie, headers: { origin: 'https://evil.example', 'content-type': type },
      });
      expect(res.status).toBe(403);
      expect((await h.call('PATCH', '/api/auth/me', { body: { timezone: 'UTC' }, cookie })).status).toBe(200);
    });
  }

  test('a text/plain POST without Origin (what a plain HTML form from an old browser sends) → 403', async () => {
    const res = await h.app.request('/api/auth/signin', {
      method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{"email":"ada@example.com","password":"x"}',
    });
    expect(res.status).toBe(403);
  });

  test('DELETE of the account from a foreign origin → 403 and the account survives', async () => {
    const res = await h.call('DELETE', '/api/auth/me', { body: { password: 'correct horse battery' }, cookie, headers: { origin: 'https://evil.example' } });
    expect(res.status).toBe(403);
    expect(users()).toHaveLength(1);
  });
});

describe('requests from this site work', () => {
  test('same-origin unsafe requests pass; GET needs no Origin', async () => {
    expect((await h.call('PATCH', '/api/auth/me', { body: { timezone: 'Asia/Tokyo' }, cookie })).status).toBe(200);
    const get = await h.app.request('/api/auth/me', { headers: { cookie } });
    expect(get.status).toBe(200);
  });

  test('an origin listed in LAGZERO_ALLOWED_ORIGINS is accepted', async () => {
    process.env.LAGZERO_ALLOWED_ORIGINS = 'https://lagzero.example';
    const h2 = makeHarness();
    try {
      const res = await h2.call('POST', '/api/auth/signup', {
        body: { email: 'grace@example.com', password: 'another long phrase' }, headers: { origin: 'https://lagzero.example' },
      });
      expect(res.status).toBe(201);
      expect(sessionCookie(res)).toBeDefined();
    } finally {
      delete process.env.LAGZERO_ALLOWED_ORIGINS;
      h2.close();
    }
  });
});
