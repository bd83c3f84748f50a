// Login throttling, persisted in SQLite so a restart does not reset it. Two independent limits:
// - per account (keyed by the email typed, registered or not, so the limit itself reveals nothing):
//   at most 100 failures in a one-hour window (OWASP ASVS 2.2.1), then 429 until the window ends;
// - per client IP (the socket address unless TRUST_PROXY=1): a few free failures, then every further
//   failure doubles the wait, up to a cap. Requests refused while blocked are not counted again.
import type { Db } from '../db/index.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** Throttling limits. */
export const THROTTLE_POLICY = {
  accountMaxFailures: 100,
  accountWindowMs: HOUR,
  ipFreeFailures: 10,
  ipBaseDelayMs: 1000,
  ipMaxDelayMs: 15 * MINUTE,
  /** An IP's failure count starts again after this long without a failure. */
  ipForgetAfterMs: 24 * HOUR,
} as const;

/** Whether a sign-in attempt may proceed, and if not, for how many seconds to wait. */
export type ThrottleVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number; scope: 'account' | 'ip' };

interface AccountRow { window_start: number; failures: number }
interface IpRow { failures: number; last_failure_at: number; blocked_until: number }

/** Checks both limits before any password work is done. */
export function checkLogin(db: Db, email: string, ip: string, now: number): ThrottleVerdict {
  const acct = db.prepare('SELECT window_start, failures FROM login_failures_account WHERE email = ?').get(email) as AccountRow | undefined;
  const acctBlockedUntil =
    acct && acct.failures >= THROTTLE_POLICY.accountMaxFailures ? acct.window_start + THROTTLE_POLICY.accountWindowMs : 0;
  const ipRow = db.prepare('SELECT failures, last_failure_at, blocked_until FROM login_failures_ip WHERE ip = ?').get(ip) as IpRow | undefined;
  const ipBlockedUntil = ipRow?.blocked_until ?? 0;
  const until = Math.max(acctBlockedUntil, ipBlockedUntil);
  if (until <= now) return { allowed: true };
  return {
    allowed: false,
    retryAfterSeconds: Math.max(1, Math.ceil((until - now) / 1000)),
    scope: acctBlockedUntil >= ipBlockedUntil ? 'account' : 'ip',
  };
}

/** Wait imposed after an IP's n-th failure in a row. */
export function ipDelayMs(failures: number): number {
  const over = failures - THROTTLE_POLICY.ipFreeFailures;
  if (over <= 0) return 0;
  return Math.min(THROTTLE_POLICY.ipMaxDelayMs, THROTTLE_POLICY.ipBaseDelayMs * 2 ** Math.min(over - 1, 30));
}

/** Records a failed attempt against the account key and the IP, in one transaction. */
export function recordFailure(db: Db, email: string, ip: string, now: number): void {
  db.transaction(() => {
    const acct = db.prepare('SELECT window_start, failures FROM login_failures_account WHERE email = ?').get(email) as AccountRow | undefined;
    if (!acct || now - acct.window_start >= THROTTLE_POLICY.accountWindowMs) {
      db.prepare('INSERT OR REPLACE INTO login_failures_account (email, window_start, failures) VALUES (?, ?, 1)').run(email, now);
    } else {
      db.prepare('UPDATE login_failures_account SET failures = failures + 1 WHERE email = ?').run(email);
    }
    bumpIp(db, ip, now);
  }).immediate();
}

/** Records a failure for the IP alone (e.g. sign-up attempts on taken emails). */
export function recordIpFailure(db: Db, ip: string, now: number): void {
  db.transaction(() => bumpIp(db, ip, now)).immediate();
}

function bumpIp(db: Db, ip: string, now: number): void {
  const row = db.prepare('SELECT failures, last_failure_at FROM login_failures_ip WHERE ip = ?').get(ip) as IpRow | undefined;
  const failures = row && now - row.last_failure_at < THROTTLE_POLICY.ipForgetAfterMs ? row.failures + 1 : 1;
  db.prepare('INSERT OR REPLACE INTO login_failures_ip (ip, failures, last_failure_at, blocked_until) VALUES (?, ?, ?, ?)').run(
    ip,
    failures,
    now,
    now + ipDelayMs(failures),
  );
}

/** A correct password clears the account's counter; the IP's backoff is left to expire on its own. */
export function recordSuccess(db: Db, email: string): void {
  db.prepare('DELETE FROM login_failures_account WHERE email = ?').run(email);
}

/** Drops rows that no longer affect any decision. */
export function pruneThrottle(db: Db, now: number): void {
  db.prepare('DELETE FROM login_failures_account WHERE window_start <= ?').run(now - THROTTLE_POLICY.accountWindowMs);
  db.prepare('DELETE FROM login_failures_ip WHERE last_failure_at <= ?').run(now - THROTTLE_POLICY.ipForgetAfterMs);
}
