// The Kafka runtime the server uses: a warm pool of fresh local brokers (each handed to one lab run,
// then stopped and replaced in the background), or leases on an external cluster (KAFKA_BROKERS),
// or a clear "unavailable" report saying what is missing and how to fix it.
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import type { Config } from '../config.ts';
import { processAlive } from '../os/process.ts';
import { startBroker, type LocalBroker, type StartBrokerOptions } from './broker.ts';
import { diagnose } from './provision.mjs';
import type { Broker, BrokerLease, KafkaRuntime, KafkaStatus } from './types.ts';
import { KAFKA_VERSION } from './version.ts';

/** Test seams; production passes nothing. */
export interface RuntimeDeps {
  env?: NodeJS.ProcessEnv;
  /** Where broker directories go (default `<DATA_DIR>/brokers`). */
  brokersDir?: string;
  start?: (opts: StartBrokerOptions) => Promise<LocalBroker>;
}

/** Creates the Kafka runtime for this configuration and starts filling the warm pool. */
export function createKafkaRuntime(config: Config, deps: RuntimeDeps = {}): KafkaRuntime {
  const env = deps.env ?? process.env;
  if (config.kafkaBrokers) return externalRuntime(config.kafkaBrokers);
  const d = diagnose({ root: config.root, env, kafkaHome: config.kafkaHome });
  const base = {
    version: d.version ?? KAFKA_VERSION,
    source: d.source,
    javaVersion: d.java.version,
    provisioned: d.libs !== null,
  };
  if (d.missing.length > 0) return unavailableRuntime({ ...base, missing: d.missing, fix: d.fix, poolSize: config.kafkaPoolSize });
  return new LocalPool(config.kafkaPoolSize, base, {
    root: config.root,
    kafkaHome: config.kafkaHome,
    brokersDir: deps.brokersDir ?? join(config.dataDir, 'brokers'),
    env,
  }, deps.start ?? startBroker);
}

type Base = Pick<KafkaStatus, 'version' | 'source' | 'javaVersion' | 'provisioned'>;

function unavailableRuntime(s: Base & { missing: string[]; fix: string[]; poolSize: number }): KafkaRuntime {
  const message = `Kafka is not available on this server. Missing: ${s.missing.join('; ')}. Fix: ${s.fix.join(' ')}`;
  return {
    status: () => ({
      mode: 'unavailable', provisioned: s.provisioned, version: s.version, source: s.source, javaVersion: s.javaVersion,
      poolSize: s.poolSize, warmBrokers: 0, startingBrokers: 0, missing: [...s.missing], fix: [...s.fix],
    }),
    acquire: () => Promise.reject(new Error(message)),
    shutdown: () => Promise.resolve(),
  };
}

interface Waiter {
  resolve(b: LocalBroker): void;
  reject(err: Error): void;
}

