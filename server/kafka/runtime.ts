// Placeholder until the broker manager lands: reports Kafka as not yet provisioned.
import type { Config } from '../config.ts';
import type { KafkaRuntime } from './types.ts';

/** Creates the Kafka runtime for this configuration. */
export function createKafkaRuntime(_config: Config): KafkaRuntime {
  return {
    status: () => ({
      mode: 'unavailable', provisioned: false, version: null, source: null, javaVersion: null,
      poolSize: 0, warmBrokers: 0, startingBrokers: 0,
      missing: ['the Kafka runtime is not implemented yet'], fix: [],
    }),
    acquire: () => Promise.reject(new Error('Kafka is not available on this server.')),
    shutdown: () => Promise.resolve(),
  };
}
