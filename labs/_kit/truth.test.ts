import { describe, expect, it } from 'vitest';
import type { LogRecord, TopicLog, TxnState } from './grader.ts';
import { partitionForKey } from './partitioner.ts';
import { checkKeyedByTruth, checkLogIntact, checkMatchesTruth, checkOnlyCommitted, checkOrderByTruth, jsonEqual, type ExpectedRecord } from './truth.ts';

const PARTS = 3;
const rec = (partition: number, offset: number, key: string | null, value: unknown, txn: TxnState = 'none'): LogRecord => ({
  topic: 'out', partition, offset: String(offset), key, value: typeof value === 'string' ? value : JSON.stringify(value), headers: {}, timestamp: '0',
  producerId: '7', inTransaction: txn !== 'none', txn, producerEpoch: 0, baseSequence: 0, codec: 'none', batchOffset: String(offset),
});
/** A log whose partitions hold `records` densely from offset 0 (each record's offset is its index there). */
function logOf(records: { key: string | null; value: unknown; txn?: TxnState; partition?: number }[]): TopicLog {
  const parts = Array.from({ length: PARTS }, (_, p) => ({ partition: p, logStartOffset: 0, highWatermark: 0, records: [] as LogRecord[], markers: [] as { offset: number; producerId: string; type: 'commit' | 'abort' | 'other' }[] }));
  for (const r of records) {
    const p = parts[r.partition ?? (r.key === null ? 0 : partitionForKey(r.key, PARTS))];
    p.records.push(rec(p.partition, p.highWatermark++, r.key, r.value, r.txn));
  }
  return { topic: 'out', partitions: parts, problems: [] };
}
const ev = (id: string, account: string, n: number) => ({ id, account, n });
const truth: ExpectedRecord[] = [ev('a1', 'acct-1', 1), ev('b1', 'acct-2', 1), ev('a2', 'acct-1', 2), ev('b2', 'acct-2', 2)].map((v) => ({ id: v.id, key: v.account, value: v }));
const exact = () => truth.map((t) => ({ key: t.key, value: t.value }));

describe('jsonEqual', () => {
  it('ignores object key order but not values, types or array order', () => {
    expect(jsonEqual({ a: 1, b: [1, 2] }, { b: [1, 2], a: 1 })).toBe(true);
    expect(jsonEqual({ a: 1 }, { a: '1' })).toBe(false);
    expect(jsonEqual([1, 2], [2, 1])).toBe(false);
    expect(jsonEqual({ a: 1 }, { a: 1, b: undefined })).toBe(false);
  });
});

describe('checkMatchesTruth', () => {
  it('passes the exact expected records and fails a missing, doubled, changed or made-up one, naming it', () => {
    expect(checkMatchesTruth(truth, logOf(exact())).pass).toBe(true);
    const missing = checkMatchesTruth(truth, logOf(exact().slice(1)));
    expect(missing.pass).toBe(false);
    expect(JSON.stringify(missing.evidence)).toContain('a1');
    expect(checkMatchesTruth(truth, logOf([...exact(), exact()[0]])).pass).toBe(false);
    expect(checkMatchesTruth(truth, logOf([...exact(), exact()[0]]), { atLeastOnce: true }).pass).toBe(true);
    const changed = exact();
    changed[2] = { key: 'acct-1', value: { ...(changed[2].value as object), n: 3 } };
    expect(checkMatchesTruth(truth, logOf(changed)).pass).toBe(false);
    expect(checkMatchesTruth(truth, logOf([...exact(), { key: 'acct-1', value: { id: 'zz' } }])).pass).toBe(false);
  });

  it('does not count records a read_committed reader cannot see', () => {
    const inAbort = exact().map((r, i) => ({ ...r, txn: (i === 0 ? 'aborted' : 'none') as TxnState }));
    expect(checkMatchesTruth(truth, logOf(inAbort)).pass).toBe(false);
    expect(checkOnlyCommitted(logOf(inAbort)).pass).toBe(false);
    expect(checkOnlyCommitted(logOf(exact())).pass).toBe(true);
  });

  it('refuses to vouch for a log it could not read whole', () => {
    const log = logOf(exact());
    log.problems.push('more than 32 MiB');
    expect(checkMatchesTruth(truth, log).pass).toBe(false);
  });
});

describe('checkKeyedByTruth and checkOrderByTruth', () => {
  it('judge key and order by the expected records, not by fields the program wrote', () => {
    expect(checkKeyedByTruth(truth, logOf(exact()), PARTS).pass).toBe(true);
    expect(checkOrderByTruth(truth, logOf(exact())).pass).toBe(true);
    // Keyed by the event id instead of the account.
    expect(checkKeyedByTruth(truth, logOf(exact().map((r) => ({ ...r, key: (r.value as { id: string }).id }))), PARTS).pass).toBe(false);
    // The right key on the wrong partition (another partitioner).
    const moved = exact().map((r) => ({ ...r, partition: (partitionForKey(r.key!, PARTS) + 1) % PARTS }));
    expect(checkKeyedByTruth(truth, logOf(moved), PARTS).pass).toBe(false);
    // acct-1's second event before its first.
    const swapped = exact();
    [swapped[0], swapped[2]] = [swapped[2], swapped[0]];
    const order = checkOrderByTruth(truth, logOf(swapped));
    expect(order.pass).toBe(false);
    expect(order.evidence.some((e) => e.key === 'acct-1')).toBe(true);
  });
});

describe('checkLogIntact', () => {
  it('fails a log whose start was deleted or that has a hole', () => {
    expect(checkLogIntact(logOf(exact())).pass).toBe(true);
    const deleted = logOf(exact());
    deleted.partitions[0].logStartOffset = 1;
    expect(checkLogIntact(deleted).pass).toBe(false);
    const holed = logOf(exact());
    const p = holed.partitions.find((x) => x.records.length > 0)!;
    p.highWatermark += 1;
    expect(checkLogIntact(holed).pass).toBe(false);
    p.markers.push({ offset: p.highWatermark - 1, producerId: '7', type: 'commit' });
    expect(checkLogIntact(holed).pass).toBe(true);
  });
});
