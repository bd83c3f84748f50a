// Browser side of accounts: calls /api/auth, turns every failure into a sentence a person can act
// on, and shares one /api/auth/me lookup per page so islands can ask "who is signed in?" cheaply.
// Pages that want to react to sign-in (e.g. merging guest progress) listen for the `lz:user` event
// on window, or await currentUser().

/** The signed-in user as the API reports it. */
export interface AuthUser {
  id: number;
  email: string;
  timezone: string;
}

/** Outcome of an API call: the JSON body, or a message plus the fields it concerns. */
export type ApiResult<T> =
  | { ok: true; status: number; data: T }
  | { ok: false; status: number; code: string; message: string; fields: Record<string, string> };

/** Calls the API with JSON and maps failures (including network ones) to readable messages. */
export async function api<T>(method: string, path: string, body?: unknown): Promise<ApiResult<T>> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    return { ok: false, status: 0, code: 'network', message: 'Could not reach the Lag Zero server. Check your connection and try again.', fields: {} };
  }
  let json: unknown = null;
  try {
    json = await res.json();
  } catch {
    // A proxy error page or an empty body: fall through to the generic message below.
  }
  if (res.ok) return { ok: true, status: res.status, data: json as T };
  const err = (json as { error?: { code?: string; message?: string; details?: { path?: string; message?: string }[] } } | null)?.error;
  const fields: Record<string, string> = {};
  for (const d of Array.isArray(err?.details) ? err.details : []) {
    if (d?.path && d.message && !fields[d.path]) fields[d.path] = d.message;
  }
  const fallback =
    res.status === 429
      ? 'Too many attempts. Wait a few minutes and try again.'
      : `The server answered with an error (HTTP ${res.status}). Try again in a moment.`;
  return { ok: false, status: res.status, code: err?.code ?? 'http_error', message: err?.message ?? fallback, fields };
}

let me: Promise<AuthUser | null> | undefined;

/** The signed-in user (null for guests or when the API cannot be reached); fetched once per page. */
export function currentUser(): Promise<AuthUser | null> {
  me ??= api<{ user: AuthUser | null }>('GET', '/api/auth/me').then((r) => {
    const user = r.ok ? r.data.user : null;
    if (user) window.dispatchEvent(new CustomEvent<AuthUser>('lz:user', { detail: user }));
    return user;
  });
  return me;
}

/** The browser's IANA time zone, or undefined if it cannot say. */
export function browserTimeZone(): string | undefined {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || undefined;
  } catch {
    return undefined;
  }
}

/** A same-site path from `?next=` to go to after signing in; anything else falls back to `fallback`. */
export function nextPath(fallback = '/dashboard/'): string {
  const next = new URLSearchParams(location.search).get('next');
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : fallback;
}

/** Shows `message` in a form's live region and marks the fields it concerns as invalid. */
export function showFormError(form: HTMLFormElement, status: HTMLElement, message: string, fields: Record<string, string> = {}): void {
  for (const input of form.querySelectorAll<HTMLInputElement>('input[name]')) {
    const problem = fields[input.name];
    const hint = document.getElementById(`${input.id}-error`);
    if (problem) input.setAttribute('aria-invalid', 'true');
    else input.removeAttribute('aria-invalid');
    if (hint) hint.textContent = problem ?? '';
  }
  status.className = 'form-status bad';
  status.textContent = message;
  const firstBad = form.querySelector<HTMLInputElement>('[aria-invalid="true"]');
  firstBad?.focus();
}

/** Shows a neutral progress or success message in the live region. */
export function showFormStatus(status: HTMLElement, message: string, tone: 'ok' | 'muted' = 'muted'): void {
  status.className = `form-status ${tone}`;
  status.textContent = message;
}
