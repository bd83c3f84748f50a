// Row 27: kill -9 during writes. A child writes through the real openDb (WAL, synchronous=FULL) and
// acknowledges each transaction after it commits; the parent SIGKILLs it at random moments. After
// every kill the database must pass integrity_check and hold every acknowledged write
// (acknowledged ⊆ stored; one unacknowledged extra row is allowed).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { expect, test } from 'vitest';
import { openDb } from '../../server/db/index.ts';

const ROUNDS = 6;
const WRITER = join(import.meta.dirname, 'fixtures', 'crash-writer.ts');

/** Runs the writer, SIGKILLs it a random delay after its first acknowledgement, returns the acknowledged ids. */
async function runAndKill(dir: string, prefix: string, delayMs: number): Promise<number[]> {
  const child = spawn(process.execPath, ['--import', 'tsx', WRITER, dir, prefix], { stdio: ['ignore', 'pipe', 'inherit'] });
  const acked: number[] = [];
  // 'close' fires after the process exited AND its stdout was drained, so no acknowledgement is missed.
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('close', (_code, signal) => resolve(signal)));
  const lines = createInterface({ input: child.stdout });
  lines.on('line', (line) => {
    const m = /^ack (\d+)$/.exec(line);
    if (!m) return;
    if (acked.length === 0) setTimeout(() => child.kill('SIGKILL'), delayMs);
    acked.push(Number(m[1]));
  });
  const signal = await exited;
  expect(signal).toBe('SIGKILL');
  return acked;
}

test(`every acknowledged write survives kill -9 (${ROUNDS} random kills)`, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lz-crash-'));
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const prefix = `r${round}`;
      const delay = Math.floor(Math.random() * 300);
      const acked = await runAndKill(dir, prefix, delay);
      const db = openDb(dir);
      try {
        expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
        expect(db.pragma('foreign_key_check')).toEqual([]);
        const stored = new Set(
          (db.prepare('SELECT email FROM users WHERE email LIKE ?').pluck().all(`${prefix}-%`) as string[]).map((e) => Number(e.slice(prefix.length + 1).split('@')[0])),
        );
        const missing = acked.filter((n) => !stored.has(n));
        expect(missing, `round ${round}: acknowledged but lost`).toEqual([]);
        expect(stored.size - acked.length).toBeLessThanOrEqual(1);
        const withoutSession = db
          .prepare('SELECT COUNT(*) FROM users u WHERE u.email LIKE ? AND NOT EXISTS (SELECT 1 FROM sessions s WHERE s.user_id = u.id)')
          .pluck()
          .get(`${prefix}-%`);
        expect(withoutSession, 'a user and its session commit together').toBe(0);
        expect(acked.length).toBeGreaterThan(0);
        console.log(`round ${round}: killed after ${delay} ms, ${acked.length} acknowledged, ${stored.size} stored`);
      } finally {
        db.close();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
