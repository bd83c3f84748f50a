// Rows 21-22 of the security table: session fixation, replay after sign-out (here and everywhere),
// idle and absolute expiry on an injected clock, and replay of values leaked from the database.
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { SESSION_POLICY } from '../../server/auth/session.ts';
import { makeHarness, sessionCookie, signUp, type Harness } from './harness.ts';

const DAY = 24 * 60 * 60 * 1000;
const PASSWORD = 'correct horse battery';
let h: Harness;

beforeEach(() => {
  h = makeHarness();
});
afterEach(() => h.close());

async function signIn(cookie?: string, email = 'ada@example.com') {
  return h.call('POST', '/api/auth/signin', { body: { email, password: PASSWORD }, cookie });
}
/** PATCH /me needs a valid session: 200 when the cookie works, 401 when it does not. */
async function authStatus(cookie: string) {
  return (await h.call('PATCH', '/api/auth/me', { body: { timezone: 'UTC' }, cookie })).status;
}
async function me(cookie: string) {
  return ((await (await h.call('GET', '/api/auth/me', { cookie })).json()) as { user: { email: string } | null }).user;
}
const sessionRows = () => h.db.prepare('SELECT COUNT(*) FROM sessions').pluck().get() as number;

describe('session fixation', () => {
  test('signing in issues a new token, never the one the browser presented', async () => {
    const first = await signUp(h);
    const res = await signIn(first);
    expect(res.status).toBe(200);
    const second = sessionCookie(res)!;
    expect(second).toBeDefined();
    expect(second).not.toBe(first);
    expect(await authStatus(second)).toBe(200);
    // The presented session belonged to this browser and is ended, so a copy of it is worthless.
    expect(await authStatus(first)).toBe(401);
  });

  test('an attacker-planted cookie never becomes a valid session', async () => {
    await signUp(h);
    const planted = `lz_session=${'a'.repeat(26)}.${'b'.repeat(26)}`;
    const res = await signIn(planted);
    expect(res.status).toBe(200);
    expect(sessionCookie(res)).not.toBe(planted);
    expect(await me(planted)).toBeNull();
    expect(await authStatus(planted)).toBe(401);
  });

  test('signing in on a second device keeps the first device signed in', async () => {
    const laptop = await signUp(h);
    const phone = sessionCookie(await signIn())!;
    expect(await authStatus(laptop)).toBe(200);
    expect(await authStatus(phone)).toBe(200);
  });
});

describe('replay after sign-out', () => {
  test('a token used after sign-out is rejected and its row is gone', async () => {
    const cookie = await signUp(h);
    const out = await h.call('POST', '/api/auth/signout', { cookie });
    expect(out.status).toBe(200);
    expect(sessionCookie(out)).toMatch(/^lz_session=$/);
    expect(sessionRows()).toBe(0);
    expect(await authStatus(cookie)).toBe(401);
    expect(await me(cookie)).toBeNull();
  });

  test('sign out everywhere ends every device\'s session', async () => {
    const a = await signUp(h);
    const b = sessionCookie(await signIn())!;
    const c = sessionCookie(await signIn())!;
    const res = await h.call('POST', '/api/auth/signout-all', { cookie: b });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ended: 3 });
    for (const cookie of [a, b, c]) expect(await authStatus(cookie)).toBe(401);
    expect(sessionRows()).toBe(0);
  });
});

