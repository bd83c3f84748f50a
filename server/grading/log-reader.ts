// Reads a topic's whole log the way the grader needs it: with our own protocol client (no consumer
// group to join, no kafkajs record decoding), every data record with its batch metadata, every
// transaction marker, and each record's fate under transactions decided from those markers. One
// read gives both isolation views. Bounded in bytes, records and headers per record: a topic
// that breaks a bound is reported in `problems` (the check fails with that message) instead of
// being decoded without limit inside the server process.
import { KafkaConnection } from '../kafka/protocol/client.ts';
import { decodeBatches, RecordLimitError, DEFAULT_RECORD_LIMITS } from '../kafka/protocol/records.ts';
import type { LogRecord, PartitionLog, TopicLog } from '../../labs/_kit/grader.ts';

/** Bounds for one topic read. */
export interface ReadBounds {
  maxBytes: number;
  maxRecords: number;
  maxHeadersPerRecord: number;
}

export const DEFAULT_READ_BOUNDS: Readonly<ReadBounds> = Object.freeze({ maxBytes: 32 * 1024 * 1024, maxRecords: 50_000, maxHeadersPerRecord: DEFAULT_RECORD_LIMITS.maxHeadersPerRecord });

const FETCH_VERSION = 12;
const headerText = (b: Buffer | null) => (b === null ? '' : b.toString('utf8'));

/** A run's reader. */
export interface LogReader {
  read(topic: string, bounds?: ReadBounds): Promise<TopicLog>;
  /** Topic id (hex) → name, for the relay (newer clients name topics by id). */
  topicIds(topics: string[]): Promise<Map<string, string>>;
  close(): void;
}

async function topicIds(c: KafkaConnection, topics: string[]): Promise<Map<string, string>> {
  const meta = await c.request('Metadata', { topics: topics.map((name) => ({ name })), allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false }, 12);
  const out = new Map<string, string>();
  for (const t of meta.topics as { name: string; topicId: string }[]) out.set(t.topicId, t.name);
  return out;
}

/** Opens one connection for a run's reads; close it when grading is done. */
export async function openLogReader(host: string, port: number): Promise<LogReader> {
  let conn: KafkaConnection | undefined;
  const connection = async () => {
    if (!conn) conn = await KafkaConnection.open({ host, port, clientId: 'lag-zero-grader', timeoutMs: 15_000 });
    return conn;
  };
  const withRetry = async <T>(fn: (c: KafkaConnection) => Promise<T>): Promise<T> => {
    try {
      return await fn(await connection());
    } catch (err) {
      // One reconnect: the broker may have been restarted by the scenario.
      conn?.close();
      conn = undefined;
      await new Promise((r) => setTimeout(r, 200));
      void err;
      return fn(await connection());
    }
  };
  return {
    read: (topic, bounds = DEFAULT_READ_BOUNDS) => withRetry((c) => readTopicLog(c, topic, bounds)),
    topicIds: (topics) => withRetry((c) => topicIds(c, topics)),
    close: () => conn?.close(),
  };
}

async function listOffset(c: KafkaConnection, topic: string, partitions: number[], timestamp: bigint): Promise<Map<number, number>> {
  const res = await c.request('ListOffsets', {
    replicaId: -1, isolationLevel: 0,
    topics: [{ name: topic, partitions: partitions.map((p) => ({ partitionIndex: p, currentLeaderEpoch: -1, timestamp })) }],
  });
  const out = new Map<number, number>();
  for (const t of res.topics as { partitions: { partitionIndex: number; errorCode: number; offset: bigint }[] }[]) {
    for (const p of t.partitions) {
      if (p.errorCode !== 0) throw new Error(`ListOffsets for ${topic} partition ${p.partitionIndex} failed with error ${p.errorCode}`);
      out.set(p.partitionIndex, Number(p.offset));
    }
  }
  return out;
}

