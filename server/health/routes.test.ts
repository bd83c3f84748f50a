import { loadLabRegistry } from '../../labs/_kit/registry.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createApp } from '../app.ts';
import { loadConfig } from '../config.ts';
import { openDb } from '../db/index.ts';
import type { KafkaRuntime, KafkaStatus } from '../kafka/types.ts';
import { LOCAL_MODE_WARNING } from '../sandbox/mode.ts';

function runtimeWith(status: Partial<KafkaStatus>): KafkaRuntime {
  const base: KafkaStatus = {
    mode: 'local', provisioned: true, version: '4.x', source: 'maven-cache', javaVersion: '17',
    poolSize: 1, warmBrokers: 1, startingBrokers: 0, missing: [], fix: [],
  };
  return { status: () => ({ ...base, ...status }), acquire: () => Promise.reject(new Error('unused')), shutdown: async () => {} };
}

function appWith(kafka: KafkaRuntime) {
  const dataDir = mkdtempSync(join(tmpdir(), 'lz-health-'));
  return createApp({ config: loadConfig({ DATA_DIR: dataDir }), db: openDb(dataDir), kafka, labs: loadLabRegistry(), now: Date.now });
}

describe('GET /api/health', () => {
  it('is ok when the database answers and Kafka is ready', async () => {
    const res = await appWith(runtimeWith({})).request('/api/health');
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.status).toBe('ok');
    expect(body.database.ok).toBe(true);
    expect(body.database.migrations).toBeGreaterThan(0);
    expect(body.kafka).toMatchObject({ mode: 'local', warmBrokers: 1, version: '4.x' });
  });

  it('is degraded and says what is missing and how to fix it when Kafka cannot run', async () => {
    const kafka = runtimeWith({ mode: 'unavailable', provisioned: false, warmBrokers: 0, missing: ['Java 17 or newer'], fix: ['Install a JDK 17+'] });
    const body = await (await appWith(kafka).request('/api/health')).json();
    expect(body.status).toBe('degraded');
    expect(body.kafka.missing).toEqual(['Java 17 or newer']);
    expect(body.kafka.fix).toEqual(['Install a JDK 17+']);
  });
});

describe('GET /api/health sandbox report', () => {
  it('is degraded when learner programs cannot be sandboxed, and says why', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'lz-health-'));
    const app = createApp({
      config: loadConfig({ DATA_DIR: dataDir }), db: openDb(dataDir), kafka: runtimeWith({}), labs: loadLabRegistry(), now: Date.now,
      sandbox: () => ({ ok: false, mode: 'refused', problems: ['bubblewrap is not installed: apt-get install bubblewrap'], enforced: [], notEnforced: [] }),
    });
    const body = await (await app.request('/api/health')).json();
    expect(body.status).toBe('degraded');
    expect(body.sandbox.mode).toBe('refused');
    expect(body.sandbox.problems[0]).toContain('bubblewrap');
  });

  it('says plainly when learner code runs in local mode, without the sandbox', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'lz-health-'));
    const app = createApp({
      config: loadConfig({ DATA_DIR: dataDir }), db: openDb(dataDir), kafka: runtimeWith({}), labs: loadLabRegistry(), now: Date.now,
      sandbox: () => ({ ok: true, mode: 'local', warning: LOCAL_MODE_WARNING, problems: [], enforced: ['wall clock'], notEnforced: ['isolation'] }),
    });
    const body = await (await app.request('/api/health')).json();
    expect(body.status).toBe('ok');
    expect(body.sandbox).toMatchObject({ ok: true, mode: 'local' });
    expect(body.sandbox.warning).toMatch(/not isolated.*apt-get install -y bubblewrap/);
  });
});

describe('API errors', () => {
  it('answers unknown API routes with a JSON 404 that names the route', async () => {
    const res = await appWith(runtimeWith({})).request('/api/nothing-here');
    expect(res.status).toBe(404);
    expect((await res.json()).error.message).toContain('/api/nothing-here');
  });

  it('publishes an OpenAPI document that includes the health route', async () => {
    const doc = await (await appWith(runtimeWith({})).request('/api/openapi.json')).json();
    expect(doc.openapi).toBe('3.0.0');
    expect(Object.keys(doc.paths)).toContain('/api/health');
  });
});
