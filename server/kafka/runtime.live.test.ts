// Live test of the warm pool: a broker is started when the runtime is created, acquire() hands it
// out and starts a replacement, release() stops the leased broker, shutdown() stops the rest.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { processAlive } from '../os/process.ts';
import type { LocalBroker } from './broker.ts';
import { createKafkaRuntime } from './runtime.ts';
import { KAFKA_VERSION, REPO_ROOT } from './version.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'lz-runtime-test-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function until(cond: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('warm pool', () => {
  it('hands out a ready broker, replaces it in the background and stops everything on shutdown', async () => {
    const kafka = createKafkaRuntime(loadConfig({ DATA_DIR: dataDir, KAFKA_POOL_SIZE: '1' }, REPO_ROOT));
    try {
      expect(kafka.status()).toMatchObject({ mode: 'local', provisioned: true, version: KAFKA_VERSION, poolSize: 1, startingBrokers: 1, missing: [], fix: [] });
      await until(() => kafka.status().warmBrokers === 1, 150_000);

      const lease = await kafka.acquire();
      expect(kafka.status()).toMatchObject({ warmBrokers: 0, startingBrokers: 1 });
      const broker = lease.broker as LocalBroker;
      expect(broker.bootstrap).toMatch(/^127\.0\.0\.1:\d+$/);
      expect(broker.dir.startsWith(join(dataDir, 'brokers'))).toBe(true);
      const admin = new Kafka({ clientId: 'pool-test', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING }).admin();
      await admin.connect();
      const topics = await admin.listTopics();
      await admin.disconnect();
      // Pre-warmed: the group and transaction coordinators' topics exist before the lab run starts.
      expect(topics).toEqual(expect.arrayContaining(['__consumer_offsets', '__transaction_state']));

      await lease.release();
      expect(processAlive(broker.pid)).toBe(false);
      expect(existsSync(broker.dir)).toBe(false);
    } finally {
      await kafka.shutdown();
    }
    expect(kafka.status()).toMatchObject({ warmBrokers: 0, startingBrokers: 0 });
    expect(readdirSync(join(dataDir, 'brokers'))).toEqual([]);
    await expect(kafka.acquire()).rejects.toThrow(/shutting down/);
  });
});