describe('expiry on the server clock', () => {
  test('a session idle past the inactivity timeout is rejected and deleted', async () => {
    const cookie = await signUp(h);
    h.clock.advance(SESSION_POLICY.inactivityMs - 60_000);
    expect(await authStatus(cookie)).toBe(200);
    h.clock.advance(SESSION_POLICY.inactivityMs + 1);
    expect(await authStatus(cookie)).toBe(401);
    expect(sessionRows()).toBe(0);
  });

  test('activity keeps a session alive, but never past the absolute lifetime', async () => {
    const cookie = await signUp(h);
    let elapsed = 0;
    while (elapsed + 10 * DAY < SESSION_POLICY.absoluteMs) {
      h.clock.advance(10 * DAY);
      elapsed += 10 * DAY;
      expect(await authStatus(cookie), `still signed in after ${elapsed / DAY} active days`).toBe(200);
    }
    h.clock.advance(SESSION_POLICY.absoluteMs - elapsed);
    expect(await authStatus(cookie)).toBe(401);
    expect(sessionRows()).toBe(0);
  });

  test('the cookie lifetime is refreshed when activity extends the session', async () => {
    const cookie = await signUp(h);
    h.clock.advance(2 * SESSION_POLICY.refreshIntervalMs);
    const res = await h.call('GET', '/api/auth/me', { cookie });
    const line = res.headers.getSetCookie().find((l) => l.startsWith('lz_session='));
    expect(line).toContain(`Max-Age=${SESSION_POLICY.inactivityMs / 1000}`);
    expect(line?.split(';')[0]).toBe(cookie);
  });
});

describe('replay of values leaked from the database', () => {
  test('no stored value works as a cookie', async () => {
    const cookie = await signUp(h);
    const row = h.db.prepare('SELECT id, secret_hash FROM sessions').get() as { id: string; secret_hash: Buffer };
    // The real token's secret is not in the database at all.
    expect(cookie.split('.')[1]).toBeDefined();
    expect(row.secret_hash.toString('hex')).not.toContain(cookie.split('.')[1]);
    const leaked = [
      row.id,
      `${row.id}.${row.secret_hash.toString('hex')}`,
      `${row.id}.${row.secret_hash.toString('base64url')}`,
      `${row.id}.${row.secret_hash.toString('latin1')}`,
      row.secret_hash.toString('hex'),
    ];
    for (const value of leaked) {
      const forged = `lz_session=${encodeURIComponent(value)}`;
      expect(await authStatus(forged), value).toBe(401);
      expect(await me(forged)).toBeNull();
    }
    expect(await authStatus(cookie)).toBe(200);
  });

  test('a token with the right id but a different secret is rejected', async () => {
    const cookie = await signUp(h);
    const [id] = cookie.slice('lz_session='.length).split('.');
    expect(await authStatus(`lz_session=${id}.${'z'.repeat(26)}`)).toBe(401);
  });
});

describe('cookie attributes', () => {
  test('development: HttpOnly, SameSite=Lax, Path=/, no Secure', async () => {
    const res = await h.call('POST', '/api/auth/signup', { body: { email: 'dev@example.com', password: PASSWORD } });
    const line = res.headers.getSetCookie().find((l) => l.startsWith('lz_session='))!;
    expect(line).toMatch(/; HttpOnly/);
    expect(line).toMatch(/; SameSite=Lax/);
    expect(line).toMatch(/; Path=\//);
    expect(line).not.toMatch(/Secure/);
    expect(line).toContain(`Max-Age=${SESSION_POLICY.inactivityMs / 1000}`);
  });

  test('production: the __Host- cookie is Secure and only that name is read', async () => {
    const p = makeHarness({ production: true });
    try {
      const res = await p.call('POST', '/api/auth/signup', { body: { email: 'prod@example.com', password: PASSWORD } });
      const line = res.headers.getSetCookie().find((l) => l.startsWith('__Host-lz_session='))!;
      expect(line).toMatch(/; Secure/);
      expect(line).toMatch(/; HttpOnly/);
      expect(line).not.toMatch(/Domain=/i);
      const token = line.split(';')[0].split('=')[1];
      const ok = await p.call('GET', '/api/auth/me', { cookie: `__Host-lz_session=${token}` });
      expect(((await ok.json()) as { user: unknown }).user).not.toBeNull();
      const unprefixed = await p.call('GET', '/api/auth/me', { cookie: `lz_session=${token}` });
      expect(((await unprefixed.json()) as { user: unknown }).user).toBeNull();
    } finally {
      p.close();
    }
  });
});
