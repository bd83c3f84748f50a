// Read-only views of the lab runner's `runs` table for the lab page: a caller's attempt history and
// whether any of their runs passed. A guest owns the runs stored under their client key with no user.
import type { Db } from '../db/index.ts';

/** Who is asking: a signed-in user (by id) or a guest (by client key). */
export interface Caller {
  userId: number | null;
  clientKey: string;
}

/** One row of attempt history as the lab page shows it. */
export interface Attempt {
  runId: string;
  state: string;
  outcome: string | null;
  passed: number | null;
  total: number | null;
  createdAt: number;
}

// Until the lab runner's migration has created `runs`, nobody has any runs.
function hasRunsTable(db: Db): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'runs'").get() !== undefined;
}

const OWNER_SQL = '(CASE WHEN ? IS NOT NULL THEN user_id = ? ELSE user_id IS NULL AND client_key = ? END)';
const ownerArgs = (who: Caller) => [who.userId, who.userId, who.clientKey];

/** Newest first, at most `limit` runs of one lab by the caller. */
export function listAttempts(db: Db, who: Caller, slug: string, limit = 50): Attempt[] {
  if (!hasRunsTable(db)) return [];
  const rows = db
    .prepare(`SELECT id, status, outcome, results_json, created_at FROM runs WHERE lab_slug = ? AND ${OWNER_SQL} ORDER BY created_at DESC, rowid DESC LIMIT ?`)
    .all(slug, ...ownerArgs(who), limit) as { id: string | number; status: string; outcome: string | null; results_json: string | null; created_at: number }[];
  return rows.map((r) => {
    const counts = countTests(r.results_json);
    return { runId: String(r.id), state: r.status, outcome: r.outcome, passed: counts?.passed ?? null, total: counts?.total ?? null, createdAt: r.created_at };
  });
}

/** One past run with the code that was submitted, as the lab page reopens it. */
export interface AttemptDetail extends Attempt {
  code: string;
  /** The stored results document, or null while the run is unfinished (or if it cannot be read). */
  results: unknown;
}

/** The caller's run `runId` of this lab, or null when there is none (someone else's runs included). */
export function getAttempt(db: Db, who: Caller, slug: string, runId: string): AttemptDetail | null {
  if (!hasRunsTable(db)) return null;
  const r = db
    .prepare(`SELECT id, status, outcome, code, results_json, created_at FROM runs WHERE id = ? AND lab_slug = ? AND ${OWNER_SQL}`)
    .get(runId, slug, ...ownerArgs(who)) as { id: string | number; status: string; outcome: string | null; code: string; results_json: string | null; created_at: number } | undefined;
  if (!r) return null;
  const counts = countTests(r.results_json);
  let results: unknown = null;
  try {
    results = r.results_json ? JSON.parse(r.results_json) : null;
  } catch {
    results = null;
  }
  return { runId: String(r.id), state: r.status, outcome: r.outcome, passed: counts?.passed ?? null, total: counts?.total ?? null, createdAt: r.created_at, code: r.code, results };
}

/** True when one of the caller's runs of this lab passed every check. */
export function hasPassingRun(db: Db, who: Caller, slug: string): boolean {
  if (!hasRunsTable(db)) return false;
  return db.prepare(`SELECT 1 FROM runs WHERE lab_slug = ? AND outcome = 'pass' AND ${OWNER_SQL} LIMIT 1`).get(slug, ...ownerArgs(who)) !== undefined;
}

function countTests(resultsJson: string | null): { passed: number; total: number } | null {
  if (!resultsJson) return null;
  try {
    const tests = (JSON.parse(resultsJson) as { tests?: { status?: string }[] }).tests;
    if (!Array.isArray(tests)) return null;
    return { passed: tests.filter((t) => t.status === 'pass').length, total: tests.length };
  } catch {
    return null;
  }
}
