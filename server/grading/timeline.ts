// The run timeline: what the program did on the wire (writes, reads, commits, transactions, group
// membership, refused requests) and every fault, on one clock, as marks the lab page draws one lane
// per partition. Built from the wire log the grader already keeps; capped so a chatty program
// cannot make the results document huge.
import type { FaultRecord } from '../../labs/_kit/grader.ts';
import type { TimelineEvent } from '../../labs/_kit/results.ts';
import type { WireEvent } from '../../labs/_kit/wire.ts';

/** At most this many marks; fetches are dropped first, then the latest marks. */
export const MAX_TIMELINE_EVENTS = 1500;


/** Base offset the broker gave one partition of a Produce, when its response says. */
function baseOffset(e: WireEvent, topic: string, partition: number): bigint | null {
  const topics = e.response?.body.responses;
  if (!Array.isArray(topics)) return null;
  for (const t of topics as { name?: string; partitionResponses?: { index?: number; baseOffset?: bigint; errorCode?: number }[] }[]) {
    if (t.name !== undefined && t.name !== topic) continue;
    const p = t.partitionResponses?.find((x) => x.index === partition);
    if (p && (p.errorCode ?? 0) === 0 && typeof p.baseOffset === 'bigint' && p.baseOffset >= 0n) return p.baseOffset;
  }
  return null;
}

function marks(e: WireEvent): TimelineEvent[] {
  const at = Math.max(0, Math.round(e.atMs));
  const base = { atMs: at, instance: e.instance };
  const failedNote = e.response && e.response.errorCode !== 0 ? ` (refused by the broker, error ${e.response.errorCode})` : !e.response ? ' (no response reached the program)' : '';
  switch (e.type) {
    case 'produce':
      return e.partitions.filter((p) => p.records.length > 0).map((p) => {
        const first = baseOffset(e, p.topic, p.partition);
        const range = first === null ? {} : { firstOffset: String(first), lastOffset: String(first + BigInt(p.records.length - 1)) };
        const keys = [...new Set(p.records.map((r) => r.key ?? '(no key)'))].slice(0, 3).join(', ');
        return { ...base, kind: 'produce' as const, topic: p.topic, partition: p.partition, ...range, detail: `instance ${e.instance} wrote ${p.records.length} record(s) to ${p.topic} partition ${p.partition}${range.firstOffset ? ` at offset ${range.firstOffset}` : ''}${p.transactional ? ' in a transaction' : ''}, keys ${keys}${failedNote}` };
      });
    case 'fetch':
      return e.partitions.map((p) => ({ ...base, kind: 'fetch' as const, topic: p.topic, partition: p.partition, firstOffset: String(p.fetchOffset), detail: `instance ${e.instance} fetched ${p.topic} partition ${p.partition} from offset ${p.fetchOffset} (${e.isolation})` }));
    case 'offset-commit':
      return e.offsets.map((o) => ({ ...base, kind: 'commit' as const, topic: o.topic, partition: o.partition, firstOffset: String(o.offset), group: e.groupId, detail: `instance ${e.instance} committed offset ${o.offset} of ${o.topic} partition ${o.partition} for group ${e.groupId}${failedNote}` }));
    case 'txn-offset-commit':
      return e.offsets.map((o) => ({ ...base, kind: 'txn-offsets' as const, topic: o.topic, partition: o.partition, firstOffset: String(o.offset), group: e.groupId, detail: `instance ${e.instance} put offset ${o.offset} of ${o.topic} partition ${o.partition} into transaction ${e.transactionalId}${failedNote}` }));
    case 'end-txn':
      return [{ ...base, kind: e.committed ? ('txn-commit' as const) : ('txn-abort' as const), detail: `instance ${e.instance} ${e.committed ? 'committed' : 'aborted'} a transaction of ${e.transactionalId} (producer ${e.producerId}, epoch ${e.producerEpoch})${failedNote}` }];
    case 'join-group':
      return [{ ...base, kind: 'join' as const, group: e.groupId, detail: `instance ${e.instance} asked to join group ${e.groupId}` }];
    case 'sync-group':
      return e.response && e.response.errorCode === 0 ? [{ ...base, kind: 'join' as const, group: e.groupId, detail: `instance ${e.instance} joined group ${e.groupId} in generation ${e.generationId}` }] : [];
    case 'leave-group':
      return [{ ...base, kind: 'leave' as const, group: e.groupId, detail: `instance ${e.instance} left group ${e.groupId}` }];
    case 'refused':
      return [{ ...base, kind: 'refused' as const, detail: `instance ${e.instance}: ${e.reason}` }];
    default:
      return [];
  }
}

/** Timeline marks for a run, in time order. */
export function buildTimeline(events: readonly WireEvent[], faults: readonly FaultRecord[]): TimelineEvent[] {
  const all: TimelineEvent[] = [
    ...events.flatMap(marks),
    ...faults.map((f) => ({ atMs: Math.max(0, Math.round(f.atMs)), kind: 'fault' as const, detail: `${f.kind}: ${f.detail}` })),
  ];
  all.sort((a, b) => a.atMs - b.atMs);
  if (all.length <= MAX_TIMELINE_EVENTS) return all;
  const noFetch = all.filter((m) => m.kind !== 'fetch');
  if (noFetch.length <= MAX_TIMELINE_EVENTS) return noFetch;
  const faultMarks = noFetch.filter((m) => m.kind === 'fault');
  const rest = noFetch.filter((m) => m.kind !== 'fault').slice(0, MAX_TIMELINE_EVENTS - faultMarks.length);
  return [...rest, ...faultMarks].sort((a, b) => a.atMs - b.atMs);
}

