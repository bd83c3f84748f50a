// Shared check helpers: pure functions over records read back from the broker. Each returns a
// CheckOutcome whose evidence names topic, partition, offset and key, so a failure message tells
// the learner exactly where to look. No Kafka client here: unit-testable on plain arrays.
import type { CheckOutcome, CommittedOffset, Evidence, ObservedRecord, OffsetCommitRecord } from './grader.ts';
import { partitionForKey } from './partitioner.ts';

/** Most evidence items kept per check; the message says how many more there were. */
export const MAX_EVIDENCE = 20;
/** Evidence items spelled out in a failure message. */
const MESSAGE_ITEMS = 3;

/** A record the output is expected to contain, identified by a business id. */
export interface ExpectedItem {
  id: string;
  key: string | null;
  /** Where the item came from, when it was an input record. */
  topic?: string;
  partition?: number;
  offset?: string;
}

/** Formats one evidence item as a readable clause. */
export function describeEvidence(e: Evidence): string {
  const where: string[] = [];
  if (e.topic !== undefined) where.push(`topic ${e.topic}`);
  if (e.partition !== undefined) where.push(`partition ${e.partition}`);
  if (e.offset !== undefined) where.push(`offset ${e.offset}`);
  if (e.key !== undefined) where.push(`key ${e.key === null ? '(null)' : JSON.stringify(e.key)}`);
  const parts = [where.join(', ')].filter(Boolean);
  if (e.expected !== undefined || e.actual !== undefined) parts.push(`expected ${fmt(e.expected)}, got ${fmt(e.actual)}`);
  if (e.note) parts.push(e.note);
  return parts.join(': ');
}

