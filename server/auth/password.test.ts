// Unit tests for password hashing and policy. Also prints how long one Argon2id hash takes here.
import { parseOptions } from '@node-rs/argon2';
import { describe, expect, test } from 'vitest';
import { PASSWORD_MAX, commonPasswords, hashPassword, passwordProblem, verifyDummy, verifyPassword } from './password.ts';

describe('Argon2id', () => {
  test('hashes use Argon2id with m=19456 KiB, t=2, p=1 and a random salt', async () => {
    const start = performance.now();
    const a = await hashPassword('correct horse battery');
    console.log(`one Argon2id hash (m=19456, t=2, p=1): ${(performance.now() - start).toFixed(1)} ms`);
    const b = await hashPassword('correct horse battery');
    expect(a).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(a).not.toBe(b);
    const opts = parseOptions(a);
    expect([opts.memoryCost, opts.timeCost, opts.parallelism]).toEqual([19456, 2, 1]);
  });

  test('verify accepts the password, rejects others, and treats a broken hash as no match', async () => {
    const h = await hashPassword('correct horse battery');
    expect(await verifyPassword(h, 'correct horse battery')).toBe(true);
    expect(await verifyPassword(h, 'Correct horse battery')).toBe(false);
    expect(await verifyPassword('not-a-hash', 'x')).toBe(false);
    expect(await verifyDummy('anything')).toBe(false);
  });
});

describe('policy', () => {
  test('length 8-128 characters, counted as characters not UTF-16 units', () => {
    expect(passwordProblem('short7!', 'a@example.com')).toMatch(/too short/);
    expect(passwordProblem('x'.repeat(PASSWORD_MAX + 1), 'a@example.com')).toMatch(/too long/);
    expect(passwordProblem('🦊'.repeat(PASSWORD_MAX), 'a@example.com')).toBeNull();
    expect(passwordProblem('Tq7#mL2!', 'a@example.com')).toBeNull();
  });

  test('common passwords are refused in any letter case', () => {
    for (const p of ['password', 'PASSWORD1', 'qwerty123', 'iloveyou', '12345678', 'Football1']) {
      expect(passwordProblem(p, 'a@example.com'), p).toMatch(/commonly used/);
    }
  });

  test('the password cannot be the email or its local part', () => {
    expect(passwordProblem('grace.hopper@example.com', 'grace.hopper@example.com')).toMatch(/email/);
    expect(passwordProblem('Grace.Hopper', 'grace.hopper@example.com')).toMatch(/email/);
  });

  test('the blocklist is small, lower case, and only holds passwords the length rule would allow', () => {
    const list = commonPasswords();
    expect(list.size).toBeGreaterThanOrEqual(300);
    expect(list.size).toBeLessThanOrEqual(3000);
    for (const p of list) {
      expect(p.length).toBeGreaterThanOrEqual(8);
      expect(p).toBe(p.toLowerCase());
    }
  });
});
