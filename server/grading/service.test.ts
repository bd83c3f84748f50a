// The grading service's queue without Kafka: bounded concurrency, queue positions announced as
// runs move up, the states stored in the runs table, and runs orphaned by a previous server
// process closed as errors at start-up.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { openDb, type Db } from '../db/index.ts';
import type { BrokerLease, KafkaRuntime } from '../kafka/types.ts';
import { createGradingService, concurrencyFromEnv } from './service.ts';
import { configureSandbox } from '../sandbox/mode.ts';
import type { RunEvent } from '../../labs/_kit/results.ts';
import { loadLabRegistry } from '../../labs/_kit/registry.ts';

const labs = loadLabRegistry();
const SLUG = labs.list()[0].slug;

let dir: string;
let db: Db;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lz-svc-'));
  db = openDb(dir);
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A runtime whose acquire() calls wait until the test fails them, one by one. */
function gatedKafka() {
  const waiting: ((err: Error) => void)[] = [];
  const kafka: KafkaRuntime = {
    status: () => ({ mode: 'local', provisioned: true, version: 'x', source: null, javaVersion: null, poolSize: 0, warmBrokers: 0, startingBrokers: 0, missing: [], fix: [] }),
    acquire: () => new Promise<BrokerLease>((_, reject) => waiting.push(reject)),
    shutdown: async () => {},
  };
  return { kafka, waiting };
}

const compilers = { typescript: async () => ({ ok: true as const, js: 'void 0' }) };
const tick = () => new Promise((r) => setTimeout(r, 20));
/** Waits (up to 5 s) until `cond` holds: the first run also imports the lab's grader. */
async function until(cond: () => boolean) {
  for (let i = 0; i < 250 && !cond(); i++) await tick();
}

it('grades one run at a time and tells queued runs their position', async () => {
  const { kafka, waiting } = gatedKafka();
  const svc = createGradingService({ db, labs, kafka, concurrency: 1, compilers });
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) {
    const r = await svc.submit({ labSlug: SLUG, code: 'x', userId: null, clientKey: 'ip:1' });
    if (!r.ok) throw new Error(r.message);
    ids.push(r.runId);
  }
  const third: RunEvent[] = [];
  svc.subscribe(ids[2], (e) => third.push(e));
  await until(() => waiting.length === 1);
  await tick();
  expect(waiting.length).toBe(1);
  expect(svc.getRun(ids[0])?.state).toBe('preparing');
  expect(svc.getRun(ids[1])).toMatchObject({ state: 'queued', position: 1 });
  expect(svc.getRun(ids[2])).toMatchObject({ state: 'queued', position: 2 });

  waiting.shift()!(new Error('no broker'));
  await until(() => waiting.length === 1);
  expect(svc.getRun(ids[0])).toMatchObject({ state: 'done', outcome: 'error' });
  expect(svc.getRun(ids[2])?.position).toBe(1);
  expect(third.some((e) => e.type === 'state' && e.state === 'queued' && e.position === 1)).toBe(true);

  waiting.shift()!(new Error('no broker'));
  await until(() => waiting.length === 1);
  waiting.shift()!(new Error('no broker'));
  await svc.idle();
  expect(ids.map((id) => svc.getRun(id)?.state)).toEqual(['done', 'done', 'done']);
});

it('runs up to the configured number at once', async () => {
  const { kafka, waiting } = gatedKafka();
  const svc = createGradingService({ db, labs, kafka, concurrency: 2, compilers });
  for (let i = 0; i < 3; i++) await svc.submit({ labSlug: SLUG, code: 'x', userId: null, clientKey: 'ip:1' });
  await until(() => waiting.length === 2);
  await tick();
  expect(waiting.length).toBe(2);
  waiting.splice(0).forEach((f) => f(new Error('no broker')));
  await until(() => waiting.length === 1);
  waiting.splice(0).forEach((f) => f(new Error('no broker')));
  await svc.idle();
  expect(concurrencyFromEnv({ GRADING_CONCURRENCY: '3' })).toBe(3);
  expect(concurrencyFromEnv({ GRADING_CONCURRENCY: 'lots' })).toBe(1);
});

it('closes runs left unfinished by a previous server process as errors, in the language they were written in', () => {
  db.prepare("INSERT INTO runs (id, client_key, lab_slug, code, state, created_at) VALUES ('orphan-run-1', 'ip:1', 'keyed-producer', 'x', 'running', 1)").run();
  db.prepare("INSERT INTO runs (id, client_key, lab_slug, language, code, state, created_at) VALUES ('orphan-run-2', 'ip:1', 'keyed-producer', 'java', 'x', 'queued', 2)").run();
  const svc = createGradingService({ db, labs, kafka: gatedKafka().kafka, compilers });
  const run = svc.getRun('orphan-run-1');
  expect(run).toMatchObject({ state: 'done', outcome: 'error', language: 'typescript' });
  expect(run?.results?.message).toContain('restarted');
  expect(svc.getRun('orphan-run-2')).toMatchObject({ language: 'java', results: { language: 'java', status: 'error' } });
});

