// Row 26: oversized and chunked bodies (413), a huge password refused before any hashing, mass
// assignment (unknown keys → 400 from strict schemas) and bodies that are not JSON (400).
import { serve } from '@hono/node-server';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { MAX_BODY_BYTES } from '../../server/app.ts';
import { argon2Stats } from '../../server/auth/password.ts';
import { ORIGIN, makeHarness, signUp, type Harness } from './harness.ts';

let h: Harness;
beforeEach(() => {
  h = makeHarness();
});
afterEach(() => h.close());

const userCount = () => h.db.prepare('SELECT COUNT(*) FROM users').pluck().get() as number;
const argonCalls = () => argon2Stats.hashes + argon2Stats.verifies;
const errorCode = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

function chunkedStream(totalBytes: number, chunk = 16 * 1024): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent >= totalBytes) return controller.close();
      const n = Math.min(chunk, totalBytes - sent);
      controller.enqueue(new TextEncoder().encode('x'.repeat(n)));
      sent += n;
    },
  });
}

describe('oversized bodies', () => {
  test('a body over the limit with Content-Length → 413 and no account', async () => {
    const before = argonCalls();
    const res = await h.call('POST', '/api/auth/signup', { body: { email: 'big@example.com', password: 'p'.repeat(1024 * 1024) } });
    expect(res.status).toBe(413);
    expect(await errorCode(res)).toBe('body_too_large');
    expect(argonCalls()).toBe(before);
    expect(userCount()).toBe(0);
  });

  test('a chunked body without Content-Length → 413', async () => {
    const res = await h.app.request('/api/auth/signin', {
      method: 'POST',
      headers: { origin: ORIGIN, 'content-type': 'application/json' },
      body: chunkedStream(MAX_BODY_BYTES * 2),
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
  });

  test('a chunked body that lies with a small Content-Length → 413', async () => {
    const res = await h.app.request('/api/auth/signin', {
      method: 'POST',
      headers: { origin: ORIGIN, 'content-type': 'application/json', 'content-length': '20', 'transfer-encoding': 'chunked' },
      body: chunkedStream(MAX_BODY_BYTES * 2),
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
  });

  test('over a real socket, a chunked 1 MB upload gets 413', async () => {
    const server = serve({ fetch: h.app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise((r) => server.once('listening', r));
    const { port } = server.address() as AddressInfo;
    try {
      const status = await new Promise<number>((resolve, reject) => {
        const req = httpRequest(
          { host: '127.0.0.1', port, method: 'POST', path: '/api/auth/signin', headers: { origin: `http://127.0.0.1:${port}`, 'content-type': 'application/json' } },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', (e) => ((e as NodeJS.ErrnoException).code === 'EPIPE' || (e as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : reject(e)));
        for (let i = 0; i < 64; i++) req.write('x'.repeat(16 * 1024)); // no Content-Length: Node sends it chunked
        req.end();
      });
      expect(status).toBe(413);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  test('a long password under the body limit is refused by validation, before any hashing', async () => {
    await signUp(h);
    const before = argonCalls();
    const long = 'p'.repeat(200 * 1024);
    const signin = await h.call('POST', '/api/auth/signin', { body: { email: 'ada@example.com', password: long } });
    expect(signin.status).toBe(400);
    const signup = await h.call('POST', '/api/auth/signup', { body: { email: 'new@example.com', password: long } });
    expect(signup.status).toBe(400);
    expect(argonCalls()).toBe(before);
  });

  test('129 characters is too long, 128 is accepted', async () => {
    const tooLong = await h.call('POST', '/api/auth/signup', { body: { email: 'a@example.com', password: 'Kx9'.repeat(43) } });
    expect(tooLong.status).toBe(400);
    expect(((await tooLong.json()) as { error: { message: string } }).error.message).toMatch(/at most 128/);
    const ok = await h.call('POST', '/api/auth/signup', { body: { email: 'b@example.com', password: 'Kx9'.repeat(42) + 'ab' } });
    expect(ok.status).toBe(201);
  });
});

describe('mass assignment', () => {
  test('sign-up with {role:"admin"} → 400 and no account', async () => {
    const res = await h.call('POST', '/api/auth/signup', { body: { email: 'mallory@example.com', password: 'correct horse battery', role: 'admin' } });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { message: string } };
    expect(body.error.message).toMatch(/role/);
    expect(userCount()).toBe(0);
  });

  test('PATCH /me cannot change the email, id or password hash', async () => {
    const cookie = await signUp(h);
    for (const extra of [{ email: 'mallory@example.com' }, { id: 99 }, { password_hash: 'x' }, { role: 'admin' }]) {
      const res = await h.call('PATCH', '/api/auth/me', { body: { timezone: 'Asia/Tokyo', ...extra }, cookie });
      expect(res.status).toBe(400);
    }
    expect(h.db.prepare('SELECT id, email, timezone FROM users').all()).toEqual([{ id: 1, email: 'ada@example.com', timezone: 'Europe/Berlin' }]);
  });
});

describe('wrong Content-Type', () => {
  for (const type of ['text/plain', 'application/x-www-form-urlencoded', '']) {
    test(`JSON sent as "${type || 'no Content-Type'}" → 400 that names the problem`, async () => {
      const res = await h.call('POST', '/api/auth/signup', {
        body: JSON.stringify({ email: 'x@example.com', password: 'correct horse battery' }),
        headers: { 'content-type': type },
      });
      expect(res.status).toBe(400);
      expect(await errorCode(res)).toBe('unsupported_content_type');
      expect(userCount()).toBe(0);
    });
  }

  test('malformed JSON → 400, not 500', async () => {
    const res = await h.call('POST', '/api/auth/signin', { body: '{"email": "a@b.c", ' });
    expect(res.status).toBe(400);
    expect(await errorCode(res)).toBe('malformed_json');
  });
});
