// Password reset without mail: the admin command makes a one-time link, the link sets a new
// password once within its hour, ends every session of the account and signs the person in; a used,
// expired, superseded or mangled link is refused with a way forward, and a weak new password keeps
// the link usable.
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { makeHarness, sessionCookie, signUp, type Harness } from '../../tests/security/harness.ts';
import { adminCommand } from './admin-cli.ts';
import { RESET_TTL_MS } from './reset.ts';

const OLD = 'correct horse battery';
const NEW = 'violet kettle marathon';
let h: Harness;
beforeEach(() => {
  h = makeHarness();
});
afterEach(() => h.close());

const errorOf = async (res: Response) => ((await res.json()) as { error: { code: string; message: string } }).error;

/** Runs the admin command and returns the token from the link it printed. */
function linkFor(email: string): string {
  const r = adminCommand(['reset-password', email], { db: h.db, baseUrl: 'http://127.0.0.1:4321', now: h.clock.now });
  expect(r.code, r.out).toBe(0);
  const m = /http:\/\/127\.0\.0\.1:4321\/reset-password\/#token=(\S+)/.exec(r.out);
  expect(m, r.out).not.toBeNull();
  return m![1];
}

const signIn = (password: string) => h.call('POST', '/api/auth/signin', { body: { email: 'ada@example.com', password } });

describe('password reset', () => {
  test('a link sets the new password once, ends every other session and signs in', async () => {
    const cookie = await signUp(h, 'ada@example.com', OLD);
    const token = linkFor('Ada@Example.com');
    const res = await h.call('POST', '/api/auth/reset-password', { body: { token, password: NEW } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { user: { email: string } }).user.email).toBe('ada@example.com');
    const fresh = sessionCookie(res);
    expect(((await (await h.call('GET', '/api/auth/me', { cookie: fresh })).json()) as { user: unknown }).user).not.toBeNull();
    expect(((await (await h.call('GET', '/api/auth/me', { cookie })).json()) as { user: unknown }).user, 'the old session ended').toBeNull();
    expect((await signIn(OLD)).status).toBe(401);
    expect((await signIn(NEW)).status).toBe(200);

    const again = await h.call('POST', '/api/auth/reset-password', { body: { token, password: 'another fine phrase' } });
    expect(again.status).toBe(400);
    expect(await errorOf(again)).toMatchObject({ code: 'invalid_reset_link', message: expect.stringMatching(/already used.*npm run admin -- reset-password/) });
    expect((await signIn(NEW)).status, 'a refused link changes nothing').toBe(200);
  });

  test('an expired, superseded or mangled link is refused; a weak password keeps the link usable', async () => {
    await signUp(h, 'ada@example.com', OLD);
    const expired = linkFor('ada@example.com');
    h.clock.advance(RESET_TTL_MS);
    expect(await errorOf(await h.call('POST', '/api/auth/reset-password', { body: { token: expired, password: NEW } }))).toMatchObject({ code: 'invalid_reset_link' });

    const first = linkFor('ada@example.com');
    const second = linkFor('ada@example.com');
    expect((await h.call('POST', '/api/auth/reset-password', { body: { token: first, password: NEW } })).status, 'a newer link cancels the older').toBe(400);
    const [id] = second.split('.');
    expect((await h.call('POST', '/api/auth/reset-password', { body: { token: `${id}.${'a'.repeat(26)}`, password: NEW } })).status, 'the right id with a wrong secret').toBe(400);

    const weak = await h.call('POST', '/api/auth/reset-password', { body: { token: second, password: 'password123' } });
    expect(weak.status).toBe(400);
    expect(await errorOf(weak)).toMatchObject({ code: 'weak_password' });
    expect((await h.call('POST', '/api/auth/reset-password', { body: { token: second, password: NEW } })).status).toBe(200);
    expect((await signIn(NEW)).status).toBe(200);
  });

  test('the admin command explains an unknown email, a missing one and a bad base URL', () => {
    const run = (...args: string[]) => adminCommand(args, { db: h.db, baseUrl: 'http://127.0.0.1:4321', now: h.clock.now });
    expect(run('reset-password', 'nobody@example.com')).toMatchObject({ code: 1, out: expect.stringMatching(/No account has the email nobody@example.com/) });
    expect(run('reset-password')).toMatchObject({ code: 2, out: expect.stringMatching(/Give the account's email/) });
    expect(run('reset-password', 'a@example.com', '--base-url', 'lagzero')).toMatchObject({ code: 2, out: expect.stringMatching(/--base-url must be/) });
    expect(run('make-admin')).toMatchObject({ code: 2, out: expect.stringMatching(/Unknown command "make-admin"/) });
  });

  test('the link honours --base-url', async () => {
    await signUp(h, 'ada@example.com', OLD);
    const r = adminCommand(['reset-password', '--base-url', 'https://lagzero.example/', 'ada@example.com'], { db: h.db, baseUrl: 'http://127.0.0.1:4321', now: h.clock.now });
    expect(r.out).toMatch(/^https:\/\/lagzero\.example\/reset-password\/#token=\S+$/m);
  });
});
