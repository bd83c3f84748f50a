// The one browser-side client of the Lag Zero API: same-origin JSON requests with the session
// cookie, every failure (an HTTP error or an unreachable server) turned into an ApiError whose
// message the UI can show as is, and one shared lookup of who is signed in.
// The server shapes every 4xx/5xx as { error: { code, message, details? } } (server/http/errors.ts).
// Unsafe methods need no extra header: the browser's own Origin header is the CSRF check
// (server/auth/origin.ts), and same-origin fetches always send it.

/** A failed API call: the HTTP status (0 when the server could not be reached), the server's code and a message for people. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
    /** Seconds to wait before retrying (429 only). */
    readonly retryAfter: number | null = null,
    /** The first problem the server reported for each request field (validation errors). */
    readonly fields: Record<string, string> = {},
    /** The error body's `details` as the server sent them (e.g. a compile error's diagnostics). */
    readonly details: unknown = undefined,
  ) {
    super(message);
  }
}

interface ErrorBody {
  error?: { code?: string; message?: string; details?: { retryAfterSeconds?: number } | { path?: string; message?: string }[] };
}

/** What to say when an error response carries no message of its own (a proxy's error page, say). */
function fallbackMessage(status: number, retryAfter: number | null): string {
  if (status === 413) return 'That is too large to send. If it is your code, remove unused code and try again.';
  if (status === 429) return `Too many requests in a short time. ${retryAfter ? `You can try again in ${retryAfter} s.` : 'Wait a little and try again.'}`;
  if (status >= 500) return `The server failed (HTTP ${status}). Try again in a moment.`;
  return `The request was refused (HTTP ${status}).`;
}

/** Turns a failed response into an ApiError, from its JSON error body when it has one. */
export async function describeFailure(res: Response): Promise<ApiError> {
  let body: ErrorBody | null = null;
  try {
    body = JSON.parse(await res.text()) as ErrorBody | null;
  } catch {
    // Not JSON: fall back to the status.
  }
  const err = body?.error;
  const details = err?.details;
  let retryAfter: number | null = null;
  if (res.status === 429) {
    const header = Number(res.headers.get('retry-after'));
    retryAfter = Number.isFinite(header) && header > 0 ? header : ((!Array.isArray(details) && details?.retryAfterSeconds) || null);
  }
  const fields: Record<string, string> = {};
  for (const d of Array.isArray(details) ? details : []) {
    if (d?.path && d.message && !fields[d.path]) fields[d.path] = d.message;
  }
  return new ApiError(err?.message ?? fallbackMessage(res.status, retryAfter), res.status, err?.code ?? `http_${res.status}`, retryAfter, fields, details);
}

/** A JSON request: `body` is sent as JSON, `headers` are added to ours. */
export interface ApiRequest {
  method?: string;
  body?: unknown;
  headers?: Record<string, string>;
  keepalive?: boolean;
}

/** fetch + JSON with same-origin cookies; resolves to the parsed body (null when empty), throws ApiError on any non-2xx or network failure. */
export async function apiJson<T>(path: string, init: ApiRequest = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method: init.method ?? 'GET',
      credentials: 'same-origin',
      keepalive: init.keepalive,
      headers: { accept: 'application/json', ...(init.body === undefined ? {} : { 'content-type': 'application/json' }), ...init.headers },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
  } catch {
    throw new ApiError('Could not reach the Lag Zero server. Check your connection and try again.', 0, 'network');
  }
  if (!res.ok) throw await describeFailure(res);
  const text = await res.text();
  try {
    return (text ? JSON.parse(text) : null) as T;
  } catch {
    return null as T;
  }
}

/** An API call's outcome for forms, which show a failure rather than throw it. */
export type ApiResult<T> = { ok: true; data: T } | { ok: false; error: ApiError };

/** apiJson, with the ApiError returned instead of thrown. */
export async function apiResult<T>(path: string, init: ApiRequest = {}): Promise<ApiResult<T>> {
  try {
    return { ok: true, data: await apiJson<T>(path, init) };
  } catch (err) {
    if (err instanceof ApiError) return { ok: false, error: err };
    throw err;
  }
}

/** The signed-in user as GET /api/auth/me reports it. */
export interface AuthUser {
  id: number;
  email: string;
  timezone: string;
  /** The language lab pages open in, chosen on a lab page; null before the first choice. */
  labLanguage: 'typescript' | 'java' | 'python' | null;
}

let me: Promise<AuthUser | null> | null = null;

/**
 * The signed-in user, or null for a guest (also null when the API cannot be reached). One request
 * per page, shared by every caller; a found user is also announced as an `lz:user` event on window.
 */
export function currentUser(): Promise<AuthUser | null> {
  me ??= apiJson<{ user: AuthUser | null } | null>('/api/auth/me').then(
    (r) => {
      const user = r?.user ?? null;
      if (user) window.dispatchEvent(new CustomEvent<AuthUser>('lz:user', { detail: user }));
      return user;
    },
    () => null,
  );
  return me;
}

/** Forgets the cached user, so the next currentUser() asks again (after signing in, out or changing the account). */
export function forgetCurrentUser(): void {
  me = null;
}
