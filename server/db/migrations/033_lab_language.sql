-- 033: the language a signed-in learner last chose on a lab page, so every lab opens in it on any
-- device. NULL until they choose one (the lab page then starts in TypeScript).
ALTER TABLE users ADD COLUMN lab_language TEXT CHECK (lab_language IN ('typescript', 'java', 'python'));
