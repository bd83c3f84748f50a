-- 020: timed quizzes. The server owns the clock: started_at and deadline_at are written when the
-- attempt is created, answers are accepted only before deadline_at, and an attempt still open after
-- its deadline is submitted automatically with whatever was saved in time. Guests' attempts have a
-- NULL user_id and are reached with the attempt token (only its SHA-256 is stored).
CREATE TABLE quiz_attempts (
  id TEXT PRIMARY KEY,
  user_id INTEGER REFERENCES users(id) ON DELETE CASCADE,
  token_hash TEXT NOT NULL,
  client_key TEXT NOT NULL,
  mode TEXT NOT NULL CHECK (mode IN ('practice', 'mock', 'review')),
  spec_json TEXT NOT NULL,
  question_count INTEGER NOT NULL CHECK (question_count > 0),
  time_limit_s INTEGER NOT NULL CHECK (time_limit_s > 0),
  started_at INTEGER NOT NULL,
  deadline_at INTEGER NOT NULL,
  submitted_at INTEGER,
  auto_submitted INTEGER NOT NULL DEFAULT 0 CHECK (auto_submitted IN (0, 1)),
  -- Points earned (each question is worth 1) and points / question_count, set on submit.
  points REAL,
  score REAL CHECK (score IS NULL OR (score >= 0 AND score <= 1)),
  CHECK (deadline_at > started_at)
) STRICT;
CREATE INDEX quiz_attempts_user ON quiz_attempts(user_id, started_at);
CREATE INDEX quiz_attempts_open ON quiz_attempts(deadline_at) WHERE submitted_at IS NULL;
-- Creation is rate-limited per client key (guests included).
CREATE INDEX quiz_attempts_client ON quiz_attempts(client_key, started_at);

-- One row per question of an attempt, created with the attempt (so the question list and its order
-- are fixed) and filled as the learner saves answers. Pattern, level and topics are copied from the
-- bank so history and the dashboard stay right even if a question is later edited or removed.
CREATE TABLE quiz_answers (
  attempt_id TEXT NOT NULL REFERENCES quiz_attempts(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  question_id TEXT NOT NULL,
  pattern TEXT NOT NULL,
  level TEXT NOT NULL,
  topics_json TEXT NOT NULL,
  answer_json TEXT,
  saved_at INTEGER,
  -- Open questions: when the model answer was shown; the written text is locked from then on.
  revealed_at INTEGER,
  -- 0..1, set on submit (open questions: the fraction of key points the learner ticked).
  score REAL CHECK (score IS NULL OR (score >= 0 AND score <= 1)),
  PRIMARY KEY (attempt_id, question_id),
  UNIQUE (attempt_id, position)
) STRICT;

-- Spaced review of misses: a missed question comes back after 1 day (step 1), then 3 (step 2),
-- then 7 days (step 3, repeated) until it is answered right, which deletes the row.
CREATE TABLE review_items (
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  question_id TEXT NOT NULL,
  step INTEGER NOT NULL CHECK (step IN (1, 2, 3)),
  due_at INTEGER NOT NULL,
  last_missed_at INTEGER NOT NULL,
  PRIMARY KEY (user_id, question_id)
) STRICT;
CREATE INDEX review_items_due ON review_items(user_id, due_at);
