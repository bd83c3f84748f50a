-- 022: the question a learner was on when they last moved through a running quiz, so a reload
-- returns there. 0-based, matching quiz_answers.position.
-- Also, from this version the review schedule (review_items, 020) works as Leitner boxes: a miss
-- always returns a question to step 1 (1 day); a right answer moves it to step 2 (3 days), then
-- step 3 (7 days), then removes it.
ALTER TABLE quiz_attempts ADD COLUMN current_position INTEGER NOT NULL DEFAULT 0 CHECK (current_position >= 0);
