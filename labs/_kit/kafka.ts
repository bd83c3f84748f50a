// Kafka helpers the grading context is built from: create topics, produce seed data, read topics
// back with their batch metadata (producer id, transaction flag), read committed group offsets and
// decode the group's commit history from __consumer_offsets. All clients use short timeouts.
import { Kafka, logLevel, type Admin, type KafkaMessage } from 'kafkajs';
import type { CommittedOffset, ObservedRecord, OffsetCommitRecord, TopicSpec } from './grader.ts';

/** A kafkajs client tuned for a single local lab broker. */
export function graderKafka(bootstrap: string, clientId = 'lag-zero-grader'): Kafka {
  return new Kafka({
    clientId,
    brokers: [bootstrap],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1000,
    requestTimeout: 5000,
    retry: { retries: 8, initialRetryTime: 100, maxRetryTime: 1000 },
  });
}

/** Creates the topics (replication factor 1) and waits for their leaders. */
export async function createTopics(admin: Admin, topics: TopicSpec[]): Promise<void> {
  if (topics.length === 0) return;
  await admin.createTopics({
    waitForLeaders: true,
    timeout: 10_000,
    topics: topics.map((t) => ({ topic: t.name, numPartitions: t.partitions, replicationFactor: 1 })),
  });
}

/** High watermark per partition. */
export async function endOffsets(admin: Admin, topic: string): Promise<Map<number, number>> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return new Map(offsets.map((o) => [o.partition, Number(o.high)]));
}

/** Committed offsets of a group for one topic, -1 where the group has none. */
export async function committedOffsets(admin: Admin, groupId: string, topic: string): Promise<CommittedOffset[]> {
  const res = await admin.fetchOffsets({ groupId, topics: [topic] });
  return (res[0]?.partitions ?? []).map((p) => ({ topic, partition: p.partition, offset: Number(p.offset) })).sort((a, b) => a.partition - b.partition);
}

interface BatchContext {
  producerId?: string;
  inTransaction?: boolean;
}

function toObserved(topic: string, partition: number, m: KafkaMessage): ObservedRecord {
  const ctx = (m as KafkaMessage & { batchContext?: BatchContext }).batchContext ?? {};
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(m.headers ?? {})) {
    if (v === undefined) continue;
    headers[k] = Array.isArray(v) ? v.map(String).join(',') : String(v);
  }
  return {
    topic,
    partition,
    offset: m.offset,
    key: m.key === null ? null : m.key.toString('utf8'),
    value: m.value === null ? null : m.value.toString('utf8'),
    headers,
    timestamp: m.timestamp,
    producerId: String(ctx.producerId ?? '-1'),
    inTransaction: Boolean(ctx.inTransaction),
  };
}

/**
 * Reads every record currently in `topic` (up to the high watermarks taken at the start), using a
 * throw-away consumer group. Under read_committed a partition with an open transaction cannot be read
 * to its end, so reading stops after `idleMs` without progress.
 */
