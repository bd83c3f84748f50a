-- 001: a key/value table for instance-level settings (e.g. the install id). Feature tables come in later migrations:
-- 010-019 lab runs, 020-039 accounts, quizzes and progress.
CREATE TABLE instance_settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;
