-- 011: one word per meaning, one copy of the verdict. The lifecycle column is `state` (queued,
-- preparing, running, grading, done); "status" is only ever the verdict, which lives once, in the
-- results document. `outcome` is now computed from it, so the two can never disagree.
ALTER TABLE runs RENAME COLUMN status TO state;
UPDATE runs SET state = 'preparing' WHERE state = 'starting-broker';
ALTER TABLE runs DROP COLUMN outcome;
ALTER TABLE runs ADD COLUMN outcome TEXT GENERATED ALWAYS AS (json_extract(results_json, '$.status')) VIRTUAL;
