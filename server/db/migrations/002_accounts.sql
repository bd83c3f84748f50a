-- 002: accounts, sessions and persisted login throttling. Every user-owned table in later migrations
-- references users(id) ON DELETE CASCADE, so deleting a user row removes all of the account's data.
CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  email TEXT UNIQUE NOT NULL COLLATE NOCASE,
  password_hash TEXT NOT NULL,
  timezone TEXT NOT NULL DEFAULT 'UTC',
  created_at INTEGER NOT NULL
) STRICT;

-- Only SHA-256(secret) is kept, so a leaked row cannot be replayed as a cookie.
CREATE TABLE sessions (
  id TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  secret_hash BLOB NOT NULL,
  created_at INTEGER NOT NULL,
  last_verified_at INTEGER NOT NULL
) STRICT;
CREATE INDEX sessions_user_id ON sessions(user_id);

-- Failed sign-ins per account email (whether or not the account exists, so throttling reveals nothing):
-- a fixed one-hour window counted from the first failure.
CREATE TABLE login_failures_account (
  email TEXT PRIMARY KEY COLLATE NOCASE,
  window_start INTEGER NOT NULL,
  failures INTEGER NOT NULL
) STRICT;

-- Per-IP exponential backoff: after a few free failures each further one doubles the wait.
CREATE TABLE login_failures_ip (
  ip TEXT PRIMARY KEY,
  failures INTEGER NOT NULL,
  last_failure_at INTEGER NOT NULL,
  blocked_until INTEGER NOT NULL
) STRICT;