function fmt(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** Builds a passing outcome. */
export function pass(message?: string, evidence: Evidence[] = []): CheckOutcome {
  return { pass: true, message, evidence: evidence.slice(0, MAX_EVIDENCE) };
}

/** Builds a failing outcome whose message is the headline plus the first evidence items. */
export function fail(headline: string, evidence: Evidence[]): CheckOutcome {
  const shown = evidence.slice(0, MESSAGE_ITEMS).map((e) => `- ${describeEvidence(e)}`);
  const more = evidence.length > MESSAGE_ITEMS ? [`- …and ${evidence.length - MESSAGE_ITEMS} more`] : [];
  return { pass: false, message: [headline, ...shown, ...more].join('\n'), evidence: evidence.slice(0, MAX_EVIDENCE) };
}

/** Records sorted by partition, then offset (numerically). */
export function byPosition(records: readonly ObservedRecord[]): ObservedRecord[] {
  return [...records].sort((a, b) => a.partition - b.partition || cmpOffset(a.offset, b.offset));
}

function cmpOffset(a: string, b: string): number {
  const d = BigInt(a) - BigInt(b);
  return d < 0n ? -1 : d > 0n ? 1 : 0;
}

/** Parses a record value as JSON; null when it is not JSON. */
export function jsonValue(r: ObservedRecord): Record<string, unknown> | null {
  if (r.value === null) return null;
  try {
    const v = JSON.parse(r.value) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** The `id` field of a JSON record value, or null. */
export function idOf(r: ObservedRecord): string | null {
  const id = jsonValue(r)?.id;
  return typeof id === 'string' ? id : null;
}

const at = (r: ObservedRecord): Evidence => ({ topic: r.topic, partition: r.partition, offset: r.offset, key: r.key });

/**
 * Every record has a key and sits on the partition Kafka's default (murmur2) partitioner picks for it.
 * `expectedKey` (optional) says which key a record should carry, e.g. its account id.
 */
export function checkKeyPartitioning(records: readonly ObservedRecord[], partitions: number, expectedKey?: (r: ObservedRecord) => string | null): CheckOutcome {
  const bad: Evidence[] = [];
  for (const r of byPosition(records)) {
    const want = expectedKey?.(r);
    if (r.key === null) {
      bad.push({ ...at(r), expected: want ?? 'a key', actual: null, note: 'record has no key, so the partitioner spreads the key\'s records over partitions' });
    } else if (want !== undefined && want !== null && r.key !== want) {
      bad.push({ ...at(r), expected: want, actual: r.key, note: 'key is not the entity id' });
    } else {
      const p = partitionForKey(r.key, partitions);
      if (p !== r.partition) bad.push({ ...at(r), expected: `partition ${p}`, actual: `partition ${r.partition}`, note: 'not where the default partitioner puts this key' });
    }
  }
  if (records.length === 0) return fail('No records were found, so partitioning could not be checked.', [{ note: 'the topic is empty' }]);
  return bad.length ? fail(`${bad.length} of ${records.length} records are not partitioned by their key.`, bad) : pass(`${records.length} records, each on its key's partition.`);
}

/**
 * For every key, the records appear in the order of `seqOf` (1, 2, 3, ...) within one partition.
 * Exact repeats of an already-seen sequence number are ignored here (the duplicate check reports them).
 * `keyOf` groups records by an entity id other than the record key (e.g. a field of the value), so
 * records that lost their key are still held to their entity's order.
 */
export function checkPerKeyOrder(records: readonly ObservedRecord[], seqOf: (r: ObservedRecord) => number | null, keyOf: (r: ObservedRecord) => string | null = (r) => r.key): CheckOutcome {
  const bad: Evidence[] = [];
  const byKey = new Map<string, ObservedRecord[]>();
  for (const r of byPosition(records)) {
    const k = keyOf(r);
    if (k === null) continue;
    const list = byKey.get(k) ?? [];
    list.push(r);
    byKey.set(k, list);
  }
  for (const [key, list] of byKey) {
    const parts = [...new Set(list.map((r) => r.partition))];
    if (parts.length > 1) {
      bad.push({ topic: list[0].topic, key, expected: 'one partition', actual: `partitions ${parts.join(', ')}`, note: 'records of one entity on several partitions have no order between them' });
      continue;
    }
    const seen = new Set<number>();
    let last = 0;
    for (const r of list) {
      const seq = seqOf(r);
      if (seq === null) {
        bad.push({ ...at(r), expected: 'a sequence number', actual: r.value, note: 'value has no seq field' });
        continue;
      }
      if (seen.has(seq)) continue;
      seen.add(seq);
      if (seq < last) bad.push({ ...at(r), expected: `seq after ${last}`, actual: `seq ${seq}`, note: 'this record was written after a later event of the same key' });
      last = Math.max(last, seq);
    }
  }
  if (records.length === 0) return fail('No records were found, so ordering could not be checked.', [{ note: 'the topic is empty' }]);
  return bad.length ? fail('Some keys\' records are out of order.', bad) : pass(`${byKey.size} keys, each in order.`);
}

/**
 * Compares the output against the expected items by id: nothing missing, nothing unexpected and,
 * unless `allowDuplicates`, nothing written twice.
 */
export function checkNoLossNoDuplicates(
  expected: readonly ExpectedItem[],
  output: readonly ObservedRecord[],
  opts: { outputTopic: string; idOf?: (r: ObservedRecord) => string | null; allowDuplicates?: boolean },
): CheckOutcome {
  const getId = opts.idOf ?? idOf;
  const seen = new Map<string, ObservedRecord[]>();
  const unexpected: Evidence[] = [];
  const want = new Map(expected.map((e) => [e.id, e]));
  for (const r of byPosition(output)) {
    const id = getId(r);
    if (id === null || !want.has(id)) {
      unexpected.push({ ...at(r), expected: 'a record produced from the input', actual: id === null ? r.value : `id ${id}`, note: 'not in the input' });
      continue;
    }
    const list = seen.get(id) ?? [];
    list.push(r);
    seen.set(id, list);
  }
  const missing: Evidence[] = [];
  for (const e of expected) {
    if (!seen.has(e.id)) {
      missing.push({ topic: e.topic ?? opts.outputTopic, partition: e.partition, offset: e.offset, key: e.key, expected: `id ${e.id} on ${opts.outputTopic}`, actual: 'missing' });
    }
  }
  const dupes: Evidence[] = [];
  if (!opts.allowDuplicates) {
    for (const [id, list] of seen) {
      if (list.length > 1) {
        for (const r of list.slice(1)) dupes.push({ ...at(r), expected: `id ${id} once`, actual: `${list.length} copies`, note: `first copy at partition ${list[0].partition} offset ${list[0].offset}` });
      }
    }
  }
  const problems: string[] = [];
  if (missing.length) problems.push(`${missing.length} missing`);
  if (dupes.length) problems.push(`${dupes.length} duplicated`);
  if (unexpected.length) problems.push(`${unexpected.length} unexpected`);
  if (problems.length === 0) return pass(`${expected.length} records, each exactly ${opts.allowDuplicates ? 'at least ' : ''}once.`);
  return fail(`${opts.outputTopic} does not match the input (${expected.length} expected): ${problems.join(', ')}.`, [...missing, ...dupes, ...unexpected]);
}

/**
 * The position a consumer has truly processed in each input partition: the first input offset (in
 * offset order) whose record has no output. `processedIds` are ids seen on the output.
 */
export function processedPositions(input: readonly ObservedRecord[], processedIds: ReadonlySet<string>, getId: (r: ObservedRecord) => string | null = idOf): Map<number, number> {
  const pos = new Map<number, number>();
  const blocked = new Set<number>();
  for (const r of byPosition(input)) {
    if (blocked.has(r.partition)) continue;
    const id = getId(r);
    if (id !== null && processedIds.has(id)) pos.set(r.partition, Number(r.offset) + 1);
    else {
      blocked.add(r.partition);
      if (!pos.has(r.partition)) pos.set(r.partition, Number(r.offset));
    }
  }
  return pos;
}

/**
 * Committed offsets never run ahead of processing: every input record below the committed offset
 * of its partition has an output. `input` holds only the records the program should process.
 */
export function checkCommitsNotAhead(committed: readonly CommittedOffset[], input: readonly ObservedRecord[], processedIds: ReadonlySet<string>, getId: (r: ObservedRecord) => string | null = idOf): CheckOutcome {
  const bad: Evidence[] = [];
  const evidence: Evidence[] = [];
  for (const c of [...committed].sort((a, b) => a.partition - b.partition)) {
    if (c.offset < 0) continue;
    const skipped = input.filter((r) => r.partition === c.partition && Number(r.offset) < c.offset && !processedIds.has(getId(r) ?? ''));
    const processed = processedPositions(input.filter((r) => r.partition === c.partition), processedIds, getId).get(c.partition) ?? 0;
    if (skipped.length) {
      const first = byPosition(skipped)[0];
      bad.push({ topic: c.topic, partition: c.partition, offset: first.offset, key: first.key, expected: `committed offset ≤ ${processed} (first unprocessed record)`, actual: `committed offset ${c.offset}`, note: `${skipped.length} record(s) below the committed offset had no output yet` });
    } else {
      evidence.push({ topic: c.topic, partition: c.partition, expected: `≤ ${processed}`, actual: c.offset, note: 'committed offset vs processed position' });
    }
  }
  return bad.length ? fail('The consumer committed offsets for records it had not finished processing.', bad) : pass('Committed offsets never passed the processed position.', evidence);
}

/**
 * The group's committed offset in every partition equals `expected` (usually the end of the input).
 * An expected range accepts any position in it, e.g. before or after a trailing transaction marker.
 */
export function checkCommitsAt(committed: readonly CommittedOffset[], expected: ReadonlyMap<number, number | { min: number; max: number }>, topic: string): CheckOutcome {
  const bad: Evidence[] = [];
  const ok: Evidence[] = [];
  for (const [partition, want] of [...expected].sort((a, b) => a[0] - b[0])) {
    const { min, max } = typeof want === 'number' ? { min: want, max: want } : want;
    const got = committed.find((c) => c.partition === partition)?.offset ?? -1;
    const e: Evidence = { topic, partition, expected: min === max ? min : `${min}..${max}`, actual: got === -1 ? 'nothing committed' : got };
    // A partition that never held a record has nothing to commit.
    if (got === -1 && max === 0) ok.push({ ...e, note: 'empty partition' });
    else if (got < min) bad.push({ ...e, note: 'the group would re-read records on restart' });
    else if (got > max) bad.push({ ...e, note: 'the group would skip records on restart' });
    else ok.push(e);
  }
  return bad.length ? fail(`Committed offsets of ${topic} do not match the processed position.`, bad) : pass('Committed offsets match the processed position.', ok);
}

/** None of the aborted records' ids appear in the output. */
export function checkAbortedInvisible(aborted: readonly ObservedRecord[], output: readonly ObservedRecord[], getId: (r: ObservedRecord) => string | null = idOf): CheckOutcome {
  const abortedIds = new Map(aborted.map((r) => [getId(r), r] as const));
  const bad: Evidence[] = [];
  for (const r of byPosition(output)) {
    const id = getId(r);
    const src = id !== null ? abortedIds.get(id) : undefined;
    if (src) bad.push({ ...at(r), expected: 'no trace of aborted input', actual: `id ${id}`, note: `came from an aborted record at ${src.topic} partition ${src.partition} offset ${src.offset}` });
  }
  return bad.length ? fail('Records from an aborted transaction in the input reached the output.', bad) : pass(`${aborted.length} aborted input records stayed invisible.`);
}

/**
 * The dead-letter topic holds exactly the poison records, once each, and each carries the headers
 * named in `requiredHeaders`.
 */
export function checkDeadLetters(poison: readonly ExpectedItem[], dlq: readonly ObservedRecord[], opts: { dlqTopic: string; requiredHeaders?: string[]; idOf?: (r: ObservedRecord) => string | null }): CheckOutcome {
  const base = checkNoLossNoDuplicates(poison, dlq, { outputTopic: opts.dlqTopic, idOf: opts.idOf });
  const bad: Evidence[] = [...(base.pass ? [] : base.evidence)];
  for (const r of byPosition(dlq)) {
    for (const h of opts.requiredHeaders ?? []) {
      if (!(h in r.headers)) bad.push({ ...at(r), expected: `header ${h}`, actual: Object.keys(r.headers), note: 'dead letters must say why they failed' });
    }
  }
  return bad.length ? fail(`The dead-letter topic ${opts.dlqTopic} is not exactly the poison records with their headers.`, bad) : pass(`${poison.length} poison records dead-lettered once each.`);
}

/** Every record was written by an idempotent (or transactional) producer: its batch has a producer id. */
export function checkIdempotentWrites(records: readonly ObservedRecord[]): CheckOutcome {
  const bad = byPosition(records).filter((r) => r.producerId === '-1').map((r) => ({ ...at(r), expected: 'a producer id (idempotence on)', actual: 'producer id -1', note: 'written without idempotence' }));
  if (records.length === 0) return fail('No records were found, so idempotence could not be checked.', [{ note: 'the topic is empty' }]);
  return bad.length ? fail(`${bad.length} of ${records.length} records were written by a producer without idempotence.`, bad) : pass('Every batch carried a producer id.');
}

/** Every record was written inside a transaction. */
export function checkTransactionalWrites(records: readonly ObservedRecord[]): CheckOutcome {
  const bad = byPosition(records).filter((r) => !r.inTransaction).map((r) => ({ ...at(r), expected: 'a transactional batch', actual: 'a plain batch', note: 'written outside any transaction' }));
  if (records.length === 0) return fail('No records were found, so transactions could not be checked.', [{ note: 'the topic is empty' }]);
  return bad.length ? fail(`${bad.length} of ${records.length} output records were written outside a transaction.`, bad) : pass('Every output batch was transactional.');
}

/** The group's offsets for `topic` were only ever committed through transactions (sendOffsets). */
export function checkCommitsTransactional(log: readonly OffsetCommitRecord[], topic: string): CheckOutcome {
  const mine = log.filter((c) => c.topic === topic && c.offset !== null);
  const bad = mine.filter((c) => !c.transactional).map((c) => ({ topic: '__consumer_offsets', offset: c.logOffset, partition: undefined, key: `${c.group}/${c.topic}/${c.partition}`, expected: 'a transactional offset commit', actual: `plain commit of offset ${c.offset} for ${c.topic} partition ${c.partition}`, note: 'committed outside the transaction' }));
  if (mine.length === 0) return fail(`The group never committed offsets for ${topic}.`, [{ topic, note: 'no commits in __consumer_offsets' }]);
  return bad.length ? fail(`${bad.length} of ${mine.length} offset commits for ${topic} happened outside a transaction.`, bad) : pass(`${mine.length} offset commits, all inside transactions.`);
}
