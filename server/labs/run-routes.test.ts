// The labs and runs API through app.request(): listing and reading labs (never the solution or the
// grader), submission validation (400, 404, 413, 422, 429 with Retry-After), owner-only access to
// runs and their event stream. Kafka is irrelevant here: the runtime refuses every broker, so runs
// finish quickly as infrastructure errors, which is also what these tests check they report.
import { OpenAPIHono } from '@hono/zod-openapi';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LABS_DIR, loadLabRegistry } from '../../labs/_kit/registry.ts';
import { loadConfig } from '../config.ts';
import { openDb, type Db } from '../db/index.ts';
import { createGradingService, MAX_CODE_BYTES, type GradingService } from '../grading/service.ts';
import { validationHook } from '../http/errors.ts';
import type { AppDeps, AppEnv } from '../http/types.ts';
import type { KafkaRuntime } from '../kafka/types.ts';
import { labsRoutes, RUNS_PER_MINUTE } from './lab-routes.ts';
import { runsRoutes } from './run-routes.ts';

const registry = loadLabRegistry();
/** Any lab will do for submission tests: the first one the registry finds. */
const SLUG = registry.list()[0].slug;

const noKafka: KafkaRuntime = {
  status: () => ({ mode: 'unavailable', provisioned: false, version: null, source: null, javaVersion: null, poolSize: 0, warmBrokers: 0, startingBrokers: 0, missing: ['test'], fix: [] }),
  acquire: () => Promise.reject(new Error('broker refused in this test')),
  shutdown: async () => {},
};

let dir: string;
let db: Db;
let grading: GradingService;
let clock: number;
let app: OpenAPIHono<AppEnv>;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lz-runs-'));
  db = openDb(dir);
  clock = Date.UTC(2026, 5, 1);
  grading = createGradingService({
    db,
    labs: registry,
    kafka: noKafka,
    now: () => clock,
    // These tests are about the per-minute limit and validation; the waiting-runs bound has its own test (service.test.ts).
    maxQueuedPerClient: 100,
    compilers: { typescript: async (code: string) => (code.includes('@@syntax') ? { ok: false, error: 'main.ts:1:3: Expected ";" but found "@"' } : { ok: true, js: 'void 0' }) },
  });
  const deps: AppDeps = { config: loadConfig({}, join(LABS_DIR, '..')), db, kafka: noKafka, labs: registry, now: () => clock, grading };
  app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.use('/api/*', async (c, next) => {
    const id = c.req.header('x-test-user');
    c.set('user', id ? { id: Number(id), email: `${id}@example.com`, timezone: 'UTC', labLanguage: null } : null);
    c.set('clientKey', id ? `user:${id}` : `ip:${c.req.header('x-test-ip') ?? '127.0.0.1'}`);
    await next();
  });
  app.route('/api/labs', labsRoutes(deps));
  app.route('/api/runs', runsRoutes(deps));
});

