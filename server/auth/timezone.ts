// IANA time zone validation: the user's zone decides where their day (and streak) starts.

/**
 * The IANA name to store for `tz`, or null if unknown. Letter case is fixed ("europe/berlin" →
 * "Europe/Berlin"), but a valid alias such as Asia/Kolkata is kept as given: ICU would turn it into
 * the older Asia/Calcutta, which people do not recognise.
 */
export function canonicalTimeZone(tz: string): string | null {
  if (!/^[A-Za-z0-9_+\-/]{1,64}$/.test(tz)) return null;
  try {
    const resolved = new Intl.DateTimeFormat('en-US', { timeZone: tz }).resolvedOptions().timeZone;
    return resolved.toLowerCase() === tz.toLowerCase() ? resolved : tz;
  } catch {
    return null;
  }
}
