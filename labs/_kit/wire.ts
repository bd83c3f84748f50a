// The wire evidence a grader gets: what the host relay decoded from the Kafka traffic between the
// learner's program and its broker, in one order across every instance and connection. Requests
// carry their response once it came back (`response.seq` orders it against other events), so a
// check can say "this commit was sent before that result was acknowledged".

/** One record of a Produce request, as the program sent it. */
export interface WireRecord {
  key: string | null;
  value: string | null;
}

/** The per-partition part of a Produce request. */
export interface WireProducePartition {
  topic: string;
  partition: number;
  producerId: string;
  producerEpoch: number;
  baseSequence: number;
  transactional: boolean;
  records: WireRecord[];
}

/** A response as it reached (or did not reach) the program. */
export interface WireResponse {
  seq: number;
  atMs: number;
  /** Top-level error code, or the first non-zero per-partition one; 0 when all succeeded. */
  errorCode: number;
  /** False when the relay dropped or held it because of a fault. */
  delivered: boolean;
  /** The decoded response (camelCase fields, int64 as bigint). */
  body: Record<string, unknown>;
}

interface Base {
  /** Order of this event among all events of the run (requests and responses share the counter). */
  seq: number;
  atMs: number;
  instance: number;
  /** Connection number within the instance. */
  conn: number;
  correlationId: number;
  apiVersion: number;
  clientId: string | null;
  response?: WireResponse;
}

export type WireEvent = Base &
  (
    | { type: 'produce'; transactionalId: string | null; acks: number; partitions: WireProducePartition[] }
    | { type: 'fetch'; isolation: 'read_committed' | 'read_uncommitted'; partitions: { topic: string; partition: number; fetchOffset: number }[] }
    | { type: 'offset-commit'; groupId: string; generationId: number; memberId: string; offsets: { topic: string; partition: number; offset: number }[] }
    | { type: 'txn-offset-commit'; transactionalId: string; groupId: string; producerId: string; producerEpoch: number; offsets: { topic: string; partition: number; offset: number }[] }
    | { type: 'add-offsets-to-txn'; transactionalId: string; groupId: string; producerId: string; producerEpoch: number }
    | { type: 'add-partitions-to-txn'; transactionalId: string; producerId: string; producerEpoch: number; partitions: { topic: string; partition: number }[] }
    | { type: 'end-txn'; transactionalId: string; producerId: string; producerEpoch: number; committed: boolean }
    | { type: 'init-producer-id'; transactionalId: string | null }
    | { type: 'join-group'; groupId: string; memberId: string }
    | { type: 'sync-group'; groupId: string; generationId: number; memberId: string }
    | { type: 'consumer-group-heartbeat'; groupId: string; memberId: string; memberEpoch: number }
    | { type: 'leave-group'; groupId: string }
    | { type: 'refused'; api: string; reason: string }
    | { type: 'undecodable'; api: string; reason: string }
  );

export type WireEventType = WireEvent['type'];


/** An event before the log gives it its place (sequence, time, instance, connection). */
export type WireEventBody = WireEvent extends infer E ? (E extends unknown ? Omit<E, 'seq' | 'atMs' | 'instance' | 'conn'> : never) : never;
