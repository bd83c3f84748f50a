// A new lab is exactly one folder. A copy of an existing lab under a new name, in a labs folder of
// its own, shows up everywhere labs are read, with no other file edited: the labs API (and a real
// run of its reference solution against a real broker passes), the lab page API, the dashboard,
// the grading CLI and the lab proofs.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { LABS_DIR, loadLabRegistry } from '../../labs/_kit/registry.ts';
import { createApp } from '../app.ts';
import { createSession, sessionCookieName } from '../auth/session.ts';
import { loadConfig } from '../config.ts';
import { openDb } from '../db/index.ts';
import { createGradingService } from '../grading/service.ts';
import { createKafkaRuntime } from '../kafka/runtime.ts';

const ROOT = join(LABS_DIR, '..');
// Inside the repository (git-ignored .cache), so the copied grader resolves npm packages as labs/ does.
mkdirSync(join(ROOT, '.cache'), { recursive: true });
const base = mkdtempSync(join(ROOT, '.cache', 'new-lab-'));
const labsDir = join(base, 'labs');
mkdirSync(labsDir);
symlinkSync(join(LABS_DIR, '_kit'), join(labsDir, '_kit'));
for (const slug of ['keyed-producer', 'at-least-once-consumer']) cpSync(join(LABS_DIR, slug), join(labsDir, slug), { recursive: true });
// The new lab: a plain copy under a new folder name.
const NEW = 'copied-producer';
cpSync(join(LABS_DIR, 'keyed-producer'), join(labsDir, NEW), { recursive: true });

const dataDir = join(base, 'data');
const config = { ...loadConfig({}, ROOT), dataDir, kafkaPoolSize: 0 };
const db = openDb(dataDir);
const kafka = createKafkaRuntime(config);
const labs = loadLabRegistry(labsDir);
const grading = createGradingService({ db, kafka, labs, concurrency: 1 });
const app = createApp({ config, db, kafka, labs, now: Date.now, grading });
afterAll(async () => {
  await grading.close();
  await kafka.shutdown();
  db.close();
  rmSync(base, { recursive: true, force: true });
});

const get = (path: string, cookie?: string) => app.request(`http://127.0.0.1${path}`, { headers: cookie ? { cookie } : {} });

it('is listed and served by the labs API, and a run of its reference solution passes', async () => {
  const list = (await (await get('/api/labs')).json()) as { labs: { slug: string }[] };
  expect(list.labs.map((l) => l.slug)).toContain(NEW);
  const detail = (await (await get(`/api/labs/${NEW}`)).json()) as { starter: string; tasks: unknown[] };
  expect(detail.starter.length).toBeGreaterThan(0);
  expect(detail.tasks.length).toBeGreaterThan(0);
  const hints = (await (await get(`/api/labs/${NEW}/hints?count=1`)).json()) as { total: number };
  expect(hints.total).toBeGreaterThan(0);

  const post = await app.request(`http://127.0.0.1/api/labs/${NEW}/runs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: 'http://127.0.0.1' },
    body: JSON.stringify({ code: labs.get(NEW)!.solutions.typescript }),
  });
  expect(post.status).toBe(202);
  const { runId } = (await post.json()) as { runId: string };
  await grading.idle();
  const run = (await (await get(`/api/runs/${runId}`)).json()) as { lab: string; outcome: string; results: { lab: string } };
  expect(run).toMatchObject({ lab: NEW, outcome: 'pass', results: { lab: NEW } });
});

it('counts on the dashboard', async () => {
  const userId = Number(db.prepare("INSERT INTO users (email, password_hash, created_at) VALUES ('new-lab@example.test', 'x', ?)").run(Date.now()).lastInsertRowid);
  const cookie = `${sessionCookieName(false)}=${createSession(db, userId, Date.now()).token}`;
  const dash = (await (await get('/api/progress/dashboard', cookie)).json()) as { totals: { labsTotal: number } };
  expect(dash.totals.labsTotal).toBe(3);
});

it('is listed by the grading CLI', () => {
  const out = execFileSync(join(ROOT, 'node_modules', '.bin', 'tsx'), ['server/grading/cli.ts', '--list', '--labs-dir', labsDir], { cwd: ROOT, encoding: 'utf8' });
  expect(out.split('\n').map((l) => l.split('\t')[0])).toContain(NEW);
});

it('gets the lab proofs: its own frontmatter and checks are proved, and its fixtures are found', () => {
  expect(labs.get(NEW)!.fixtures.length).toBe(labs.get('keyed-producer')!.fixtures.length);
  // The proofs file, pointed at this labs folder, runs the static proof of every lab it finds.
  const out = execFileSync(
    join(ROOT, 'node_modules', '.bin', 'vitest'),
    ['run', 'labs/lab-proofs.live.test.ts', '-t', 'has valid frontmatter', '--reporter', 'verbose'],
    { cwd: ROOT, encoding: 'utf8', env: { ...process.env, LAB_PROOFS_DIR: labsDir } },
  );
  expect(out).toMatch(new RegExp(`${NEW}.*has valid frontmatter`));
});
