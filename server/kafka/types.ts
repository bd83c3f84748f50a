// The contract between the Kafka runtime (provisioning, brokers, warm pool) and the rest of the
// server: health reporting and handing a fresh broker to a lab run.

/** What /api/health reports about Kafka. `missing` and `fix` are empty when everything is ready. */
export interface KafkaStatus {
  /** local = brokers started from jars or KAFKA_HOME; external = KAFKA_BROKERS; unavailable = cannot run labs. */
  mode: 'local' | 'external' | 'unavailable';
  provisioned: boolean;
  /** The pinned (or detected) Apache Kafka version. */
  version: string | null;
  /** Where the Kafka jars come from: the Maven cache, KAFKA_HOME, or null. */
  source: 'maven-cache' | 'kafka-home' | 'external' | null;
  javaVersion: string | null;
  poolSize: number;
  /** Brokers started, pre-warmed and waiting to be handed out. */
  warmBrokers: number;
  /** Brokers currently being started. */
  startingBrokers: number;
  /** What is missing, in plain words (e.g. "Java 17 or newer (found none on PATH)"). */
  missing: string[];
  /** How to fix each missing piece. */
  fix: string[];
  /** The last error seen while starting a broker, if any. */
  lastError?: string;
}

/** A running broker handed to exactly one lab run. */
export interface Broker {
  /** `127.0.0.1:<port>` for the PLAINTEXT listener; what clients should bootstrap from. */
  bootstrap: string;
  host: string;
  port: number;
  /** Stops the broker gracefully and starts it again on the same ports and data (fault injection). */
  restart(): Promise<void>;
}

/** A lease on a broker; release() stops it and deletes its directory (or cleans up topics in external mode). */
export interface BrokerLease {
  broker: Broker;
  /** How long acquire() waited, in milliseconds. */
  waitedMs: number;
  release(): Promise<void>;
}

/** The Kafka runtime as the rest of the server sees it. */
export interface KafkaRuntime {
  status(): KafkaStatus;
  /** Resolves with a fresh, ready broker; rejects with a clear message when Kafka is unavailable. */
  acquire(): Promise<BrokerLease>;
  /** Stops every broker this runtime started. */
  shutdown(): Promise<void>;
}