afterEach(async () => {
  await grading.close();
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const post = (slug: string, body: unknown, headers: Record<string, string> = {}) =>
  app.request(`/api/labs/${slug}/runs`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

describe('GET /api/labs', () => {
  it('lists every lab folder in teaching order, with its tasks and languages', async () => {
    const res = await app.request('/api/labs');
    expect(res.status).toBe(200);
    const { labs } = (await res.json()) as { labs: { slug: string; order: number; tasks: unknown[]; languages: string[] }[] };
    const folders = readdirSync(LABS_DIR, { withFileTypes: true }).filter((d) => d.isDirectory() && existsSync(join(LABS_DIR, d.name, 'lab.mdx'))).map((d) => d.name);
    expect(labs.map((l) => l.slug).sort()).toEqual(folders.sort());
    expect(labs.map((l) => l.order)).toEqual([...labs.map((l) => l.order)].sort((a, b) => a - b));
    expect(labs.every((l) => l.tasks.length > 0 && l.languages.includes('typescript'))).toBe(true);
  });

  it('returns instructions and starter but never the solution or the grader', async () => {
    for (const { slug, dir } of registry.list()) {
      const res = await app.request(`/api/labs/${slug}`);
      expect(res.status).toBe(200);
      const text = await res.text();
      const body = JSON.parse(text) as { instructions: string; starter: string; hintCount: number };
      expect(body.instructions).toContain('KAFKA_BROKERS');
      expect(body.starter).toBe(readFileSync(join(dir, 'starter', 'main.ts'), 'utf8'));
      expect(body.hintCount).toBeGreaterThan(0);
      const solution = readFileSync(join(dir, 'solution', 'main.ts'), 'utf8');
      expect(text).not.toContain(JSON.stringify(solution.split('\n')[0]).slice(1, -1));
      expect(text).not.toContain('defineGrader');
      expect(text).not.toContain('reference solution');
    }
  });

  it('answers 404 for an unknown lab and 400 for a malformed slug', async () => {
    expect((await app.request('/api/labs/no-such-lab')).status).toBe(404);
    expect((await app.request('/api/labs/Bad_Slug')).status).toBe(400);
  });
});

describe('POST /api/labs/:slug/runs', () => {
  it('queues a run (202) that ends as an infrastructure error when no broker can start', async () => {
    const res = await post(SLUG, { code: 'console.log(1)' });
    expect(res.status).toBe(202);
    const { runId } = (await res.json()) as { runId: string };
    await grading.idle();
    const run = (await (await app.request(`/api/runs/${runId}`)).json()) as { state: string; outcome: string; results: { status: string; kind: string; message: string; tests: unknown[] } };
    expect(run.state).toBe('done');
    expect(run.outcome).toBe('error');
    expect(run.results.kind).toBe('infrastructure-error');
    expect(run.results.message).toMatch(/broker refused in this test.*problem on our side/s);
    expect(run.results.tests.length).toBe(4);
  });

  it('rejects bad bodies with 400 and changes nothing', async () => {
    for (const body of [{}, { code: '' }, { code: 'x', extra: 1 }, { code: 42 }]) {
      const res = await post(SLUG, body);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('invalid_request');
    }
    expect(db.prepare('SELECT COUNT(*) FROM runs').pluck().get()).toBe(0);
  });

  it('answers 404 for an unknown lab, 413 for code over 64 KiB, 422 for code that does not compile', async () => {
    expect((await post('no-such-lab', { code: 'x' })).status).toBe(404);
    const big = await post(SLUG, { code: 'x'.repeat(MAX_CODE_BYTES + 1) });
    expect(big.status).toBe(413);
    expect(((await big.json()) as { error: { message: string } }).error.message).toContain('64 KiB');
    const broken = await post(SLUG, { code: 'let @@syntax' });
    expect(broken.status).toBe(422);
    const compileError = (await broken.json()) as { error: { message: string; details: { diagnostics: unknown[] } } };
    expect(compileError.error.message).toContain('main.ts:1:3');
    expect(compileError.error.details.diagnostics).toEqual([{ file: 'main.ts', line: 1, column: 3, message: 'Expected ";" but found "@"' }]);
    expect(db.prepare('SELECT COUNT(*) FROM runs').pluck().get()).toBe(0);
  });

  it(`limits each client to ${RUNS_PER_MINUTE} runs a minute with Retry-After`, async () => {
    for (let i = 0; i < RUNS_PER_MINUTE; i++) expect((await post(SLUG, { code: 'x' }, { 'x-test-ip': '10.0.0.1' })).status).toBe(202);
    const limited = await post(SLUG, { code: 'x' }, { 'x-test-ip': '10.0.0.1' });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await post(SLUG, { code: 'x' }, { 'x-test-ip': '10.0.0.2' })).status).toBe(202);
    clock += 61_000;
    expect((await post(SLUG, { code: 'x' }, { 'x-test-ip': '10.0.0.1' })).status).toBe(202);
    await grading.idle();
  });

  it('stores the signed-in user id with the run', async () => {
    db.prepare("INSERT INTO users (id, email, password_hash, created_at) VALUES (7, 'u7@example.com', 'x', 0)").run();
    const { runId } = (await (await post(SLUG, { code: 'x' }, { 'x-test-user': '7' })).json()) as { runId: string };
    await grading.idle();
    expect(db.prepare('SELECT user_id, client_key, lab_slug, state FROM runs WHERE id = ?').get(runId)).toEqual({ user_id: 7, client_key: 'user:7', lab_slug: SLUG, state: 'done' });
  });
});

describe('GET /api/runs/:id and /events', () => {
  it('shows a run only to its owner', async () => {
    const { runId } = (await (await post(SLUG, { code: 'x' }, { 'x-test-ip': '10.1.1.1' })).json()) as { runId: string };
    await grading.idle();
    expect((await app.request(`/api/runs/${runId}`, { headers: { 'x-test-ip': '10.1.1.1' } })).status).toBe(200);
    expect((await app.request(`/api/runs/${runId}`, { headers: { 'x-test-ip': '10.9.9.9' } })).status).toBe(404);
    expect((await app.request(`/api/runs/${runId}`, { headers: { 'x-test-user': '3' } })).status).toBe(404);
    expect((await app.request(`/api/runs/${runId}/events`, { headers: { 'x-test-ip': '10.9.9.9' } })).status).toBe(404);
    expect((await app.request('/api/runs/doesnotexist1')).status).toBe(404);
    expect((await app.request('/api/runs/bad!id')).status).toBe(400);
  });

  it('streams a finished run as state and done events', async () => {
    const { runId } = (await (await post(SLUG, { code: 'x' })).json()) as { runId: string };
    await grading.idle();
    const res = await app.request(`/api/runs/${runId}/events`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const text = await res.text();
    expect(text).toContain('event: state');
    expect(text).toMatch(/"state":"preparing"/);
    expect(text).toMatch(/event: done\ndata: .*"status":"error"/);
  });
});
