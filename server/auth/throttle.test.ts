// Unit tests for login throttling: the backoff curve, the hourly account window, forgetting old IP
// failures, and that an unregistered email is throttled exactly like a registered one.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { openDb, type Db } from '../db/index.ts';
import { THROTTLE_POLICY, checkLogin, ipDelayMs, pruneThrottle, recordFailure, recordSuccess } from './throttle.ts';

const T0 = Date.UTC(2026, 0, 1);
let dir: string;
let db: Db;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lz-throttle-'));
  db = openDb(dir);
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

test('IP backoff: free failures, then doubling, then a cap', () => {
  const free = THROTTLE_POLICY.ipFreeFailures;
  expect(ipDelayMs(free)).toBe(0);
  expect(ipDelayMs(free + 1)).toBe(THROTTLE_POLICY.ipBaseDelayMs);
  expect(ipDelayMs(free + 2)).toBe(2 * THROTTLE_POLICY.ipBaseDelayMs);
  expect(ipDelayMs(free + 5)).toBe(16 * THROTTLE_POLICY.ipBaseDelayMs);
  expect(ipDelayMs(10_000)).toBe(THROTTLE_POLICY.ipMaxDelayMs);
});

test('an IP is blocked after its free failures and free again after the wait', () => {
  for (let i = 0; i <= THROTTLE_POLICY.ipFreeFailures; i++) recordFailure(db, `u${i}@example.com`, '10.0.0.1', T0);
  const v = checkLogin(db, 'someone@example.com', '10.0.0.1', T0);
  expect(v).toEqual({ allowed: false, retryAfterSeconds: 1, scope: 'ip' });
  expect(checkLogin(db, 'someone@example.com', '10.0.0.2', T0).allowed).toBe(true);
  expect(checkLogin(db, 'someone@example.com', '10.0.0.1', T0 + THROTTLE_POLICY.ipBaseDelayMs).allowed).toBe(true);
});

test('old IP failures are forgotten after a quiet day', () => {
  for (let i = 0; i < 20; i++) recordFailure(db, 'a@example.com', '10.0.0.1', T0);
  recordFailure(db, 'a@example.com', '10.0.0.1', T0 + THROTTLE_POLICY.ipForgetAfterMs);
  expect(db.prepare("SELECT failures FROM login_failures_ip WHERE ip = '10.0.0.1'").pluck().get()).toBe(1);
});

test('the account limit counts failures per hour window, for registered and unknown emails alike', () => {
  const spread = (email: string) => {
    for (let i = 0; i < THROTTLE_POLICY.accountMaxFailures; i++) recordFailure(db, email, `10.1.${i >> 8}.${i & 255}`, T0 + i);
  };
  db.prepare("INSERT INTO users (email, password_hash, created_at) VALUES ('real@example.com', 'x', 0)").run();
  spread('real@example.com');
  spread('ghost@example.com');
  const real = checkLogin(db, 'real@example.com', '192.0.2.1', T0 + 1000);
  const ghost = checkLogin(db, 'ghost@example.com', '192.0.2.1', T0 + 1000);
  expect(real).toEqual(ghost);
  expect(real).toMatchObject({ allowed: false, scope: 'account', retryAfterSeconds: 3599 });
  expect(checkLogin(db, 'REAL@example.com', '192.0.2.1', T0 + 1000).allowed).toBe(false);
  expect(checkLogin(db, 'real@example.com', '192.0.2.1', T0 + THROTTLE_POLICY.accountWindowMs).allowed).toBe(true);
});

test('99 failures still allow a try; success clears the account counter', () => {
  for (let i = 0; i < THROTTLE_POLICY.accountMaxFailures - 1; i++) recordFailure(db, 'a@example.com', `10.2.0.${i}`, T0);
  expect(checkLogin(db, 'a@example.com', '192.0.2.1', T0).allowed).toBe(true);
  recordSuccess(db, 'a@example.com');
  expect(db.prepare('SELECT COUNT(*) FROM login_failures_account').pluck().get()).toBe(0);
});

test('pruning drops rows that no longer matter', () => {
  recordFailure(db, 'a@example.com', '10.0.0.1', T0);
  pruneThrottle(db, T0 + THROTTLE_POLICY.ipForgetAfterMs);
  expect(db.prepare('SELECT COUNT(*) FROM login_failures_account').pluck().get()).toBe(0);
  expect(db.prepare('SELECT COUNT(*) FROM login_failures_ip').pluck().get()).toBe(0);
});
