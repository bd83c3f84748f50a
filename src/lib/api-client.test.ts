// The browser API client against a stubbed fetch: how error bodies become ApiErrors, what a request
// sends, and that the signed-in user is looked up once per page until forgotten.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError, apiJson, apiResult, currentUser, describeFailure, forgetCurrentUser } from './api-client.ts';

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

let fetchMock: ReturnType<typeof vi.fn>;
beforeEach(() => {
  fetchMock = vi.fn();
  vi.stubGlobal('fetch', fetchMock);
  vi.stubGlobal('window', new EventTarget());
  forgetCurrentUser();
});
afterEach(() => vi.unstubAllGlobals());

describe('describeFailure', () => {
  it('keeps the server code and message, and the field problems of a validation error', async () => {
    const e = await describeFailure(json(400, {
      error: { code: 'invalid_request', message: 'Invalid request: email: Invalid email', details: [{ path: 'email', message: 'Invalid email' }, { path: 'email', message: 'second' }, { path: 'password', message: 'Too short' }] },
    }));
    expect(e).toBeInstanceOf(ApiError);
    expect([e.status, e.code, e.message]).toEqual([400, 'invalid_request', 'Invalid request: email: Invalid email']);
    expect(e.fields).toEqual({ email: 'Invalid email', password: 'Too short' });
    expect(e.retryAfter).toBeNull();
  });

  it('takes a 429 retry time from Retry-After, else from the details', async () => {
    expect((await describeFailure(json(429, { error: { code: 'too_many_runs', message: 'Wait 12 s.' } }, { 'retry-after': '12' }))).retryAfter).toBe(12);
    expect((await describeFailure(json(429, { error: { code: 'x', message: 'm', details: { retryAfterSeconds: 7 } } }))).retryAfter).toBe(7);
    const bare = await describeFailure(new Response('', { status: 429, headers: { 'retry-after': '30' } }));
    expect(bare.message).toContain('30 s');
  });

  it('explains a response without a JSON error body by its status', async () => {
    const e = await describeFailure(new Response('<html>Bad gateway</html>', { status: 502 }));
    expect([e.code, e.fields]).toEqual(['http_502', {}]);
    expect(e.message).toMatch(/HTTP 502/);
    expect((await describeFailure(new Response('null', { status: 404 }))).message).toMatch(/HTTP 404/);
  });
});

describe('apiJson', () => {
  it('sends JSON with the session cookie and returns the parsed body', async () => {
    fetchMock.mockResolvedValue(json(200, { ok: 1 }));
    expect(await apiJson('/api/x', { method: 'PUT', body: { a: 1 }, headers: { 'x-quiz-token': 't' } })).toEqual({ ok: 1 });
    const [path, init] = fetchMock.mock.calls[0] as [string, RequestInit];
    expect(path).toBe('/api/x');
    expect(init).toMatchObject({ method: 'PUT', credentials: 'same-origin', body: '{"a":1}' });
    expect(init.headers).toEqual({ accept: 'application/json', 'content-type': 'application/json', 'x-quiz-token': 't' });
  });

  it('sends no content type without a body, and resolves an empty answer to null', async () => {
    fetchMock.mockResolvedValue(new Response(null, { status: 204 }));
    expect(await apiJson('/api/y')).toBeNull();
    const init = fetchMock.mock.calls[0][1] as RequestInit;
    expect(init).toMatchObject({ method: 'GET', body: undefined });
    expect(init.headers).toEqual({ accept: 'application/json' });
  });

  it('throws an ApiError for an HTTP error and for an unreachable server', async () => {
    fetchMock.mockResolvedValueOnce(json(409, { error: { code: 'quiz_submitted', message: 'Already submitted.' } }));
    await expect(apiJson('/api/q')).rejects.toMatchObject({ status: 409, code: 'quiz_submitted', message: 'Already submitted.' });
    fetchMock.mockRejectedValueOnce(new TypeError('Failed to fetch'));
    await expect(apiJson('/api/q')).rejects.toMatchObject({ status: 0, code: 'network' });
  });
});

describe('apiResult', () => {
  it('returns the data or the ApiError instead of throwing', async () => {
    fetchMock.mockResolvedValueOnce(json(201, { user: { id: 1 } }));
    expect(await apiResult('/api/auth/signup', { method: 'POST', body: {} })).toEqual({ ok: true, data: { user: { id: 1 } } });
    fetchMock.mockResolvedValueOnce(json(401, { error: { code: 'wrong_password', message: 'Wrong password.' } }));
    const r = await apiResult('/api/auth/signin', { method: 'POST', body: {} });
    expect(r.ok).toBe(false);
    if (!r.ok) expect([r.error.status, r.error.code]).toEqual([401, 'wrong_password']);
  });
});

describe('currentUser', () => {
  const ada = { id: 1, email: 'ada@example.com', timezone: 'UTC' };

  it('asks the server once for every caller, announces the user, and asks again once forgotten', async () => {
    const seen: unknown[] = [];
    window.addEventListener('lz:user', (e) => seen.push((e as CustomEvent).detail));
    fetchMock.mockImplementation(async () => json(200, { user: ada }));
    const [a, b] = await Promise.all([currentUser(), currentUser()]);
    expect(a).toEqual(ada);
    expect(b).toBe(a);
    expect(await currentUser()).toBe(a);
    expect(fetchMock).toHaveBeenCalledTimes(1);
    expect(fetchMock.mock.calls[0][0]).toBe('/api/auth/me');
    expect(seen).toEqual([ada]);

    forgetCurrentUser();
    fetchMock.mockImplementation(async () => json(200, { user: null }));
    expect(await currentUser()).toBeNull();
    expect(fetchMock).toHaveBeenCalledTimes(2);
    expect(seen).toHaveLength(1);
  });

  it('is null for a guest when the server refuses or cannot be reached', async () => {
    fetchMock.mockResolvedValueOnce(json(401, { error: { code: 'unauthenticated', message: 'Sign in.' } }));
    expect(await currentUser()).toBeNull();
    forgetCurrentUser();
    fetchMock.mockRejectedValueOnce(new TypeError('Failed to fetch'));
    expect(await currentUser()).toBeNull();
  });
});