/** Reads every partition of `topic` from its log start to its high watermark. */
export async function readTopicLog(c: KafkaConnection, topic: string, bounds: ReadBounds = DEFAULT_READ_BOUNDS): Promise<TopicLog> {
  const meta = await c.request('Metadata', { topics: [{ name: topic }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false }, 12);
  const t = (meta.topics as { name: string; errorCode: number; partitions: { partitionIndex: number }[] }[])[0];
  if (!t || t.errorCode !== 0) {
    return { topic, partitions: [], problems: [`The topic ${topic} does not exist any more (metadata error ${t?.errorCode ?? 'none'}): something deleted it.`] };
  }
  const ids = t.partitions.map((p) => p.partitionIndex).sort((a, b) => a - b);
  const starts = await listOffset(c, topic, ids, -2n);
  const ends = await listOffset(c, topic, ids, -1n);
  const problems: string[] = [];
  let bytes = 0;
  let count = 0;
  const partitions: PartitionLog[] = [];
  for (const p of ids) {
    const part: PartitionLog = { partition: p, logStartOffset: starts.get(p) ?? 0, highWatermark: ends.get(p) ?? 0, records: [], markers: [] };
    partitions.push(part);
    let next = part.logStartOffset;
    const raw: { rec: LogRecord; producerId: string; transactional: boolean }[] = [];
    // Once a bound is hit, later partitions are not read at all: the bounds hold for the whole topic.
    while (next < part.highWatermark && problems.length === 0) {
      const res = await c.send('Fetch', FETCH_VERSION, {
        replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 4 * 1024 * 1024, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
        topics: [{ topic, partitions: [{ partition: p, currentLeaderEpoch: -1, fetchOffset: BigInt(next), lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 4 * 1024 * 1024 }] }],
        forgottenTopicsData: [], rackId: '',
      });
      const pd = (res.responses as { partitions: { errorCode: number; records: Buffer | null }[] }[])[0]?.partitions[0];
      if (!pd || pd.errorCode !== 0) throw new Error(`Fetch of ${topic} partition ${p} at offset ${next} failed with error ${pd?.errorCode ?? 'none'}`);
      bytes += pd.records?.length ?? 0;
      if (bytes > bounds.maxBytes) {
        problems.push(`${topic} holds more than ${Math.round(bounds.maxBytes / 1024 / 1024)} MiB; the grader stopped reading partition ${p} at offset ${next}.`);
        break;
      }
      let batches;
      try {
        batches = decodeBatches(pd.records, { maxHeadersPerRecord: bounds.maxHeadersPerRecord, maxBatchBytes: 8 * 1024 * 1024 });
      } catch (err) {
        if (err instanceof RecordLimitError) {
          problems.push(`${topic} partition ${p}: ${err.message}; the grader stopped reading there.`);
          break;
        }
        throw err;
      }
      if (batches.length === 0) break;
      for (const b of batches) {
        const last = Number(b.baseOffset) + b.lastOffsetDelta;
        if (last < next) continue;
        if (b.control) {
          part.markers.push({ offset: Number(b.baseOffset), producerId: String(b.producerId), type: b.controlType ?? 'other' });
        } else {
          for (const r of b.records) {
            if (Number(r.offset) < next) continue;
            if (count + raw.length > bounds.maxRecords) break;
            const headers: Record<string, string> = {};
            for (const h of r.headers) headers[h.key] = headerText(h.value);
            raw.push({
              producerId: String(b.producerId),
              transactional: b.transactional,
              rec: {
                topic, partition: p, offset: String(r.offset),
                key: r.key === null ? null : r.key.toString('utf8'),
                value: r.value === null ? null : r.value.toString('utf8'),
                headers, timestamp: String(r.timestamp), producerId: String(b.producerId), inTransaction: b.transactional,
                txn: b.transactional ? 'open' : 'none', producerEpoch: b.producerEpoch, baseSequence: b.baseSequence, codec: b.codec, batchOffset: String(b.baseOffset),
              },
            });
          }
        }
        next = Math.max(next, last + 1);
      }
      if (count + raw.length > bounds.maxRecords) {
        problems.push(`${topic} holds more than ${bounds.maxRecords} records; the grader stopped reading partition ${p} at offset ${next}.`);
        break;
      }
    }
    count += raw.length;
    // A transactional record's fate is the first marker of its producer after it.
    for (const r of raw) {
      if (r.transactional) {
        const m = part.markers.find((mk) => mk.producerId === r.producerId && mk.offset > Number(r.rec.offset));
        r.rec.txn = m ? (m.type === 'commit' ? 'committed' : m.type === 'abort' ? 'aborted' : 'open') : 'open';
      }
      part.records.push(r.rec);
    }
  }
  return { topic, partitions, problems };
}

/** The records a consumer with this isolation level would see (read_committed hides aborted and open transactions). */
export function visibleRecords(log: TopicLog, isolation: 'read_committed' | 'read_uncommitted'): LogRecord[] {
  const all = log.partitions.flatMap((p) => p.records);
  return isolation === 'read_uncommitted' ? all : all.filter((r) => r.txn === 'none' || r.txn === 'committed');
}
