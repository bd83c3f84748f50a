// Row 25: user enumeration. Sign-in answers an unknown email exactly as it answers a wrong password,
// and does the same Argon2 work for both (a dummy hash), so timing does not tell them apart either.
// Latencies are printed for the record, never asserted: timing assertions flake on a busy machine.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { argon2Stats } from '../../server/auth/password.ts';
import { makeHarness, signUp, type Harness } from './harness.ts';

let h: Harness;
beforeAll(async () => {
  h = makeHarness();
  await signUp(h, 'ada@example.com', 'correct horse battery');
});
afterAll(() => h.close());

async function failedSignIn(email: string, i: number) {
  const verifies = argon2Stats.verifies;
  const start = performance.now();
  // A fresh socket address per attempt keeps the per-IP backoff out of the measurement.
  const res = await h.call('POST', '/api/auth/signin', { body: { email, password: `wrong-password-${i}` }, ip: `10.1.${i}.${email.length}` });
  const ms = performance.now() - start;
  return { status: res.status, body: await res.text(), setCookie: res.headers.getSetCookie(), ms, argon2: argon2Stats.verifies - verifies };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

test('unknown email and wrong password give the same status, body and headers, and both run Argon2', async () => {
  const known: Awaited<ReturnType<typeof failedSignIn>>[] = [];
  const unknown: typeof known = [];
  for (let i = 0; i < 9; i++) {
    known.push(await failedSignIn('ada@example.com', i));
    unknown.push(await failedSignIn(`nobody-${i}@example.com`, i));
  }
  for (const r of [...known, ...unknown]) {
    expect(r.status).toBe(401);
    expect(r.body).toBe(known[0].body);
    expect(r.setCookie).toEqual([]);
    expect(r.argon2).toBe(1);
  }
  const k = median(known.map((r) => r.ms));
  const u = median(unknown.map((r) => r.ms));
  console.log(`sign-in failure latency, median of 9: wrong password ${k.toFixed(1)} ms, unknown email ${u.toFixed(1)} ms`);
});

test('the email\'s letter case does not reveal anything either', async () => {
  const a = await failedSignIn('ADA@Example.com', 50);
  const b = await failedSignIn('ada@example.com', 51);
  expect(a.status).toBe(b.status);
  expect(a.body).toBe(b.body);
});
