// docker-compose.yml, the Dockerfile and the README must name the same Kafka version as the pom
// that provisions local brokers. No Docker engine is needed: this reads the files.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { KAFKA_VERSION, REPO_ROOT } from './version.ts';

interface Service {
  image?: string;
  build?: unknown;
  environment?: Record<string, string | number>;
  healthcheck?: { test?: unknown };
  depends_on?: Record<string, { condition?: string }>;
  volumes?: string[];
  ports?: string[];
}

const compose = parse(readFileSync(join(REPO_ROOT, 'docker-compose.yml'), 'utf8')) as { services: Record<string, Service> };
const { kafka, app } = compose.services;

describe('docker-compose.yml', () => {
  it(`runs apache/kafka at the pinned version (${KAFKA_VERSION})`, () => {
    expect(kafka.image).toBe(`apache/kafka:${KAFKA_VERSION}`);
  });

  it('configures one combined KRaft node whose internal topics fit a single replica', () => {
    const env = Object.fromEntries(Object.entries(kafka.environment ?? {}).map(([k, v]) => [k, String(v)]));
    expect(env).toMatchObject({
      KAFKA_PROCESS_ROLES: 'broker,controller',
      KAFKA_CONTROLLER_QUORUM_VOTERS: '1@kafka:29093',
      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
      KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR: '1',
      KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
      KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
    });
    expect(Buffer.from(env.CLUSTER_ID, 'base64url')).toHaveLength(16);
    expect(env.KAFKA_ADVERTISED_LISTENERS).toContain('PLAINTEXT://kafka:19092');
    expect(env.KAFKA_ADVERTISED_LISTENERS).toContain('PLAINTEXT_HOST://127.0.0.1:9092');
    expect(kafka.healthcheck?.test).toBeTruthy();
  });

  it('builds the app from the Dockerfile, keeps its data in a volume and points it at the Kafka service', () => {
    expect(app.build).toBeTruthy();
    expect(existsSync(join(REPO_ROOT, 'Dockerfile'))).toBe(true);
    expect(app.environment?.KAFKA_BROKERS).toBe('kafka:19092');
    expect(app.volumes?.some((v) => v.endsWith(`:${app.environment?.DATA_DIR}`))).toBe(true);
    expect(app.depends_on?.kafka?.condition).toBe('service_healthy');
    expect(app.healthcheck?.test).toBeTruthy();
  });
});

describe('README', () => {
  it(`names the pinned Kafka version ${KAFKA_VERSION}`, () => {
    expect(readFileSync(join(REPO_ROOT, 'README.md'), 'utf8')).toContain(KAFKA_VERSION);
  });
});
