// Checks over the wire log (wire.ts): what the program actually sent, in what order, and what the
// broker answered. Pure functions, so they are unit-tested on hand-made event lists.
import { fail, pass } from './checks.ts';
import type { CheckOutcome, Evidence } from './grader.ts';
import type { WireEvent, WireRecord } from './wire.ts';

type Of<T extends WireEvent['type']> = Extract<WireEvent, { type: T }>;
const ofType = <T extends WireEvent['type']>(events: readonly WireEvent[], type: T) => events.filter((e): e is Of<T> => e.type === type);
const ok = (e: WireEvent) => e.response !== undefined && e.response.errorCode === 0;

/** The `id` field of a produced record's JSON value, or null. */
export function wireRecordId(r: WireRecord): string | null {
  if (r.value === null) return null;
  try {
    const v = JSON.parse(r.value) as unknown;
    const id = v && typeof v === 'object' ? (v as Record<string, unknown>).id : undefined;
    return typeof id === 'string' ? id : null;
  } catch {
    return null;
  }
}

/** Fails when the wire log overflowed (too many requests to judge). */
export function wireComplete(events: readonly WireEvent[], overflowed: boolean): CheckOutcome | null {
  return overflowed ? fail(`The program sent more than ${events.length} requests that matter for grading, so the grader stopped logging them and cannot judge this.`, [{ note: 'wire log full' }]) : null;
}

/** Every Produce to `topic` used acks=all (-1). */
export function checkAcksAll(events: readonly WireEvent[], topic: string): CheckOutcome {
  const produces = ofType(events, 'produce').filter((e) => e.partitions.some((p) => p.topic === topic));
  const bad: Evidence[] = produces.filter((e) => e.acks !== -1).map((e) => ({ topic, partition: e.partitions[0]?.partition, expected: 'acks=-1 (all)', actual: `acks=${e.acks}`, note: `Produce request of instance ${e.instance} at ${e.atMs} ms` }));
  if (produces.length === 0) return fail(`The program never sent a Produce request to ${topic}.`, [{ topic, note: 'no Produce requests' }]);
  return bad.length ? fail(`${bad.length} of ${produces.length} Produce requests to ${topic} did not wait for every in-sync replica (acks=all).`, bad) : pass(`${produces.length} Produce requests, all with acks=all.`);
}

/** An input record the program is to process: where it is and the id its result carries. */
export interface InputRef {
  partition: number;
  offset: number;
  id: string;
}

/**
 * At-least-once ordering: a commit of offset `o` on an input partition must come after the broker
 * acknowledged a result for every input record below `o` on that partition. Judged over every
 * OffsetCommit and TxnOffsetCommit the program sent for `group`.
 */
export function checkCommitsFollowResults(events: readonly WireEvent[], opts: { group: string; inputTopic: string; outputTopic: string; input: readonly InputRef[] }): CheckOutcome {
  // When each result id was first acknowledged (the response's place in the log).
  const ackedAt = new Map<string, { seq: number; atMs: number }>();
  for (const e of ofType(events, 'produce')) {
    if (!e.response || e.response.errorCode !== 0) continue;
    for (const p of e.partitions) {
      if (p.topic !== opts.outputTopic) continue;
      for (const r of p.records) {
        const id = wireRecordId(r);
        if (id !== null && !ackedAt.has(id)) ackedAt.set(id, { seq: e.response.seq, atMs: e.response.atMs });
      }
    }
  }
  const commits = [...ofType(events, 'offset-commit'), ...ofType(events, 'txn-offset-commit')].filter((c) => c.groupId === opts.group).sort((a, b) => a.seq - b.seq);
  const bad: Evidence[] = [];
  let judged = 0;
  for (const c of commits) {
    for (const o of c.offsets) {
      if (o.topic !== opts.inputTopic) continue;
      judged++;
      const early = opts.input
        .filter((i) => i.partition === o.partition && i.offset < o.offset)
        .map((i) => ({ i, ack: ackedAt.get(i.id) }))
        .find(({ ack }) => !ack || ack.seq > c.seq);
      if (!early) continue;
      const { i, ack } = early;
      bad.push({
        topic: opts.inputTopic, partition: o.partition, offset: String(i.offset),
        expected: `its result acknowledged before offset ${o.offset} was committed`,
        actual: ack ? `committed ${ack.atMs - c.atMs} ms before its result was acknowledged` : 'committed, but its result was never acknowledged',
        note: `offset ${o.offset} of partition ${o.partition} was committed by instance ${c.instance} at ${c.atMs} ms while input offset ${i.offset} (id ${i.id}) had no acknowledged result`,
      });
      break;
    }
  }
  if (judged === 0) return fail(`The program never committed an offset of ${opts.inputTopic} for group ${opts.group}.`, [{ topic: opts.inputTopic, note: 'no commits on the wire' }]);
  if (bad.length) {
    const first = bad[0];
    return fail(`Offsets were committed before the results they stand for were safely written: ${first.note}.`, bad);
  }
  return pass(`${judged} committed offsets, each after the results of every record below it were acknowledged.`);
}

/** Every OffsetCommit for `group` came from a member of the group (a generation and a member id), not from the admin API. */
export function checkMemberCommits(events: readonly WireEvent[], group: string): CheckOutcome {
  const bad: Evidence[] = ofType(events, 'offset-commit')
    .filter((c) => c.groupId === group && (c.generationId < 0 || c.memberId === ''))
    .map((c) => ({ note: `instance ${c.instance} at ${c.atMs} ms committed ${c.offsets.map((o) => `${o.topic} partition ${o.partition} → ${o.offset}`).join(', ')} without being a member of ${group} (generation ${c.generationId})` }));
  return bad.length ? fail(`Offsets of ${group} were set from outside the consumer group (as the admin API does), not committed by a member that consumed the records.`, bad) : pass('Every commit came from a group member.');
}

