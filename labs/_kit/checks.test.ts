// Unit tests for the shared check helpers on plain record arrays: each helper must pass clean data
// and fail bad data with evidence that names where the problem is.
import { describe, expect, it } from 'vitest';
import {
  checkAbortedInvisible, checkCommitsAt, checkCommitsNotAhead, checkCommitsTransactional, checkDeadLetters,
  checkIdempotentWrites, checkKeyPartitioning, checkNoLossNoDuplicates, checkPerKeyOrder, checkTransactionalWrites,
  describeEvidence, processedPositions,
} from './checks.ts';
import type { ObservedRecord } from './grader.ts';
import { partitionForKey } from './partitioner.ts';

function rec(partition: number, offset: number, key: string | null, value: Record<string, unknown>, extra: Partial<ObservedRecord> = {}): ObservedRecord {
  return { topic: 't', partition, offset: String(offset), key, value: JSON.stringify(value), headers: {}, timestamp: '0', producerId: '7', inTransaction: false, ...extra };
}

const seq = (r: ObservedRecord) => JSON.parse(r.value!).seq as number;

describe('checkKeyPartitioning', () => {
  it('passes records on their murmur2 partition', () => {
    const records = ['a', 'b', 'c'].map((k, i) => rec(partitionForKey(k, 3), i, k, {}));
    expect(checkKeyPartitioning(records, 3).pass).toBe(true);
  });
  it('fails a null key and names its offset', () => {
    const out = checkKeyPartitioning([rec(1, 4, null, {})], 3, () => 'acct-01');
    expect(out.pass).toBe(false);
    expect(out.evidence[0]).toMatchObject({ partition: 1, offset: '4', key: null, expected: 'acct-01' });
    expect(out.message).toContain('offset 4');
  });
  it('fails a key on the wrong partition', () => {
    const p = partitionForKey('acct-01', 3);
    const out = checkKeyPartitioning([rec((p + 1) % 3, 0, 'acct-01', {})], 3);
    expect(out.pass).toBe(false);
    expect(out.evidence[0].expected).toBe(`partition ${p}`);
  });
  it('fails an empty topic (nothing to grade is not a pass)', () => {
    expect(checkKeyPartitioning([], 3).pass).toBe(false);
  });
});

describe('checkPerKeyOrder', () => {
  it('passes in-order keys and ignores exact repeats', () => {
    const r = [rec(0, 0, 'a', { seq: 1 }), rec(0, 1, 'a', { seq: 2 }), rec(0, 2, 'a', { seq: 2 }), rec(0, 3, 'a', { seq: 3 }), rec(1, 0, 'b', { seq: 1 })];
    expect(checkPerKeyOrder(r, seq).pass).toBe(true);
  });
  it('fails a swap and points at the late record', () => {
    const out = checkPerKeyOrder([rec(0, 0, 'a', { seq: 2 }), rec(0, 1, 'a', { seq: 1 })], seq);
    expect(out.pass).toBe(false);
    expect(out.evidence[0]).toMatchObject({ offset: '1', key: 'a', actual: 'seq 1' });
  });
  it('groups by an entity id from the value when records lost their key', () => {
    const acct = (r: ObservedRecord) => JSON.parse(r.value!).account as string;
    const out = checkPerKeyOrder([rec(0, 0, null, { seq: 1, account: 'a' }), rec(2, 0, null, { seq: 2, account: 'a' })], seq, acct);
    expect(out.pass).toBe(false);
    expect(out.evidence[0]).toMatchObject({ key: 'a', actual: 'partitions 0, 2' });
  });
  it('fails a key spread over partitions', () => {
    const out = checkPerKeyOrder([rec(0, 0, 'a', { seq: 1 }), rec(1, 0, 'a', { seq: 2 })], seq);
    expect(out.pass).toBe(false);
    expect(out.evidence[0].actual).toBe('partitions 0, 1');
  });
});

describe('checkNoLossNoDuplicates', () => {
  const expected = [{ id: 'x1', key: 'a' }, { id: 'x2', key: 'a' }, { id: 'x3', key: 'b' }];
  it('passes an exact match', () => {
    const out = [rec(0, 0, 'a', { id: 'x1' }), rec(0, 1, 'a', { id: 'x2' }), rec(1, 0, 'b', { id: 'x3' })];
    expect(checkNoLossNoDuplicates(expected, out, { outputTopic: 't' }).pass).toBe(true);
  });
  it('reports missing, duplicated and unexpected records', () => {
    const out = [rec(0, 0, 'a', { id: 'x1' }), rec(0, 1, 'a', { id: 'x1' }), rec(1, 0, 'b', { id: 'zz' })];
    const r = checkNoLossNoDuplicates(expected, out, { outputTopic: 't' });
    expect(r.pass).toBe(false);
    expect(r.message).toContain('2 missing, 1 duplicated, 1 unexpected');
    expect(r.evidence.find((e) => e.actual === '2 copies')).toMatchObject({ partition: 0, offset: '1' });
  });
  it('accepts duplicates when allowed (at-least-once)', () => {
    const out = [rec(0, 0, 'a', { id: 'x1' }), rec(0, 1, 'a', { id: 'x2' }), rec(0, 2, 'a', { id: 'x2' }), rec(1, 0, 'b', { id: 'x3' })];
    expect(checkNoLossNoDuplicates(expected, out, { outputTopic: 't', allowDuplicates: true }).pass).toBe(true);
  });
});

