// End to end through the real app (createApp with auth and origin middleware): submit the
// keyed-producer reference solution over the API, follow the SSE stream through every state to the
// final results, and read the stored run back. Real broker from the Kafka runtime, real sandbox.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { LABS_DIR, loadLabRegistry } from '../../labs/_kit/registry.ts';
import { createApp } from '../app.ts';
import { loadConfig } from '../config.ts';
import { openDb } from '../db/index.ts';
import { createGradingService } from '../grading/service.ts';
import { runEventSchema, type RunEvent } from '../../labs/_kit/results.ts';
import { createKafkaRuntime } from '../kafka/runtime.ts';

const dir = mkdtempSync(join(tmpdir(), 'lz-api-live-'));
const config = { ...loadConfig({}, join(LABS_DIR, '..')), dataDir: dir, kafkaPoolSize: 1 };
const db = openDb(dir);
const kafka = createKafkaRuntime(config);
const labs = loadLabRegistry();
const grading = createGradingService({ db, kafka, labs, concurrency: 1 });
const app = createApp({ config, db, kafka, labs, now: Date.now, grading });

afterAll(async () => {
  await grading.close();
  await kafka.shutdown();
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

it('runs the reference solution from POST to a passing verdict over SSE', async () => {
  const code = readFileSync(join(LABS_DIR, 'keyed-producer', 'solution', 'main.ts'), 'utf8');
  const post = await app.request('http://127.0.0.1/api/labs/keyed-producer/runs', {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: 'http://127.0.0.1' },
    body: JSON.stringify({ code }),
  });
  expect(post.status).toBe(202);
  const { runId } = (await post.json()) as { runId: string };

  const sse = await app.request(`http://127.0.0.1/api/runs/${runId}/events`);
  expect(sse.status).toBe(200);
  const text = await sse.text(); // the stream ends after the done event
  // Every event the stream sends is one the run contract defines, results included.
  const events = [...text.matchAll(/^data: (.*)$/gm)].map((m) => runEventSchema.parse(JSON.parse(m[1])) as RunEvent);
  const states = events.flatMap((e) => (e.type === 'state' ? [e.state] : []));
  expect([...new Set(states)]).toEqual(['queued', 'preparing', 'running', 'grading', 'done']);
  expect(events.some((e) => e.type === 'output' && e.text.includes('published every event'))).toBe(true);
  expect(events.some((e) => e.type === 'fault' && e.fault.kind === 'response-lost')).toBe(true);
  const done = events.at(-1);
  expect(done?.type).toBe('done');
  if (done?.type !== 'done') return;
  expect(done.results.status, JSON.stringify(done.results.tests)).toBe('pass');
  expect(done.results.version).toBe(3);

  const run = (await (await app.request(`http://127.0.0.1/api/runs/${runId}`)).json()) as { state: string; outcome: string; results: { tests: { task_id: string; status: string }[] } };
  expect(run.state).toBe('done');
  expect(run.outcome).toBe('pass');
  expect(run.results.tests.map((t) => t.task_id)).toEqual(['key-by-account', 'keep-order', 'exactly-once-per-event', 'idempotent-producer']);
  expect(db.prepare('SELECT state, outcome, duration_ms > 0 AS timed FROM runs WHERE id = ?').get(runId)).toEqual({ state: 'done', outcome: 'pass', timed: 1 });

  // A finished run can still be streamed: it replays the final state and results.
  const again = await (await app.request(`http://127.0.0.1/api/runs/${runId}/events`)).text();
  expect(again).toMatch(/event: done/);
});
