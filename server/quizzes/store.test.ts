// The review schedule on its own: a repeated miss never pushes a question further out, right answers
// space it out and finally retire it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../db/index.ts';
import { DAY_MS, reviewItems, updateReviewSchedule } from './store.ts';

let dir: string;
let db: Db;
let user: number;
const T0 = Date.UTC(2026, 0, 15, 12);
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lz-store-'));
  db = openDb(dir);
  user = Number(db.prepare('INSERT INTO users (email, password_hash, timezone, created_at) VALUES (?, ?, ?, ?)').run('s@example.test', 'x', 'UTC', T0).lastInsertRowid);
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const miss = (at: number) => updateReviewSchedule(db, user, [{ questionId: 'q1', score: 0 }], at);
const right = (at: number) => updateReviewSchedule(db, user, [{ questionId: 'q1', score: 1 }], at);
const item = () => reviewItems(db, user)[0];

describe('review schedule', () => {
  it('a question missed again comes back after 1 day, not later', () => {
    miss(T0);
    expect(item()).toMatchObject({ step: 1, due_at: T0 + DAY_MS });
    miss(T0 + DAY_MS);
    expect(item()).toMatchObject({ step: 1, due_at: T0 + 2 * DAY_MS, last_missed_at: T0 + DAY_MS });
  });

  it('a miss after right answers returns the question to the 1-day step', () => {
    miss(T0);
    right(T0 + DAY_MS);
    expect(item()).toMatchObject({ step: 2, due_at: T0 + 4 * DAY_MS });
    miss(T0 + 4 * DAY_MS);
    expect(item()).toMatchObject({ step: 1, due_at: T0 + 5 * DAY_MS });
  });

  it('right answers space a missed question out to 3, then 7 days, then retire it', () => {
    miss(T0);
    right(T0 + DAY_MS);
    expect(item()).toMatchObject({ step: 2, due_at: T0 + DAY_MS + 3 * DAY_MS });
    right(T0 + 4 * DAY_MS);
    expect(item()).toMatchObject({ step: 3, due_at: T0 + 4 * DAY_MS + 7 * DAY_MS });
    right(T0 + 11 * DAY_MS);
    expect(reviewItems(db, user)).toEqual([]);
  });

  it('a right answer to a question never missed schedules nothing', () => {
    right(T0);
    expect(reviewItems(db, user)).toEqual([]);
  });
});
