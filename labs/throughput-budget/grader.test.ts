// The throughput-budget lab's own checks, on hand-made logs, wire events and timings.
import { describe, expect, it } from 'vitest';
import type { LogRecord, TopicLog, WireEvent } from '../_kit/grader.ts';
import { checkBatching, checkCompressed, checkLatency, LATENCY_BUDGET_MS, pingsFor, TOTAL, type Timing } from './grader.ts';

const TOPIC = 'vehicle-positions';
/** A log of one partition per entry of `batches`: each batch is [records, codec]. */
function logOf(batches: [number, string][][]): TopicLog {
  const partitions = batches.map((list, partition) => {
    const records: LogRecord[] = [];
    for (const [n, codec] of list) {
      const base = records.length;
      for (let i = 0; i < n; i++) {
        records.push({ topic: TOPIC, partition, offset: String(base + i), key: `van-${partition}`, value: JSON.stringify({ id: `pos-${partition}-${base + i}` }), headers: {}, timestamp: '0', producerId: '7', inTransaction: false, txn: 'none', producerEpoch: 0, baseSequence: base, codec, batchOffset: String(base) });
      }
    }
    return { partition, logStartOffset: 0, highWatermark: records.length, records, markers: [] };
  });
  return { topic: TOPIC, partitions, problems: [] };
}
const produce = (seq: number, records: number): WireEvent => ({
  seq, atMs: seq, instance: 1, conn: 1, correlationId: seq, apiVersion: 9, clientId: 'x', type: 'produce', transactionalId: null, acks: -1,
  partitions: [{ topic: TOPIC, partition: 0, producerId: '7', producerEpoch: 0, baseSequence: 0, transactional: false, records: Array.from({ length: records }, () => ({ key: 'van-0', value: '{}' })) }],
});
const repeat = <T>(n: number, x: T): T[] => Array.from({ length: n }, () => x);

describe('checkBatching', () => {
  it('passes full batches in few requests', () => {
    expect(checkBatching(logOf([repeat(10, [30, 'lz4'])]), repeat(10, 0).map((_, i) => produce(i, 30))).pass).toBe(true);
  });
  it('fails one-record batches, naming the smallest batch by partition and offset', () => {
    const r = checkBatching(logOf([repeat(50, [1, 'lz4'])]), [produce(1, 1)]);
    expect(r.pass).toBe(false);
    expect(r.evidence[0]).toMatchObject({ topic: TOPIC, partition: 0, offset: '0' });
  });
  it('fails more Produce requests than one per 20 pings, naming the instance', () => {
    const r = checkBatching(logOf([repeat(10, [30, 'lz4'])]), repeat(TOTAL / 20 + 1, 0).map((_, i) => produce(i, 1)));
    expect(r.pass).toBe(false);
    expect(r.message).toContain(`${TOTAL / 20 + 1} Produce requests`);
    expect(JSON.stringify(r.evidence)).toContain('instance 1');
  });
});

describe('checkCompressed', () => {
  it('passes compressed batches, and a lone record librdkafka sent as is', () => {
    expect(checkCompressed(logOf([repeat(10, [30, 'gzip']), [[30, 'zstd'], [1, 'none']]])).pass).toBe(true);
  });
  it('fails an uncompressed batch of two or more records, naming it', () => {
    const r = checkCompressed(logOf([repeat(10, [30, 'lz4']), [[2, 'none']]]));
    expect(r.pass).toBe(false);
    expect(r.evidence[0]).toMatchObject({ topic: TOPIC, partition: 1, offset: '0', key: 'van-1' });
  });
  it('fails a producer that sends every record alone and uncompressed', () => {
    expect(checkCompressed(logOf([repeat(40, [1, 'none'])])).pass).toBe(false);
  });
});

describe('checkLatency', () => {
  const pings = pingsFor(1);
  const timing = (storedAfterMs: number, warmedUp = true): Timing => ({
    fed: [{ atMs: 0, count: 600 }, { atMs: 20, count: 620 }],
    samples: [{ atMs: 50, total: 600, ends: [600, 0, 0] }, { atMs: 20 + storedAfterMs, total: 620, ends: [620, 0, 0] }],
    warmedUp,
    streamEndMs: 20,
  });
  it('passes pings stored within the budget', () => {
    expect(checkLatency(timing(200), pings).pass).toBe(true);
  });
  it('fails a ping that waited longer than the budget, naming its key and the end offsets', () => {
    const r = checkLatency(timing(LATENCY_BUDGET_MS + 500), pings);
    expect(r.pass).toBe(false);
    expect(r.evidence[0]).toMatchObject({ topic: TOPIC, key: pings[619].vehicle });
    expect(r.message).toContain('partition 0 end offset 600');
  });
  it('fails when the warm-up never reached the broker', () => {
    expect(checkLatency(timing(200, false), pings).pass).toBe(false);
  });
});
