-- 030: the lab page's own state. Drafts are kept server-side only for signed-in users (guests keep
-- theirs in localStorage); a give-up unlocks the reference solution for that learner and lab.
CREATE TABLE lab_drafts (
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  lab_slug TEXT NOT NULL,
  code TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (user_id, lab_slug)
) STRICT;

-- Guests give up under their client key (user_id NULL); signed-in learners under their user id.
CREATE TABLE lab_give_ups (
  id INTEGER PRIMARY KEY,
  user_id INTEGER REFERENCES users(id) ON DELETE CASCADE,
  client_key TEXT NOT NULL,
  lab_slug TEXT NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX lab_give_ups_user ON lab_give_ups(user_id, lab_slug) WHERE user_id IS NOT NULL;
CREATE UNIQUE INDEX lab_give_ups_guest ON lab_give_ups(client_key, lab_slug) WHERE user_id IS NULL;
