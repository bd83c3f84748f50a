import { copyFileSync, mkdtempSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate, openDb } from './index.ts';

describe('openDb', () => {
  it('creates the database in DATA_DIR with WAL, synchronous=FULL and foreign keys on', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'lz-db-')), 'nested');
    const db = openDb(dir);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    db.close();
  });

  it('applies each migration once, in number order, and records it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lz-mig-'));
    const migrations = join(dir, 'migrations');
    mkdirSync(migrations);
    writeFileSync(join(migrations, '002_b.sql'), 'INSERT INTO t VALUES (2);');
    writeFileSync(join(migrations, '001_a.sql'), 'CREATE TABLE t (v INTEGER) STRICT; INSERT INTO t VALUES (1);');
    writeFileSync(join(migrations, 'notes.txt'), 'ignored');
    const db = new Database(':memory:');
    expect(migrate(db, migrations)).toEqual(['001_a.sql', '002_b.sql']);
    expect(migrate(db, migrations)).toEqual([]);
    expect(db.prepare('SELECT v FROM t ORDER BY rowid').pluck().all()).toEqual([1, 2]);
  });

  it('rolls a failing migration back entirely and keeps it pending', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lz-bad-'));
    const migrations = join(dir, 'migrations');
    mkdirSync(migrations);
    writeFileSync(join(migrations, '001_bad.sql'), 'CREATE TABLE half (v INTEGER); SELECT nope FROM missing;');
    const db = new Database(':memory:');
    expect(() => migrate(db, migrations)).toThrow(/missing/);
    expect(db.prepare("SELECT COUNT(*) FROM sqlite_master WHERE name = 'half'").pluck().get()).toBe(0);
    expect(db.prepare('SELECT COUNT(*) FROM schema_migrations WHERE version = 1').pluck().get()).toBe(0);
  });

  it('032 gives every stored run its language: Java and Python from their results, TypeScript otherwise', () => {
    const real = join(dirname(fileURLToPath(import.meta.url)), 'migrations');
    const dir = join(mkdtempSync(join(tmpdir(), 'lz-032-')), 'migrations');
    mkdirSync(dir);
    for (const f of readdirSync(real).filter((f) => f < '032')) copyFileSync(join(real, f), join(dir, f));
    const db = new Database(':memory:');
    migrate(db, dir);
    const add = db.prepare("INSERT INTO runs (id, client_key, lab_slug, code, state, results_json, created_at) VALUES (?, 'ip:1', 'keyed-producer', '', ?, ?, 1)");
    add.run('old-ts', 'done', JSON.stringify({ status: 'pass', tests: [] }));
    add.run('java', 'done', JSON.stringify({ status: 'fail', language: 'java', tests: [] }));
    add.run('python', 'done', JSON.stringify({ status: 'pass', language: 'python', tests: [] }));
    add.run('queued', 'queued', null);
    for (const f of readdirSync(real).filter((f) => f >= '032')) copyFileSync(join(real, f), join(dir, f));
    migrate(db, dir);
    expect(db.prepare('SELECT id, language FROM runs ORDER BY id').all()).toEqual([
      { id: 'java', language: 'java' },
      { id: 'old-ts', language: 'typescript' },
      { id: 'python', language: 'python' },
      { id: 'queued', language: 'typescript' },
    ]);
    expect(() => db.prepare("UPDATE runs SET language = 'cobol' WHERE id = 'java'").run()).toThrow(/CHECK/);
  });
});
