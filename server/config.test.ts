import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';

describe('loadConfig', () => {
  it('has working defaults: loopback, port 4321, ./data, one warm broker', () => {
    const c = loadConfig({}, '/srv/lz');
    expect(c).toMatchObject({ host: '127.0.0.1', port: 4321, dataDir: '/srv/lz/data', kafkaPoolSize: 1, trustProxy: false });
    expect(c.kafkaBrokers).toBeUndefined();
  });

  it('splits KAFKA_BROKERS into a list', () => {
    expect(loadConfig({ KAFKA_BROKERS: ' 10.0.0.1:9092, 10.0.0.2:9092 ,' }).kafkaBrokers).toEqual(['10.0.0.1:9092', '10.0.0.2:9092']);
  });

  it('names the variable when a value is invalid', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ KAFKA_POOL_SIZE: '99' })).toThrow(/KAFKA_POOL_SIZE/);
  });
});