export async function readTopicRaw(
  kafka: Kafka,
  admin: Admin,
  topic: string,
  opts: { isolation?: 'read_committed' | 'read_uncommitted'; idleMs?: number; onMessage?: (topic: string, partition: number, m: KafkaMessage) => void } = {},
): Promise<{ records: ObservedRecord[]; complete: boolean }> {
  const targets = await endOffsets(admin, topic);
  const pending = new Map([...targets].filter(([, high]) => high > 0));
  if (pending.size === 0) return { records: [], complete: true };
  const records: ObservedRecord[] = [];
  const consumer = kafka.consumer({
    groupId: `lz-read-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`,
    readUncommitted: opts.isolation === 'read_uncommitted',
    sessionTimeout: 6000,
    heartbeatInterval: 500,
    maxWaitTimeInMs: 100,
    retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 1000 },
  });
  let lastProgress = Date.now();
  const advance = (partition: number, lastOffset: string) => {
    lastProgress = Date.now();
    const high = pending.get(partition);
    if (high !== undefined && Number(lastOffset) + 1 >= high) pending.delete(partition);
  };
  consumer.on(consumer.events.END_BATCH_PROCESS, (e) => advance(e.payload.partition, e.payload.lastOffset));
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) records.push(toObserved(batch.topic, batch.partition, m));
        opts.onMessage && batch.messages.forEach((m) => opts.onMessage!(batch.topic, batch.partition, m));
        advance(batch.partition, batch.lastOffset());
      },
    });
    const idleMs = opts.idleMs ?? 1500;
    const started = Date.now();
    // Group join can take a moment; only count idleness after the first progress or 5 s.
    while (pending.size > 0) {
      await new Promise((r) => setTimeout(r, 25));
      const since = Math.max(lastProgress, started + 5000 - idleMs);
      if (Date.now() - since > idleMs) break;
    }
  } finally {
    await consumer.disconnect().catch(() => {});
  }
  records.sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
  return { records, complete: pending.size === 0 };
}

/** Produces records plainly or inside one transaction that is committed or aborted. */
export async function produceRecords(
  kafka: Kafka,
  topic: string,
  records: { key: string | null; value: string; headers?: Record<string, string>; partition?: number }[],
  opts: { transaction?: 'commit' | 'abort' } = {},
): Promise<void> {
  const transactional = opts.transaction !== undefined;
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    ...(transactional ? { transactionalId: `lz-seed-${Date.now()}-${Math.random().toString(36).slice(2, 8)}` } : {}),
  });
  await producer.connect();
  try {
    const messages = records.map((r) => ({ key: r.key, value: r.value, headers: r.headers, partition: r.partition }));
    if (transactional) {
      const txn = await producer.transaction();
      await txn.send({ topic, messages });
      if (opts.transaction === 'commit') await txn.commit();
      else await txn.abort();
    } else {
      await producer.send({ topic, messages });
    }
  } finally {
    await producer.disconnect().catch(() => {});
  }
}

function readString(buf: Buffer, pos: number): [string, number] {
  const len = buf.readInt16BE(pos);
  return [buf.toString('utf8', pos + 2, pos + 2 + len), pos + 2 + len];
}

/**
 * Decodes a __consumer_offsets record into an offset commit for `groupId`, or null when it is some
 * other record (group metadata, another group). Key versions 0 and 1 are offset commits:
 * int16 version, string group, string topic, int32 partition; the value starts with int16 version, int64 offset.
 */
export function decodeOffsetCommit(key: Buffer | null, value: Buffer | null, groupId: string): { topic: string; partition: number; offset: number | null } | null {
  if (!key || key.length < 2) return null;
  const version = key.readInt16BE(0);
  if (version !== 0 && version !== 1) return null;
  const [group, p1] = readString(key, 2);
  if (group !== groupId) return null;
  const [topic, p2] = readString(key, p1);
  const partition = key.readInt32BE(p2);
  const offset = value && value.length >= 10 ? Number(value.readBigInt64BE(2)) : null;
  return { topic, partition, offset };
}

/** Every offset commit recorded for the group in __consumer_offsets, marked transactional or not. */
export async function offsetCommitLog(kafka: Kafka, admin: Admin, groupId: string): Promise<OffsetCommitRecord[]> {
  const out: OffsetCommitRecord[] = [];
  await readTopicRaw(kafka, admin, '__consumer_offsets', {
    isolation: 'read_uncommitted',
    idleMs: 800,
    onMessage: (_t, _p, m) => {
      const c = decodeOffsetCommit(m.key, m.value, groupId);
      if (!c) return;
      const ctx = (m as KafkaMessage & { batchContext?: BatchContext }).batchContext ?? {};
      out.push({ group: groupId, ...c, logOffset: m.offset, transactional: Boolean(ctx.inTransaction) });
    },
  });
  return out;
}
