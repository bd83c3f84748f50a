// IANA time zone validation: the user's zone decides where their day (and streak) starts.

/** The canonical IANA name for `tz` (e.g. "europe/berlin" → "Europe/Berlin"), or null if unknown. */
export function canonicalTimeZone(tz: string): string | null {
  if (!/^[A-Za-z0-9_+\-/]{1,64}$/.test(tz)) return null;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: tz }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}
