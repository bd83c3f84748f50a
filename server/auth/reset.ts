// One-time password-reset links for self-hosters without outbound mail: the admin command makes a
// link for an account (`npm run admin -- reset-password <email>`), the person opens it and picks a
// new password. The token is `<id>.<secret>` like a session's; only SHA-256(secret) is stored, the
// secret is compared in constant time, a link lasts an hour and works once, and a newer link for
// the same account replaces older ones. Using it ends every session of the account.
import { constantTimeEqual } from '@oslojs/crypto/subtle';
import type { Db } from '../db/index.ts';
import { TOKEN_RE, hashSecret as hash, randomPart } from './session.ts';

/** How long a reset link works. */
export const RESET_TTL_MS = 60 * 60 * 1000;

/** Makes a reset link's token for the account with this email, or null when there is none. */
export function createResetToken(db: Db, email: string, now: number): { token: string; expiresAt: number; userId: number } | null {
  const user = db.prepare('SELECT id FROM users WHERE email = ?').get(email.trim().toLowerCase()) as { id: number } | undefined;
  if (!user) return null;
  const id = randomPart();
  const secret = randomPart();
  const expiresAt = now + RESET_TTL_MS;
  db.transaction(() => {
    db.prepare('DELETE FROM password_resets WHERE user_id = ?').run(user.id);
    db.prepare('INSERT INTO password_resets (id, user_id, secret_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?)').run(id, user.id, Buffer.from(hash(secret)), now, expiresAt);
  })();
  return { token: `${id}.${secret}`, expiresAt, userId: user.id };
}

/** The account a still-usable token resets (without using it), or null: malformed, unknown, wrong secret, used or expired. */
export function resetTokenUser(db: Db, token: string, now: number): { userId: number; email: string; resetId: string } | null {
  if (!TOKEN_RE.test(token)) return null;
  const [id, secret] = token.split('.');
  const row = db
    .prepare('SELECT r.id, r.user_id, r.secret_hash, r.expires_at, r.used_at, u.email FROM password_resets r JOIN users u ON u.id = r.user_id WHERE r.id = ?')
    .get(id) as { id: string; user_id: number; secret_hash: Uint8Array; expires_at: number; used_at: number | null; email: string } | undefined;
  if (!row || !constantTimeEqual(hash(secret), new Uint8Array(row.secret_hash))) return null;
  if (row.used_at !== null || now >= row.expires_at) return null;
  return { userId: row.user_id, email: row.email, resetId: row.id };
}

/** Marks the link used and sets the new password hash, ending every session of the account. */
export function completeReset(db: Db, reset: { userId: number; resetId: string }, passwordHash: string, now: number): boolean {
  return db.transaction(() => {
    const used = db.prepare('UPDATE password_resets SET used_at = ? WHERE id = ? AND used_at IS NULL').run(now, reset.resetId);
    if (used.changes === 0) return false;
    db.prepare('UPDATE users SET password_hash = ? WHERE id = ?').run(passwordHash, reset.userId);
    db.prepare('DELETE FROM sessions WHERE user_id = ?').run(reset.userId);
    return true;
  })();
}
