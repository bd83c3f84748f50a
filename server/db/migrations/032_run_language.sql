-- 032: a run remembers the language it was written in, from the moment it is queued (the results
-- document only knows it once the run is done). Runs stored before results carried a language, and
-- every run before Java and Python existed, are TypeScript's.
ALTER TABLE runs ADD COLUMN language TEXT NOT NULL DEFAULT 'typescript' CHECK (language IN ('typescript', 'java', 'python'));
UPDATE runs SET language = json_extract(results_json, '$.language') WHERE json_extract(results_json, '$.language') IN ('java', 'python');
