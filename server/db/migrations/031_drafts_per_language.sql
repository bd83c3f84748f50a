-- 031: a signed-in learner keeps one draft per lab AND language (a lab can be solved in TypeScript,
-- Java and Python). Existing drafts are TypeScript's.
CREATE TABLE lab_drafts_new (
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  lab_slug TEXT NOT NULL,
  language TEXT NOT NULL CHECK (language IN ('typescript', 'java', 'python')),
  code TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (user_id, lab_slug, language)
) STRICT;
INSERT INTO lab_drafts_new (user_id, lab_slug, language, code, updated_at) SELECT user_id, lab_slug, 'typescript', code, updated_at FROM lab_drafts;
DROP TABLE lab_drafts;
ALTER TABLE lab_drafts_new RENAME TO lab_drafts;
