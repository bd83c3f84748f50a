// Browser-side calls to the labs, runs and lab-page APIs. Every failure becomes an ApiFailure
// whose message a learner can act on (code too large, rate limited with the wait, bad input).

/** An API error turned into a sentence for the learner. */
export class ApiFailure extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
    /** Seconds to wait before retrying (429 only). */
    readonly retryAfter: number | null = null,
  ) {
    super(message);
  }
}

interface ErrorBody { error?: { code?: string; message?: string; details?: { retryAfterSeconds?: number } } }

/** Explains a failed response; exported for tests. */
export async function describeFailure(res: Response): Promise<ApiFailure> {
  let body: ErrorBody = {};
  try {
    body = (await res.json()) as ErrorBody;
  } catch {
    // Not JSON (a proxy error page, say): fall back to the status line.
  }
  const code = body.error?.code ?? `http_${res.status}`;
  const serverMessage = body.error?.message;
  if (res.status === 413) {
    return new ApiFailure(serverMessage ?? 'Your code is too large to run. Remove unused code and try again.', 413, code);
  }
  if (res.status === 429) {
    const header = Number(res.headers.get('retry-after'));
    const retryAfter = Number.isFinite(header) && header > 0 ? header : (body.error?.details?.retryAfterSeconds ?? null);
    const fallback = `Too many runs in a short time. ${retryAfter ? `You can run again in ${retryAfter} s.` : 'Wait a little and try again.'}`;
    return new ApiFailure(serverMessage ?? fallback, 429, code, retryAfter);
  }
  if (res.status >= 500) {
    return new ApiFailure(serverMessage ?? `The server failed (HTTP ${res.status}). Try again in a moment.`, res.status, code);
  }
  return new ApiFailure(serverMessage ?? `The request was refused (HTTP ${res.status}).`, res.status, code);
}

/** fetch + JSON with same-origin cookies; throws ApiFailure on any non-2xx. */
export async function api<T>(path: string, init: RequestInit & { json?: unknown } = {}): Promise<T> {
  const { json, ...rest } = init;
  let res: Response;
  try {
    res = await fetch(path, {
      credentials: 'same-origin',
      ...rest,
      headers: { ...(json === undefined ? {} : { 'content-type': 'application/json' }), accept: 'application/json', ...(rest.headers ?? {}) },
      body: json === undefined ? rest.body : JSON.stringify(json),
    });
  } catch {
    throw new ApiFailure('Could not reach the server. Check your connection and try again.', 0, 'network');
  }
  if (!res.ok) throw await describeFailure(res);
  return (await res.json()) as T;
}

/** Whether someone is signed in (the accounts API answers 200 with a user). */
export async function fetchSignedIn(): Promise<boolean> {
  try {
    const res = await fetch('/api/auth/me', { credentials: 'same-origin', headers: { accept: 'application/json' } });
    if (!res.ok) return false;
    const body = (await res.json()) as { user?: unknown };
    return Boolean(body.user);
  } catch {
    return false;
  }
}
