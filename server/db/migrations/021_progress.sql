-- 021: learner progress: lessons marked read and time spent. Lab results come from `runs` (010)
-- and quiz scores from quiz_attempts (020), so nothing is stored twice.
CREATE TABLE lesson_reads (
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  lesson_slug TEXT NOT NULL,
  read_at INTEGER NOT NULL,
  PRIMARY KEY (user_id, lesson_slug)
) STRICT;

-- Time spent, summed per 15-minute bucket (every real time-zone offset is a multiple of 15 minutes,
-- so buckets still fall on the right local day). source is 'account' for heartbeats and
-- 'guest:<id>' for time imported from a guest's browser, so re-importing replaces, never adds.
-- pattern/level are '' when the time is not tied to a lesson or lab.
CREATE TABLE time_spent (
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  bucket_at INTEGER NOT NULL,
  source TEXT NOT NULL,
  pattern TEXT NOT NULL,
  level TEXT NOT NULL,
  seconds INTEGER NOT NULL CHECK (seconds >= 0),
  last_beat_at INTEGER NOT NULL,
  PRIMARY KEY (user_id, bucket_at, source, pattern, level)
) STRICT;
CREATE INDEX time_spent_beats ON time_spent(user_id, last_beat_at);
