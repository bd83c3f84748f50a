-- 010: lab runs. One row per submission: who (user_id for signed-in learners, client_key always),
-- which lab, the submitted code, the run state (queued, starting-broker, running, grading, done),
-- the outcome (pass, fail, error: the results' top-level status) and the full results JSON.
CREATE TABLE runs (
  id TEXT PRIMARY KEY,
  user_id INTEGER REFERENCES users(id) ON DELETE CASCADE,
  client_key TEXT NOT NULL,
  lab_slug TEXT NOT NULL,
  code TEXT NOT NULL,
  status TEXT NOT NULL,
  outcome TEXT,
  results_json TEXT,
  created_at INTEGER NOT NULL,
  started_at INTEGER,
  finished_at INTEGER,
  duration_ms INTEGER
) STRICT;
CREATE INDEX runs_user_lab ON runs(user_id, lab_slug);
CREATE INDEX runs_client_created ON runs(client_key, created_at);
