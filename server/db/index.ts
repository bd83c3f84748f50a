// SQLite storage: opens the database with durable settings and applies numbered migrations.
// Migrations live in server/db/migrations/NNN_name.sql and run once each, in order, at start-up.
import Database from 'better-sqlite3';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type Db = Database.Database;

const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

/** Opens (creating if needed) `<dataDir>/lag-zero.db` with WAL, synchronous=FULL and foreign keys, then migrates. */
export function openDb(dataDir: string, file = 'lag-zero.db'): Db {
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(file === ':memory:' ? ':memory:' : join(dataDir, file));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return db;
}

/** Applies every migration not yet recorded in schema_migrations, each in its own transaction. */
export function migrate(db: Db, dir = MIGRATIONS_DIR): string[] {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT');
  const done = new Set(db.prepare('SELECT version FROM schema_migrations').pluck().all() as number[]);
  const files = readdirSync(dir).filter((f) => /^\d{3}_[a-z0-9_]+\.sql$/.test(f)).sort();
  const applied: string[] = [];
  for (const f of files) {
    const version = Number(f.slice(0, 3));
    if (done.has(version)) continue;
    const sql = readFileSync(join(dir, f), 'utf8');
    db.transaction(() => {
      db.exec(sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(version, f, new Date().toISOString());
    })();
    applied.push(f);
  }
  return applied;
}

/** Reports whether the database answers and how many migrations are applied. */
export function dbStatus(db: Db): { ok: boolean; migrations: number; error?: string } {
  try {
    const n = db.prepare('SELECT COUNT(*) FROM schema_migrations').pluck().get() as number;
    return { ok: true, migrations: n };
  } catch (err) {
    return { ok: false, migrations: 0, error: (err as Error).message };
  }
}