/** A pool of pre-started local brokers; each is handed out once and replaced in the background. */
class LocalPool implements KafkaRuntime {
  private readonly warm: LocalBroker[] = [];
  private readonly waiters: Waiter[] = [];
  private readonly leased = new Set<LocalBroker>();
  private readonly inFlight = new Set<Promise<void>>();
  private starting = 0;
  private closed = false;
  private lastError: string | undefined;
  private failures = 0;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly size: number,
    private readonly base: Base,
    private readonly opts: StartBrokerOptions,
    private readonly start: (opts: StartBrokerOptions) => Promise<LocalBroker>,
  ) {
    this.fill();
  }

  status(): KafkaStatus {
    return {
      mode: 'local', ...this.base, poolSize: this.size, warmBrokers: this.warm.length, startingBrokers: this.starting,
      missing: [], fix: [], ...(this.lastError ? { lastError: this.lastError } : {}),
    };
  }

  async acquire(): Promise<BrokerLease> {
    if (this.closed) throw new Error('The Kafka runtime is shutting down; try again once the server is back.');
    const t0 = performance.now();
    let broker = this.takeWarm();
    if (!broker) {
      // Someone is waiting now: skip any back-off after an earlier failure.
      clearTimeout(this.retryTimer);
      this.retryTimer = undefined;
      broker = await new Promise<LocalBroker>((resolve, reject) => {
        this.waiters.push({ resolve, reject });
        this.fill();
      });
    }
    this.leased.add(broker);
    this.fill();
    const waitedMs = Math.round(performance.now() - t0);
    let released: Promise<void> | null = null;
    const b = broker;
    return {
      broker: b,
      waitedMs,
      release: () => {
        released ??= b.stop().finally(() => this.leased.delete(b));
        return released;
      },
    };
  }

  async shutdown(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    for (const w of this.waiters.splice(0)) w.reject(new Error('The Kafka runtime shut down before a broker was ready.'));
    // Brokers still starting hand themselves to stopAll via the closed check in startOne().
    await Promise.allSettled([...this.inFlight]);
    const all = [...this.warm.splice(0), ...this.leased];
    this.leased.clear();
    await Promise.allSettled(all.map((b) => b.stop()));
  }

  /** A warm broker whose JVM is still alive (one that died while waiting is discarded). */
  private takeWarm(): LocalBroker | undefined {
    for (;;) {
      const b = this.warm.shift();
      if (!b) return undefined;
      if (processAlive(b.pid)) return b;
      this.lastError = `A warm broker on ${b.bootstrap} died while waiting to be used; see ${b.dir}/broker.log.`;
      void b.stop();
    }
  }

  /** Starts brokers until warm + starting covers the pool size plus everyone waiting. */
  private fill(): void {
    if (this.closed || this.retryTimer) return;
    // One start at a time: two JVMs warming up on two cores each take twice as long.
    if (this.starting > 0) return;
    if (this.warm.length + this.starting >= this.size + this.waiters.length) return;
    this.startOne();
  }

  private startOne(): void {
    this.starting++;
    const p = this.start(this.opts).then(
      (b) => {
        this.starting--;
        this.failures = 0;
        if (this.closed) return b.stop();
        const w = this.waiters.shift();
        if (w) w.resolve(b);
        else this.warm.push(b);
      },
      (err: Error) => {
        this.starting--;
        this.failures++;
        this.lastError = err.message;
        const w = this.waiters.shift();
        w?.reject(new Error(`Could not start a Kafka broker: ${err.message}`));
        if (this.closed) return;
        // Back off so a broken installation does not spin the CPU; status().lastError says why.
        const delay = Math.min(60_000, 2_000 * 2 ** (this.failures - 1));
        this.retryTimer = setTimeout(() => {
          this.retryTimer = undefined;
          this.fill();
        }, this.waiters.length > 0 ? 0 : delay);
        this.retryTimer.unref();
      },
    ).finally(() => {
      this.inFlight.delete(p);
      this.fill();
    });
    this.inFlight.add(p);
  }
}

/**
 * KAFKA_BROKERS mode: every lease is on the same shared cluster. Release deletes nothing (other
 * runs may be using the cluster at the same time), so lab runs must use run-unique topic, group
 * and transactional ids. restart() is refused: we do not control that cluster's processes.
 */
function externalRuntime(brokers: string[]): KafkaRuntime {
  const [host, portText] = splitHostPort(brokers[0]);
  let reachable: boolean | null = null;
  let lastError: string | undefined;
  const probe = async () => {
    const admin = new Kafka({ clientId: 'lag-zero-health', brokers, logLevel: logLevel.NOTHING, retry: { retries: 2 } }).admin();
    try {
      await admin.connect();
      await admin.describeCluster();
      reachable = true;
      lastError = undefined;
    } catch (err) {
      reachable = false;
      lastError = `Cannot reach the Kafka cluster at ${brokers.join(',')}: ${(err as Error).message}`;
    } finally {
      await admin.disconnect().catch(() => {});
    }
  };
  const first = probe();
  const broker: Broker = {
    bootstrap: brokers.join(','),
    host,
    port: Number(portText),
    restart: () => Promise.reject(new Error('Broker restarts need a local broker; this server uses an external cluster (KAFKA_BROKERS), which Lag Zero does not control.')),
  };
  return {
    status: () => ({
      mode: 'external', provisioned: true, version: KAFKA_VERSION, source: 'external', javaVersion: null,
      poolSize: 0, warmBrokers: reachable ? 1 : 0, startingBrokers: 0,
      missing: reachable === false ? [`a reachable Kafka cluster at KAFKA_BROKERS=${brokers.join(',')}`] : [],
      fix: reachable === false ? ['Start it (for example `docker compose up -d kafka`) or correct KAFKA_BROKERS, then restart Lag Zero.'] : [],
      ...(lastError ? { lastError } : {}),
    }),
    acquire: async () => {
      await first;
      if (!reachable) await probe();
      if (!reachable) throw new Error(`${lastError}. Start the cluster or correct KAFKA_BROKERS.`);
      return { broker, waitedMs: 0, release: () => Promise.resolve() };
    },
    shutdown: () => first.then(() => {}),
  };
}

function splitHostPort(hp: string): [string, string] {
  const i = hp.lastIndexOf(':');
  return i < 0 ? [hp, '9092'] : [hp.slice(0, i), hp.slice(i + 1)];
}
