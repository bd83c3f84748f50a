-- 034: one-time password-reset links, made by the admin command (`npm run admin -- reset-password
-- <email>`) for self-hosted instances without outbound mail. Like sessions, only SHA-256 of the
-- link's secret is stored. A link works once, within its hour.
CREATE TABLE password_resets (
  id TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  secret_hash BLOB NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER
) STRICT;
CREATE INDEX password_resets_user ON password_resets(user_id);
