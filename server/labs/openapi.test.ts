// GET /api/openapi.json describes a run's results in full, from the run contract's own schemas:
// every field, the enums a client switches on, and the evidence shape; the run and attempt routes
// refer to that one component.
import { expect, it } from 'vitest';
import { loadLabRegistry } from '../../labs/_kit/registry.ts';
import { FAULT_KINDS, RUN_STATES, runResultsSchema } from '../../labs/_kit/results.ts';
import { createApp } from '../app.ts';
import { loadConfig } from '../config.ts';
import { openDb } from '../db/index.ts';
import type { KafkaRuntime } from '../kafka/types.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

type Schema = { type?: string; enum?: string[]; properties?: Record<string, Schema>; items?: Schema; required?: string[]; $ref?: string; nullable?: boolean; allOf?: Schema[] };

it('documents the run results schema, its enums and the evidence shape', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'lz-openapi-'));
  const app = createApp({ config: loadConfig({ DATA_DIR: dataDir }), db: openDb(dataDir), kafka: {} as KafkaRuntime, labs: loadLabRegistry(), now: Date.now });
  const doc = (await (await app.request('/api/openapi.json')).json()) as { components: { schemas: Record<string, Schema> }; paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: Schema }> }> }>> };
  const results = doc.components.schemas.RunResults;
  expect(Object.keys(results.properties ?? {}).sort()).toEqual(Object.keys(runResultsSchema.shape).sort());
  expect(results.properties!.status.enum).toEqual(['pass', 'fail', 'error']);
  expect(results.properties!.kind.enum).toContain('compile-error');
  expect(results.properties!.faults.items!.properties!.kind.enum).toEqual([...FAULT_KINDS]);
  const evidence = results.properties!.tests.items!.properties!.evidence.items!;
  expect(Object.keys(evidence.properties ?? {}).sort()).toEqual(['actual', 'expected', 'key', 'note', 'offset', 'partition', 'topic']);
  // The run view refers to the component rather than `any`.
  const run = doc.components.schemas.Run;
  expect(run.properties!.state.enum).toEqual([...RUN_STATES]);
  expect(JSON.stringify(run.properties!.results)).toContain('#/components/schemas/RunResults');
  expect(JSON.stringify(doc.paths['/api/labs/{slug}/attempts/{runId}'].get.responses['200'])).toContain('LabAttemptDetail');
});
