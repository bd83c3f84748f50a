// The real app: /api/quizzes and /api/progress are mounted, documented in /api/openapi.json, and
// the quiz engine loads the real question bank in content/questions.
import { loadLabRegistry } from '../../labs/_kit/registry.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../app.ts';
import { loadConfig } from '../config.ts';
import { openDb } from '../db/index.ts';
import type { KafkaRuntime } from '../kafka/types.ts';

const dir = mkdtempSync(join(tmpdir(), 'lz-mount-'));
const db = openDb(dir);
const app = createApp({ config: loadConfig({}, process.cwd()), db, kafka: {} as KafkaRuntime, labs: loadLabRegistry(), now: Date.now });
afterAll(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('mounted quiz and progress APIs', () => {
  it('are documented in the OpenAPI document', async () => {
    const doc = (await (await app.request('/api/openapi.json')).json()) as { paths: Record<string, unknown> };
    for (const p of ['/api/quizzes', '/api/quizzes/{id}', '/api/quizzes/{id}/answers/{questionId}', '/api/quizzes/{id}/submit', '/api/quizzes/review', '/api/progress/dashboard', '/api/progress/import', '/api/progress/time'])
      expect(Object.keys(doc.paths)).toContain(p);
  });

  it('serve the real question bank to guests', async () => {
    const res = await app.request('/api/quizzes/catalog');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { total: number };
    expect(body.total).toBeGreaterThan(0);
  });

  it('keep progress for accounts only', async () => {
    expect((await app.request('/api/progress/dashboard')).status).toBe(401);
  });
});
