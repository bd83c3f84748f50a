// The `runs` table, and every SQL statement that touches it: the grading service writes a run's
// life (queued, its state changes, its results), the labs API and the dashboard read it. The verdict
// is stored once, in the results document; the `outcome` column is computed from it (migration 011).
// The lifecycle is called `state`; `status` is only the verdict.
import type { Db } from '../db/index.ts';
import type { Language, RunResults, RunState } from '../../labs/_kit/results.ts';

/** The verdict of a finished run (the results' top-level status). */
export type Outcome = 'pass' | 'fail' | 'error';

/** A stored run as the API reads it. */
export interface RunRecord {
  id: string;
  userId: number | null;
  clientKey: string;
  labSlug: string;
  language: Language;
  state: RunState;
  outcome: Outcome | null;
  results: RunResults | null;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  durationMs: number | null;
}

/** Who is asking: a signed-in user (by id) or a guest (by client key). */
export interface Caller {
  userId: number | null;
  clientKey: string;
}

/** One row of attempt history as the lab page shows it. */
export interface Attempt {
  runId: string;
  /** The language the program was written in. */
  language: Language;
  state: RunState;
  outcome: Outcome | null;
  passed: number | null;
  total: number | null;
  createdAt: number;
}

/** One past run with the code that was submitted, as the lab page reopens it. */
export interface AttemptDetail extends Attempt {
  code: string;
  /** The stored results document, or null while the run is unfinished. */
  results: RunResults | null;
}

/** A signed-in user's run, as the dashboard counts it. */
export interface UserRun {
  id: string;
  labSlug: string;
  language: Language;
  state: RunState;
  outcome: Outcome | null;
  createdAt: number;
  durationMs: number | null;
}

/** Reads and writes runs. */
export interface RunStore {
  insert(run: { id: string; userId: number | null; clientKey: string; labSlug: string; language: Language; code: string; createdAt: number }): void;
  setState(id: string, state: RunState): void;
  setStarted(id: string, state: RunState, at: number): void;
  /** Stores the results (and with them the verdict) and marks the run done. */
  finish(id: string, results: RunResults, finishedAt: number, durationMs: number): void;
  get(id: string): RunRecord | null;
  /** Runs left unfinished (by a previous server process). */
  unfinished(): { id: string; labSlug: string; language: Language }[];
  /** Newest first, at most `limit` runs of one lab by the caller. */
  attempts(who: Caller, slug: string, limit?: number): Attempt[];
  /** The caller's run `runId` of this lab, or null when there is none (someone else's included). */
  attempt(who: Caller, slug: string, runId: string): AttemptDetail | null;
  /** True when one of the caller's runs of this lab passed every check. */
  hasPassed(who: Caller, slug: string): boolean;
  /** Every run of a signed-in user, newest first. */
  userRuns(userId: number): UserRun[];
}

interface Row {
  id: string;
  user_id: number | null;
  client_key: string;
  lab_slug: string;
  language: Language;
  state: string;
  outcome: string | null;
  results_json: string | null;
  code: string;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  duration_ms: number | null;
}

const OWNER_SQL = '(CASE WHEN ? IS NOT NULL THEN user_id = ? ELSE user_id IS NULL AND client_key = ? END)';
const ownerArgs = (who: Caller) => [who.userId, who.userId, who.clientKey];

function parseResults(json: string | null): RunResults | null {
  if (!json) return null;
  try {
    return JSON.parse(json) as RunResults;
  } catch {
    return null;
  }
}

function counts(results: RunResults | null): { passed: number | null; total: number | null } {
  if (!results || !Array.isArray(results.tests)) return { passed: null, total: null };
  return { passed: results.tests.filter((t) => t.status === 'pass').length, total: results.tests.length };
}

function toAttempt(r: Row): Attempt & { results: RunResults | null } {
  const results = parseResults(r.results_json);
  return { runId: String(r.id), language: r.language, state: r.state as RunState, outcome: r.outcome as Outcome | null, ...counts(results), createdAt: r.created_at, results };
}

/** Opens the store on a migrated database. */
export function createRunStore(db: Db): RunStore {
  const insert = db.prepare('INSERT INTO runs (id, user_id, client_key, lab_slug, language, code, state, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  const setState = db.prepare('UPDATE runs SET state = ? WHERE id = ?');
  const setStarted = db.prepare('UPDATE runs SET state = ?, started_at = ? WHERE id = ?');
  const finish = db.prepare("UPDATE runs SET state = 'done', results_json = ?, finished_at = ?, duration_ms = ? WHERE id = ?");
  const get = db.prepare('SELECT * FROM runs WHERE id = ?');
  const unfinished = db.prepare("SELECT id, lab_slug AS labSlug, language FROM runs WHERE state != 'done'");
  const attempts = db.prepare(`SELECT * FROM runs WHERE lab_slug = ? AND ${OWNER_SQL} ORDER BY created_at DESC, rowid DESC LIMIT ?`);
  const attempt = db.prepare(`SELECT * FROM runs WHERE id = ? AND lab_slug = ? AND ${OWNER_SQL}`);
  const passed = db.prepare(`SELECT 1 FROM runs WHERE lab_slug = ? AND outcome = 'pass' AND ${OWNER_SQL} LIMIT 1`);
  const userRuns = db.prepare('SELECT id, lab_slug AS labSlug, language, state, outcome, created_at AS createdAt, duration_ms AS durationMs FROM runs WHERE user_id = ? ORDER BY created_at DESC');

  return {
    insert: (r) => void insert.run(r.id, r.userId, r.clientKey, r.labSlug, r.language, r.code, 'queued', r.createdAt),
    setState: (id, state) => void setState.run(state, id),
    setStarted: (id, state, at) => void setStarted.run(state, at, id),
    finish: (id, results, at, ms) => void finish.run(JSON.stringify(results), at, ms, id),
    get(id) {
      const r = get.get(id) as Row | undefined;
      if (!r) return null;
      return {
        id: r.id, userId: r.user_id, clientKey: r.client_key, labSlug: r.lab_slug, language: r.language, state: r.state as RunState, outcome: r.outcome as Outcome | null,
        results: parseResults(r.results_json), createdAt: r.created_at, startedAt: r.started_at, finishedAt: r.finished_at, durationMs: r.duration_ms,
      };
    },
    unfinished: () => unfinished.all() as { id: string; labSlug: string; language: Language }[],
    attempts: (who, slug, limit = 50) => (attempts.all(slug, ...ownerArgs(who), limit) as Row[]).map((r) => {
      const { results: _omit, ...a } = toAttempt(r);
      return a;
    }),
    attempt(who, slug, runId) {
      const r = attempt.get(runId, slug, ...ownerArgs(who)) as Row | undefined;
      return r ? { ...toAttempt(r), code: r.code } : null;
    },
    hasPassed: (who, slug) => passed.get(slug, ...ownerArgs(who)) !== undefined,
    userRuns: (userId) => (userRuns.all(userId) as UserRun[]).map((r) => ({ ...r, id: String(r.id) })),
  };
}