/** The program's consumer joined `group` and fetched every partition of `topic`. */
export function checkGroupMember(events: readonly WireEvent[], group: string, topic: string, partitions: number): CheckOutcome {
  const joined = events.some((e) => (e.type === 'sync-group' || e.type === 'consumer-group-heartbeat') && e.groupId === group && ok(e));
  const fetched = new Set(ofType(events, 'fetch').flatMap((f) => f.partitions.filter((p) => p.topic === topic).map((p) => p.partition)));
  const bad: Evidence[] = [];
  if (!joined) bad.push({ note: `no instance joined consumer group ${group} (no successful SyncGroup or ConsumerGroupHeartbeat)` });
  for (let p = 0; p < partitions; p++) if (!fetched.has(p)) bad.push({ topic, partition: p, expected: 'fetched by the group member', actual: 'never fetched' });
  return bad.length ? fail(`The program did not consume ${topic} as a member of ${group}.`, bad) : pass(`A member of ${group} fetched all ${partitions} partitions of ${topic}.`);
}

/** Every Fetch of `topic` used the isolation level given. */
export function checkFetchIsolation(events: readonly WireEvent[], topic: string, isolation: 'read_committed' | 'read_uncommitted'): CheckOutcome {
  const fetches = ofType(events, 'fetch').filter((f) => f.partitions.some((p) => p.topic === topic));
  const bad: Evidence[] = fetches.filter((f) => f.isolation !== isolation).slice(0, 5).map((f) => ({ topic, expected: isolation, actual: f.isolation, note: `Fetch of instance ${f.instance} at ${f.atMs} ms` }));
  if (fetches.length === 0) return fail(`The program never fetched ${topic}.`, [{ topic, note: 'no Fetch requests' }]);
  return bad.length ? fail(`The program read ${topic} with isolation ${bad[0].actual}, so it could see records of aborted transactions.`, bad) : pass(`Every Fetch of ${topic} used ${isolation}.`);
}

/** Each instance initialised its producer with the transactional id it was given. */
export function checkTransactionalIds(events: readonly WireEvent[], expected: ReadonlyMap<number, string>): CheckOutcome {
  const bad: Evidence[] = [];
  for (const [instance, txnId] of expected) {
    const inits = ofType(events, 'init-producer-id').filter((e) => e.instance === instance);
    const wrong = inits.filter((e) => e.transactionalId !== null && e.transactionalId !== txnId);
    if (!inits.some((e) => e.transactionalId === txnId) && wrong.length === 0) bad.push({ expected: `InitProducerId with transactional id ${txnId}`, actual: inits.length ? 'a producer without a transactional id' : 'no InitProducerId', note: `instance ${instance}` });
    else if (wrong.length) bad.push({ expected: txnId, actual: wrong[0].transactionalId, note: `instance ${instance} used another transactional id, so a replacement cannot fence it` });
  }
  return bad.length ? fail('The producer did not use TRANSACTIONAL_ID, so a restarted or duplicate instance cannot fence the old one.', bad) : pass('Every instance used its TRANSACTIONAL_ID.');
}

/**
 * Every committed transaction that wrote to `outputTopic` also carried `group`'s offsets
 * (AddOffsetsToTxn + TxnOffsetCommit in the same transaction), and no plain OffsetCommit for
 * `group` was sent at all.
 */
export function checkTransactionsCarryOffsets(events: readonly WireEvent[], group: string, outputTopic: string): CheckOutcome {
  const bad: Evidence[] = [];
  const plain = ofType(events, 'offset-commit').filter((c) => c.groupId === group);
  for (const c of plain.slice(0, 3)) bad.push({ note: `instance ${c.instance} sent a plain OffsetCommit for ${group} at ${c.atMs} ms (${c.offsets.map((o) => `partition ${o.partition} → ${o.offset}`).join(', ')}), outside any transaction` });
  // Walk each producer's requests; a transaction ends at its EndTxn.
  const open = new Map<string, { produced: number; offsets: boolean; first: number }>();
  let committed = 0;
  for (const e of [...events].sort((a, b) => a.seq - b.seq)) {
    if (e.type === 'produce' && e.transactionalId) {
      const k = `${e.transactionalId}|${e.partitions[0]?.producerId}`;
      const t = open.get(k) ?? { produced: 0, offsets: false, first: e.atMs };
      t.produced += e.partitions.filter((p) => p.topic === outputTopic).reduce((n, p) => n + p.records.length, 0);
      open.set(k, t);
    } else if (e.type === 'txn-offset-commit' && e.groupId === group) {
      const k = `${e.transactionalId}|${e.producerId}`;
      const t = open.get(k) ?? { produced: 0, offsets: false, first: e.atMs };
      t.offsets = true;
      open.set(k, t);
    } else if (e.type === 'end-txn') {
      const k = `${e.transactionalId}|${e.producerId}`;
      const t = open.get(k);
      open.delete(k);
      if (!e.committed || !ok(e) || !t || t.produced === 0) continue;
      committed++;
      if (!t.offsets) bad.push({ topic: outputTopic, expected: `${group}'s offsets in the same transaction`, actual: `${t.produced} record(s) committed without offsets`, note: `transaction of ${e.transactionalId} committed at ${e.atMs} ms by instance ${e.instance}` });
    }
  }
  if (committed === 0 && plain.length === 0) return fail(`No transaction that wrote to ${outputTopic} was committed.`, [{ topic: outputTopic, note: 'no committed transactions on the wire' }]);
  return bad.length ? fail(`Output and offsets were not committed together: a crash between two commits duplicates or loses records.`, bad) : pass(`${committed} committed transactions, each carrying ${group}'s offsets.`);
}