it('stores the language with the run from the moment it is queued, and attempts report it', async () => {
  const { kafka, waiting } = gatedKafka();
  const java = async () => ({ ok: true as const, classes: { mainClass: 'Main', files: { 'Main.class': new Uint8Array() } } });
  const svc = createGradingService({ db, labs, kafka, concurrency: 1, compilers: { ...compilers, java } });
  const ts = await svc.submit({ labSlug: SLUG, code: 'x', userId: null, clientKey: 'ip:9' });
  const jv = await svc.submit({ labSlug: SLUG, code: 'class Main {}', language: 'java', userId: null, clientKey: 'ip:9' });
  if (!ts.ok || !jv.ok) throw new Error('submit refused');
  expect(svc.getRun(jv.runId)).toMatchObject({ state: 'queued', language: 'java', results: null });
  expect(svc.store.attempts({ userId: null, clientKey: 'ip:9' }, SLUG).map((a) => a.language)).toEqual(['java', 'typescript']);
  await until(() => waiting.length === 1);
  waiting.shift()!(new Error('no broker'));
  await until(() => waiting.length === 1);
  waiting.shift()!(new Error('no broker'));
  await svc.idle();
});

it('bounds the queue: one learner may have 3 runs waiting, everyone together maxQueued, each refusal with a Retry-After', async () => {
  const { kafka, waiting } = gatedKafka();
  const svc = createGradingService({ db, labs, kafka, concurrency: 1, compilers, maxQueued: 4 });
  const submit = (clientKey: string, userId: number | null = null) => svc.submit({ labSlug: SLUG, code: 'x', userId, clientKey });
  // The first run starts; three more of the same guest wait; a fourth waiting one is refused.
  for (let i = 0; i < 4; i++) expect((await submit('ip:1')).ok).toBe(true);
  await until(() => waiting.length === 1);
  const busy = await submit('ip:1');
  expect(busy).toMatchObject({ ok: false, code: 'client_busy' });
  if (!busy.ok && 'retryAfterSeconds' in busy) expect(busy.retryAfterSeconds).toBeGreaterThan(0);
  // Another learner still gets in, until the whole queue holds maxQueued runs.
  expect((await submit('ip:2')).ok).toBe(true);
  const full = await submit('ip:3');
  expect(full).toMatchObject({ ok: false, code: 'queue_full', message: expect.stringMatching(/not submitted; try again in about \d+ s/) });
  // Refused runs were never stored.
  expect((db.prepare('SELECT COUNT(*) AS n FROM runs').get() as { n: number }).n).toBe(5);
  // Drain: every run's broker request fails, so the queue empties.
  for (let i = 0; i < 5; i++) {
    await until(() => waiting.length > 0);
    waiting.shift()?.(new Error('no broker'));
  }
  await svc.idle();
});

it('publishes the verdict before the run\'s broker is released, and keeps the slot until it is', async () => {
  // A broker nobody listens on: the run ends as an infrastructure error once the grader's client gives up.
  let releaseDone: () => void = () => {};
  let releasing = false;
  const kafka: KafkaRuntime = {
    ...gatedKafka().kafka,
    acquire: async () => ({
      broker: { bootstrap: '127.0.0.1:1', host: '127.0.0.1', port: 1, restart: async () => {} },
      waitedMs: 0,
      release: () => {
        releasing = true;
        return new Promise<void>((r) => (releaseDone = r));
      },
    }),
  };
  const svc = createGradingService({ db, labs, kafka, concurrency: 1, compilers });
  const r = await svc.submit({ labSlug: SLUG, code: 'x', userId: null, clientKey: 'ip:7' });
  if (!r.ok) throw new Error(r.message);
  let idle = false;
  void svc.idle().then(() => (idle = true));
  for (let i = 0; i < 1500 && !releasing; i++) await tick();
  expect(releasing, 'the pipeline reached the release').toBe(true);
  expect(svc.getRun(r.runId), 'the learner already has the verdict').toMatchObject({ state: 'done', outcome: 'error' });
  await tick();
  expect(idle, 'the job holds its slot while the broker stops').toBe(false);
  releaseDone();
  await svc.idle();
}, 60_000);

it('a server whose sandbox setting refuses learner code says so at submit, and queues nothing', async () => {
  configureSandbox({ labSandbox: 'local', host: '0.0.0.0' });
  try {
    const svc = createGradingService({ db, labs, kafka: gatedKafka().kafka, compilers });
    const r = await svc.submit({ labSlug: SLUG, code: 'x', userId: null, clientKey: 'ip:8' });
    expect(r).toMatchObject({ ok: false, code: 'runs_refused', message: expect.stringMatching(/not isolated|bubblewrap/) });
    expect(db.prepare('SELECT COUNT(*) FROM runs').pluck().get()).toBe(0);
  } finally {
    configureSandbox({ labSandbox: 'auto', host: '127.0.0.1' });
  }
});
