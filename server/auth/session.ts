// Sessions in the style of the Lucia guide (lucia-auth.com/sessions): a token `<id>.<secret>` of two
// random strings, of which only SHA-256(secret) is stored, checked in constant time, with an
// inactivity timeout and an absolute lifetime. Written here rather than taken from a library
// because Lucia itself is deprecated and the whole thing is this short.
import { generateRandomString, type RandomReader } from '@oslojs/crypto/random';
import { sha256 } from '@oslojs/crypto/sha2';
import { constantTimeEqual } from '@oslojs/crypto/subtle';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { Db } from '../db/index.ts';
import type { SessionUser } from '../http/types.ts';
import type { Language } from '../../labs/_kit/results.ts';

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

/** How long sessions live. */
export const SESSION_POLICY = {
  /** Signed out after this long without a request. */
  inactivityMs: 14 * DAY,
  /** Signed out this long after sign-in, however active. */
  absoluteMs: 30 * DAY,
  /** last_verified_at (and the cookie's Max-Age) is refreshed at most this often. */
  refreshIntervalMs: HOUR,
} as const;

// 32 symbols (5 bits each) without look-alikes; 26 symbols give 130 bits per part.
const ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';
const PART_LENGTH = 26;
/** The shape of a `<id>.<secret>` token (sessions and reset links). */
export const TOKEN_RE = /^[a-km-z2-9]{26}\.[a-km-z2-9]{26}$/;

const random: RandomReader = { read: (bytes) => crypto.getRandomValues(bytes) };

/** A CSPRNG string with 130 bits of entropy. */
export function randomPart(): string {
  return generateRandomString(random, ALPHABET, PART_LENGTH);
}

/** SHA-256 of a token's secret part, as sessions and reset links store it. */
export function hashSecret(secret: string): Uint8Array {
  return sha256(new TextEncoder().encode(secret));
}

/** A validated session and its user. */
export interface ValidSession {
  id: string;
  userId: number;
  createdAt: number;
  lastVerifiedAt: number;
  user: SessionUser;
  /** Set when last_verified_at moved forward, so the caller re-sends the cookie with a fresh Max-Age. */
  refreshed: boolean;
}

/** Seconds the cookie should live, given when the session was created and last seen. */
export function cookieMaxAge(createdAt: number, lastVerifiedAt: number): number {
  const end = Math.min(lastVerifiedAt + SESSION_POLICY.inactivityMs, createdAt + SESSION_POLICY.absoluteMs);
  return Math.max(0, Math.floor((end - lastVerifiedAt) / 1000));
}

/** Creates a session for `userId` and returns the token to hand to the browser (never stored). */
export function createSession(db: Db, userId: number, now: number): { token: string; id: string; maxAge: number } {
  const id = randomPart();
  const secret = randomPart();
  db.prepare('INSERT INTO sessions (id, user_id, secret_hash, created_at, last_verified_at) VALUES (?, ?, ?, ?, ?)').run(
    id,
    userId,
    Buffer.from(hashSecret(secret)),
    now,
    now,
  );
  return { token: `${id}.${secret}`, id, maxAge: cookieMaxAge(now, now) };
}

interface SessionRow {
  id: string;
  user_id: number;
  secret_hash: Uint8Array;
  created_at: number;
  last_verified_at: number;
  email: string;
  timezone: string;
  lab_language: Language | null;
}

/** Returns the session a token names, or null when it is malformed, unknown, expired or its secret is wrong. */
export function validateSessionToken(db: Db, token: string, now: number): ValidSession | null {
  if (!TOKEN_RE.test(token)) return null;
  const [id, secret] = token.split('.');
  const row = db
    .prepare(
      `SELECT s.id, s.user_id, s.secret_hash, s.created_at, s.last_verified_at, u.email, u.timezone, u.lab_language
         FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = ?`,
    )
    .get(id) as SessionRow | undefined;
  if (!row) return null;
  if (!constantTimeEqual(hashSecret(secret), new Uint8Array(row.secret_hash))) return null;
  if (now - row.last_verified_at >= SESSION_POLICY.inactivityMs || now - row.created_at >= SESSION_POLICY.absoluteMs) {
    deleteSession(db, row.id);
    return null;
  }
  let lastVerifiedAt = row.last_verified_at;
  let refreshed = false;
  if (now - row.last_verified_at >= SESSION_POLICY.refreshIntervalMs) {
    db.prepare('UPDATE sessions SET last_verified_at = ? WHERE id = ?').run(now, row.id);
    lastVerifiedAt = now;
    refreshed = true;
  }
  return {
    id: row.id,
    userId: row.user_id,
    createdAt: row.created_at,
    lastVerifiedAt,
    user: { id: row.user_id, email: row.email, timezone: row.timezone, labLanguage: row.lab_language },
    refreshed,
  };
}

/** Ends one session. */
export function deleteSession(db: Db, id: string): void {
  db.prepare('DELETE FROM sessions WHERE id = ?').run(id);
}

/** Ends every session of a user ("sign out everywhere"); returns how many there were. */
export function deleteUserSessions(db: Db, userId: number): number {
  return db.prepare('DELETE FROM sessions WHERE user_id = ?').run(userId).changes;
}

/** Removes sessions past either timeout, so the table does not grow without bound. */
export function deleteExpiredSessions(db: Db, now: number): number {
  return db
    .prepare('DELETE FROM sessions WHERE last_verified_at <= ? OR created_at <= ?')
    .run(now - SESSION_POLICY.inactivityMs, now - SESSION_POLICY.absoluteMs).changes;
}

/** Cookie name: the `__Host-` prefix (Secure, Path=/, no Domain) whenever the cookie is Secure. */
export function sessionCookieName(secure: boolean): string {
  return secure ? '__Host-lz_session' : 'lz_session';
}

/** The session token the request carries, if any. */
export function readSessionCookie(c: Context, secure: boolean): string | undefined {
  return getCookie(c, sessionCookieName(secure));
}

/** Sends the session cookie: HttpOnly, SameSite=Lax, Path=/, Secure in production. */
export function writeSessionCookie(c: Context, token: string, maxAge: number, secure: boolean): void {
  setCookie(c, sessionCookieName(secure), token, { httpOnly: true, secure, sameSite: 'Lax', path: '/', maxAge });
}

/** Tells the browser to forget the session cookie. */
export function clearSessionCookie(c: Context, secure: boolean): void {
  deleteCookie(c, sessionCookieName(secure), { httpOnly: true, secure, sameSite: 'Lax', path: '/' });
}
