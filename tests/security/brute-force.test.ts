// Row 24: password guessing. Per-IP backoff keyed on the socket address (a spoofed X-Forwarded-For
// changes nothing unless TRUST_PROXY=1), at most 100 failures per hour per account whatever the IP,
// both kept in SQLite so a restart does not reset them, and no password work while throttled.
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { argon2Stats } from '../../server/auth/password.ts';
import { THROTTLE_POLICY } from '../../server/auth/throttle.ts';
import { makeHarness, sessionCookie, signUp, type Harness } from './harness.ts';

const EMAIL = 'ada@example.com';
const PASSWORD = 'correct horse battery';
let h: Harness;

beforeEach(async () => {
  h = makeHarness();
  await signUp(h, EMAIL, PASSWORD);
});
afterEach(() => h.close());

const attempt = (password: string, o: { ip?: string; xff?: string; email?: string } = {}) =>
  h.call('POST', '/api/auth/signin', {
    body: { email: o.email ?? EMAIL, password },
    ip: o.ip,
    headers: o.xff ? { 'x-forwarded-for': o.xff } : {},
  });

describe('brute force from one machine with a rotating spoofed X-Forwarded-For', () => {
  test('150 bad guesses are throttled with 429 + Retry-After; the right password works after the wait', async () => {
    const verifiesBefore = argon2Stats.verifies;
    const statuses: number[] = [];
    let retryAfter = 0;
    for (let i = 0; i < 150; i++) {
      const res = await attempt(`guess-number-${i}`, { xff: `203.0.113.${i % 250}, 10.0.0.${i % 250}` });
      statuses.push(res.status);
      if (res.status === 429) {
        retryAfter = Number(res.headers.get('retry-after'));
        const body = (await res.json()) as { error: { code: string; message: string } };
        expect(body.error.code).toBe('too_many_attempts');
        expect(body.error.message).toMatch(/Wait \d+ (seconds|minutes)/);
      }
    }
    const passed = statuses.filter((s) => s === 401).length;
    expect(passed).toBeLessThanOrEqual(THROTTLE_POLICY.ipFreeFailures + 1);
    expect(statuses.slice(-100).every((s) => s === 429)).toBe(true);
    expect(retryAfter).toBeGreaterThan(0);
    // Throttled requests cost no Argon2 work, so a flood cannot exhaust the CPU.
    expect(argon2Stats.verifies - verifiesBefore).toBe(passed);

    // While blocked even the right password is refused (otherwise the block would leak which guess is right).
    expect((await attempt(PASSWORD)).status).toBe(429);
    // The block survives a restart.
    h.restart();
    const again = await attempt(PASSWORD);
    expect(again.status).toBe(429);
    h.clock.advance(Number(again.headers.get('retry-after')) * 1000);
    const ok = await attempt(PASSWORD, { xff: '192.0.2.1' });
    expect(ok.status).toBe(200);
    expect(sessionCookie(ok)).toBeDefined();
  });

  test('another machine is not blocked by someone else\'s guessing', async () => {
    for (let i = 0; i < THROTTLE_POLICY.ipFreeFailures + 3; i++) await attempt(`bad-${i}`, { ip: '198.51.100.66' });
    expect((await attempt('bad', { ip: '198.51.100.66' })).status).toBe(429);
    expect((await attempt(PASSWORD, { ip: '198.51.100.77' })).status).toBe(200);
  });

  test('with TRUST_PROXY=1 the first X-Forwarded-For address is the client', async () => {
    const p = makeHarness({ trustProxy: true });
    try {
      await signUp(p, EMAIL, PASSWORD);
      const call = (password: string, xff: string) =>
        p.call('POST', '/api/auth/signin', { body: { email: EMAIL, password }, headers: { 'x-forwarded-for': xff } });
      for (let i = 0; i < THROTTLE_POLICY.ipFreeFailures + 3; i++) await call(`bad-${i}`, '203.0.113.9');
      expect((await call(PASSWORD, '203.0.113.9')).status).toBe(429);
      expect((await call(PASSWORD, '203.0.113.10')).status).toBe(200);
    } finally {
      p.close();
    }
  });
});

describe('distributed guessing against one account', () => {
  test('after 100 failures in an hour the account refuses sign-in from any address until the hour is over', async () => {
    for (let i = 0; i < THROTTLE_POLICY.accountMaxFailures; i++) {
      const res = await attempt(`botnet-guess-${i}`, { ip: `10.${i >> 8}.${i & 255}.1` });
      expect(res.status, `guess ${i}`).toBe(401);
    }
    const blocked = await attempt(PASSWORD, { ip: '192.0.2.200' });
    expect(blocked.status).toBe(429);
    const wait = Number(blocked.headers.get('retry-after'));
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(THROTTLE_POLICY.accountWindowMs / 1000);
    h.clock.advance(wait * 1000);
    expect((await attempt(PASSWORD, { ip: '192.0.2.200' })).status).toBe(200);
  });
});