describe('committed offsets', () => {
  const input = [0, 1, 2, 3].map((o) => rec(0, o, 'a', { id: `i${o}` }));
  it('computes the processed position as the first offset without output', () => {
    expect(processedPositions(input, new Set(['i0', 'i1', 'i3'])).get(0)).toBe(2);
  });
  it('passes commits at or behind processing', () => {
    expect(checkCommitsNotAhead([{ topic: 't', partition: 0, offset: 2 }], input, new Set(['i0', 'i1'])).pass).toBe(true);
  });
  it('fails a commit ahead of processing with committed vs processed evidence', () => {
    const r = checkCommitsNotAhead([{ topic: 't', partition: 0, offset: 3 }], input, new Set(['i0', 'i1']));
    expect(r.pass).toBe(false);
    expect(r.evidence[0]).toMatchObject({ partition: 0, offset: '2', actual: 'committed offset 3', expected: 'committed offset ≤ 2 (first unprocessed record)' });
  });
  it('checks final commits against the expected position', () => {
    const want = new Map([[0, 4], [1, 2]]);
    expect(checkCommitsAt([{ topic: 't', partition: 0, offset: 4 }, { topic: 't', partition: 1, offset: 2 }], want, 't').pass).toBe(true);
    const r = checkCommitsAt([{ topic: 't', partition: 0, offset: 4 }, { topic: 't', partition: 1, offset: -1 }], want, 't');
    expect(r.pass).toBe(false);
    expect(r.evidence[0]).toMatchObject({ partition: 1, expected: 2, actual: 'nothing committed' });
  });
});

describe('transactions and dead letters', () => {
  it('fails when an aborted record shows up in the output', () => {
    const aborted = [rec(1, 9, 'a', { id: 'ab1' })];
    expect(checkAbortedInvisible(aborted, [rec(0, 0, 'a', { id: 'ok' })]).pass).toBe(true);
    const r = checkAbortedInvisible(aborted, [rec(0, 5, 'a', { id: 'ab1' })]);
    expect(r.pass).toBe(false);
    expect(r.message).toContain('offset 9');
  });
  it('checks dead-letter contents and headers', () => {
    const poison = [{ id: 'p1', key: 'a' }];
    expect(checkDeadLetters(poison, [rec(0, 0, 'a', { id: 'p1' }, { headers: { error: 'bad' } })], { dlqTopic: 'dlq', requiredHeaders: ['error'] }).pass).toBe(true);
    const r = checkDeadLetters(poison, [rec(0, 0, 'a', { id: 'p1' })], { dlqTopic: 'dlq', requiredHeaders: ['error'] });
    expect(r.pass).toBe(false);
    expect(r.evidence[0]).toMatchObject({ offset: '0', expected: 'header error' });
  });
  it('flags non-idempotent and non-transactional batches', () => {
    expect(checkIdempotentWrites([rec(0, 0, 'a', {})]).pass).toBe(true);
    expect(checkIdempotentWrites([rec(0, 0, 'a', {}, { producerId: '-1' })]).pass).toBe(false);
    expect(checkTransactionalWrites([rec(0, 0, 'a', {}, { inTransaction: true })]).pass).toBe(true);
    expect(checkTransactionalWrites([rec(0, 3, 'a', {})]).evidence[0].offset).toBe('3');
  });
  it('flags offset commits made outside a transaction', () => {
    const log = [
      { group: 'g', topic: 't', partition: 0, offset: 3, logOffset: '10', transactional: true },
      { group: 'g', topic: 't', partition: 0, offset: 5, logOffset: '12', transactional: false },
    ];
    const r = checkCommitsTransactional(log, 't');
    expect(r.pass).toBe(false);
    expect(r.evidence[0]).toMatchObject({ offset: '12', actual: 'plain commit of offset 5 for t partition 0' });
    expect(checkCommitsTransactional([], 't').pass).toBe(false);
  });
});

describe('describeEvidence', () => {
  it('names topic, partition, offset, key, expected and actual', () => {
    expect(describeEvidence({ topic: 'o', partition: 2, offset: '7', key: 'k', expected: 1, actual: 2 })).toBe('topic o, partition 2, offset 7, key "k": expected 1, got 2');
  });
});
