// Unit tests for the session module: token shape and entropy, what is stored, every way validation
// refuses a token, refresh of last_verified_at, and cookie lifetimes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha256 } from '@oslojs/crypto/sha2';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { openDb, type Db } from '../db/index.ts';
import {
  SESSION_POLICY,
  cookieMaxAge,
  createSession,
  deleteExpiredSessions,
  deleteUserSessions,
  randomPart,
  sessionCookieName,
  validateSessionToken,
} from './session.ts';

const T0 = Date.UTC(2026, 0, 1);
let dir: string;
let db: Db;
let userId: number;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lz-session-'));
  db = openDb(dir);
  userId = Number(db.prepare("INSERT INTO users (email, password_hash, created_at) VALUES ('ada@example.com', 'x', 0)").run().lastInsertRowid);
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('tokens', () => {
  test('each part is 26 symbols of a 32-letter alphabet (130 bits) and never repeats', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 500; i++) {
      const p = randomPart();
      expect(p).toMatch(/^[a-km-z2-9]{26}$/);
      seen.add(p);
    }
    expect(seen.size).toBe(500);
  });

  test('the database holds the id and SHA-256 of the secret, never the secret', () => {
    const { token, id } = createSession(db, userId, T0);
    const [tokenId, secret] = token.split('.');
    expect(tokenId).toBe(id);
    const row = db.prepare('SELECT * FROM sessions').get() as Record<string, unknown>;
    expect(Buffer.from(row.secret_hash as Buffer)).toEqual(Buffer.from(sha256(new TextEncoder().encode(secret))));
    expect(JSON.stringify(Object.values(row).map(String))).not.toContain(secret);
  });
});

describe('validation', () => {
  test('a fresh token validates to its user', () => {
    const { token } = createSession(db, userId, T0);
    const s = validateSessionToken(db, token, T0 + 1000);
    expect(s?.user).toEqual({ id: userId, email: 'ada@example.com', timezone: 'UTC', labLanguage: null });
    expect(s?.refreshed).toBe(false);
  });

  test('malformed, unknown and wrong-secret tokens are refused', () => {
    const { token } = createSession(db, userId, T0);
    const [id, secret] = token.split('.');
    for (const bad of ['', id, `${id}.`, `.${secret}`, `${id}.${secret}.x`, `${randomPart()}.${secret}`, `${id}.${randomPart()}`, `${id.toUpperCase()}.${secret}`]) {
      expect(validateSessionToken(db, bad, T0), bad).toBeNull();
    }
  });

  test('last_verified_at moves at most once per refresh interval', () => {
    const { token, id } = createSession(db, userId, T0);
    const lastVerified = () => db.prepare('SELECT last_verified_at FROM sessions WHERE id = ?').pluck().get(id);
    expect(validateSessionToken(db, token, T0 + SESSION_POLICY.refreshIntervalMs - 1)?.refreshed).toBe(false);
    expect(lastVerified()).toBe(T0);
    expect(validateSessionToken(db, token, T0 + SESSION_POLICY.refreshIntervalMs)?.refreshed).toBe(true);
    expect(lastVerified()).toBe(T0 + SESSION_POLICY.refreshIntervalMs);
  });

  test('idle and absolute timeouts delete the row', () => {
    const idle = createSession(db, userId, T0);
    expect(validateSessionToken(db, idle.token, T0 + SESSION_POLICY.inactivityMs)).toBeNull();
    expect(db.prepare('SELECT COUNT(*) FROM sessions WHERE id = ?').pluck().get(idle.id)).toBe(0);

    const busy = createSession(db, userId, T0);
    db.prepare('UPDATE sessions SET last_verified_at = ? WHERE id = ?').run(T0 + SESSION_POLICY.absoluteMs - 1, busy.id);
    expect(validateSessionToken(db, busy.token, T0 + SESSION_POLICY.absoluteMs)).toBeNull();
  });
});

describe('housekeeping and cookies', () => {
  test('deleteUserSessions and deleteExpiredSessions', () => {
    createSession(db, userId, T0);
    createSession(db, userId, T0 + SESSION_POLICY.inactivityMs);
    expect(deleteExpiredSessions(db, T0 + SESSION_POLICY.inactivityMs)).toBe(1);
    expect(deleteUserSessions(db, userId)).toBe(1);
  });

  test('Max-Age is the idle timeout, but never beyond the absolute lifetime', () => {
    expect(cookieMaxAge(T0, T0)).toBe(SESSION_POLICY.inactivityMs / 1000);
    const late = T0 + SESSION_POLICY.absoluteMs - 3600_000;
    expect(cookieMaxAge(T0, late)).toBe(3600);
  });

  test('the __Host- prefix is used exactly when the cookie is Secure', () => {
    expect(sessionCookieName(true)).toBe('__Host-lz_session');
    expect(sessionCookieName(false)).toBe('lz_session');
  });
});
