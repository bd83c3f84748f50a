// Server configuration from environment variables, validated once at start-up.
// Every setting has a working default so `npm start` needs no configuration.
import { resolve } from 'node:path';
import { z } from 'zod';

const envSchema = z.object({
  PORT: z.coerce.number().int().min(1).max(65535).default(4321),
  HOST: z.string().default('127.0.0.1'),
  DATA_DIR: z.string().default('./data'),
  /** Use an existing Kafka distribution instead of the jars fetched from Maven Central. */
  KAFKA_HOME: z.string().optional(),
  /** Use an existing cluster (host:port,...) instead of local brokers. */
  KAFKA_BROKERS: z.string().optional(),
  /** How many fresh brokers to keep started and ready for lab runs. */
  KAFKA_POOL_SIZE: z.coerce.number().int().min(0).max(8).default(1),
  /** Set to 1 when behind a reverse proxy whose X-Forwarded-For can be trusted. */
  TRUST_PROXY: z.enum(['0', '1']).default('0'),
  NODE_ENV: z.string().default('development'),
  /**
   * How learner programs run: `strict` always in the bubblewrap sandbox; `local` as plain child
   * processes of the server's user (only when HOST is a loopback address); `auto` the sandbox when
   * this machine supports it, otherwise local mode under the same loopback condition.
   */
  LAB_SANDBOX: z.enum(['auto', 'local', 'strict']).default('auto'),
});

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  kafkaHome?: string;
  kafkaBrokers?: string[];
  kafkaPoolSize: number;
  trustProxy: boolean;
  production: boolean;
  /** LAB_SANDBOX: how learner programs are confined (see server/sandbox/mode.ts). */
  labSandbox: 'auto' | 'local' | 'strict';
  /** Absolute path of the repository root (where package.json lives). */
  root: string;
}

/** Parses `env` into a Config; throws with the offending variable named. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, root = process.cwd()): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`Invalid environment variable ${issue.path.join('.')}: ${issue.message}`);
  }
  const e = parsed.data;
  const brokers = e.KAFKA_BROKERS?.split(',').map((s) => s.trim()).filter(Boolean);
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: resolve(root, e.DATA_DIR),
    kafkaHome: e.KAFKA_HOME || undefined,
    kafkaBrokers: brokers && brokers.length > 0 ? brokers : undefined,
    kafkaPoolSize: e.KAFKA_POOL_SIZE,
    trustProxy: e.TRUST_PROXY === '1',
    production: e.NODE_ENV === 'production',
    labSandbox: e.LAB_SANDBOX,
    root,
  };
}
