// Browser-side calls to the auth, quiz and progress APIs: same-origin JSON with the session cookie,
// and every failure turned into an ApiError whose message the UI can show as is.

/** A failed API call with the server's code and its human message. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
  ) {
    super(message);
  }
}

/** fetch + JSON; throws ApiError on a non-2xx answer or when the server cannot be reached. */
export async function apiJson<T>(path: string, init: { method?: string; body?: unknown; headers?: Record<string, string>; keepalive?: boolean } = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method: init.method ?? 'GET',
      credentials: 'same-origin',
      keepalive: init.keepalive,
      headers: { accept: 'application/json', ...(init.body === undefined ? {} : { 'content-type': 'application/json' }), ...(init.headers ?? {}) },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
  } catch {
    throw new ApiError('Could not reach the server. Check your connection and try again.', 0, 'network');
  }
  const text = await res.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  if (!res.ok) {
    const err = (body as { error?: { code?: string; message?: string } } | null)?.error;
    throw new ApiError(err?.message ?? `The server answered HTTP ${res.status}. Try again in a moment.`, res.status, err?.code ?? `http_${res.status}`);
  }
  return body as T;
}

/** The signed-in user as /api/auth/me reports it. */
export interface Me {
  id: number;
  email: string;
  timezone: string;
}

let me: Promise<Me | null> | null = null;

/** The signed-in user, or null for a guest (also null when the API cannot be reached). Cached per page. */
export function currentUser(): Promise<Me | null> {
  me ??= apiJson<{ user: Me | null }>('/api/auth/me')
    .then((r) => r?.user ?? null)
    .catch(() => null);
  return me;
}

/** Forget the cached user (after sign-in or sign-out on the same page). */
export function forgetCurrentUser(): void {
  me = null;
}
