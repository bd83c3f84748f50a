// Helpers for the sign-in, sign-up and account forms: where to go after signing in, the browser's
// time zone, and how a form shows an API failure or a status message in its live region.
// The API calls themselves go through src/lib/api-client.ts.

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
