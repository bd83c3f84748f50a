import { describe, expect, it } from 'vitest';
import type { WireEvent } from '../../labs/_kit/wire.ts';
import { MAX_TIMELINE_EVENTS, buildTimeline } from './timeline.ts';

const head = (seq: number, atMs: number, instance = 1) => ({ seq, atMs, instance, conn: 1, correlationId: seq, apiVersion: 9, clientId: 'c' });
const produce = (seq: number, atMs: number, partition: number, n: number, base: bigint | null): WireEvent => ({
  ...head(seq, atMs), type: 'produce', transactionalId: null, acks: -1,
  partitions: [{ topic: 'out', partition, producerId: '5', producerEpoch: 0, baseSequence: 0, transactional: false, records: Array.from({ length: n }, (_, i) => ({ key: `k${i}`, value: 'v' })) }],
  ...(base === null ? {} : { response: { seq: seq + 1, atMs: atMs + 2, errorCode: 0, delivered: true, body: { responses: [{ name: 'out', partitionResponses: [{ index: partition, errorCode: 0, baseOffset: base }] }] } } }),
});

describe('buildTimeline', () => {
  it('puts writes, commits, transactions, membership and faults on one clock with their offsets', () => {
    const events: WireEvent[] = [
      produce(1, 10, 2, 3, 40n),
      { ...head(3, 30), type: 'offset-commit', groupId: 'g', generationId: 1, memberId: 'm', offsets: [{ topic: 'in', partition: 0, offset: 7 }], response: { seq: 4, atMs: 31, errorCode: 0, delivered: true, body: {} } },
      { ...head(5, 5), type: 'sync-group', groupId: 'g', generationId: 1, memberId: 'm', response: { seq: 6, atMs: 6, errorCode: 0, delivered: true, body: {} } },
      { ...head(7, 50, 2), type: 'end-txn', transactionalId: 't-1', producerId: '9', producerEpoch: 1, committed: false },
      { ...head(8, 60), type: 'refused', api: 'DeleteRecords', reason: 'DeleteRecords is not allowed in this lab' },
    ];
    const t = buildTimeline(events, [{ kind: 'program-kill', atMs: 20, detail: 'killed instance 1' }]);
    expect(t.map((m) => m.kind)).toEqual(['join', 'produce', 'fault', 'commit', 'txn-abort', 'refused']);
    expect(t[1]).toMatchObject({ topic: 'out', partition: 2, firstOffset: '40', lastOffset: '42', instance: 1 });
    expect(t[3]).toMatchObject({ topic: 'in', partition: 0, firstOffset: '7', group: 'g' });
    expect(t[2].detail).toContain('killed instance 1');
  });

  it('leaves offsets out when the response never reached the program, and says so', () => {
    const [m] = buildTimeline([produce(1, 10, 0, 1, null)], []);
    expect(m.firstOffset).toBeUndefined();
    expect(m.detail).toMatch(/no response reached the program/);
  });

  it('keeps every fault when a chatty program overflows the cap', () => {
    const events = Array.from({ length: MAX_TIMELINE_EVENTS * 2 }, (_, i) => produce(i * 2 + 1, i, 0, 1, BigInt(i)));
    const t = buildTimeline(events, [{ kind: 'response-lost', atMs: MAX_TIMELINE_EVENTS * 2 - 1, detail: 'late fault' }]);
    expect(t.length).toBe(MAX_TIMELINE_EVENTS);
    expect(t.some((m) => m.kind === 'fault')).toBe(true);
  });
});
