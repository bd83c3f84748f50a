// Judging output against the grader's own truth. The grader knows every record it expects (it
// generated the input from a seed the program never sees); each output record is looked up by id
// in that list, and its key and value must equal the expected ones (deep equality for JSON).
// Order is judged by the expected sequence, never by a field the learner wrote. Only committed
// output counts: a record in an aborted or still-open transaction is a failure with evidence.
// The log itself must be intact: starting at offset 0 with no offset missing.
import { fail, pass } from './checks.ts';
import type { CheckOutcome, Evidence, LogRecord, ObservedRecord, TopicLog } from './grader.ts';
import { partitionForKey } from './partitioner.ts';

/** A record the output must contain. */
export interface ExpectedRecord {
  id: string;
  key: string | null;
  /** The exact value (a JSON object, compared deeply) the output record must carry. */
  value: unknown;
  /** Where it came from, for evidence (the input record it is the result of). */
  source?: { topic: string; partition: number; offset: string };
}

/** Deep equality for JSON values (object key order does not matter). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) return a.length === (b as unknown[]).length && a.every((x, i) => jsonEqual(x, (b as unknown[])[i]));
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  return ka.length === kb.length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

const parse = (v: string | null): unknown => {
  if (v === null) return undefined;
  try {
    return JSON.parse(v);
  } catch {
    return undefined;
  }
};

/** The id of an output record: the `id` field of its JSON value, or null. */
export function recordId(r: ObservedRecord): string | null {
  const v = parse(r.value);
  const id = v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>).id : undefined;
  return typeof id === 'string' ? id : null;
}

const at = (r: ObservedRecord): Evidence => ({ topic: r.topic, partition: r.partition, offset: r.offset, key: r.key });
const byPos = (a: ObservedRecord, b: ObservedRecord) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset));
const short = (v: unknown) => {
  const s = JSON.stringify(v);
  return s && s.length > 160 ? `${s.slice(0, 157)}...` : s;
};

/** Every record in the log, committed or not, in partition and offset order. */
export function allRecords(log: TopicLog): LogRecord[] {
  return log.partitions.flatMap((p) => p.records).sort(byPos);
}

/** The records a read_committed consumer sees. */
export function committedRecords(log: TopicLog): LogRecord[] {
  return allRecords(log).filter((r) => r.txn === 'none' || r.txn === 'committed');
}

/** A failing outcome when the log could not be read whole (a bound was hit), else null. */
export function unreadable(log: TopicLog): CheckOutcome | null {
  if (log.problems.length === 0) return null;
  return fail(`The grader could not read ${log.topic} completely, so it cannot vouch for it: ${log.problems[0]}`, log.problems.map((p) => ({ topic: log.topic, note: p })));
}

/**
 * The topic's log starts at offset 0 and has no hole: every offset below the high watermark holds
 * a record or a transaction marker. Records deleted with DeleteRecords, or a topic recreated, fail.
 */
export function checkLogIntact(log: TopicLog): CheckOutcome {
  const bad: Evidence[] = [];
  if (log.partitions.length === 0) return fail(`The topic ${log.topic} is gone.`, [{ topic: log.topic, note: log.problems[0] ?? 'no partitions' }]);
  for (const p of log.partitions) {
    if (p.logStartOffset !== 0) bad.push({ topic: log.topic, partition: p.partition, offset: String(p.logStartOffset), expected: 'log start offset 0', actual: p.logStartOffset, note: 'records at the start of the log were deleted' });
    const taken = new Set<number>([...p.records.map((r) => Number(r.offset)), ...p.markers.map((m) => m.offset)]);
    for (let o = p.logStartOffset; o < p.highWatermark; o++) {
      if (!taken.has(o)) {
        bad.push({ topic: log.topic, partition: p.partition, offset: String(o), expected: 'a record or a transaction marker', actual: 'nothing', note: 'the log has a hole here' });
        break;
      }
    }
  }
  return bad.length ? fail(`The log of ${log.topic} was rewritten: it must start at offset 0 with no offset missing.`, bad) : pass(`${log.topic} is intact from offset 0.`);
}

/** Output records written inside transactions that were aborted or never committed: each is a failure. */
export function checkOnlyCommitted(log: TopicLog): CheckOutcome {
  const bad = allRecords(log)
    .filter((r) => r.txn === 'aborted' || r.txn === 'open')
    .map((r) => ({ ...at(r), expected: 'a committed record', actual: r.txn === 'aborted' ? 'written in an aborted transaction' : 'written in a transaction that never committed', note: `id ${recordId(r) ?? '(none)'}` }));
  return bad.length
    ? fail(`${bad.length} record(s) on ${log.topic} were written in transactions that did not commit, so a read_committed consumer never sees them.`, bad)
    : pass(`Every record on ${log.topic} is committed.`);
}

/**
 * Compares the committed output with the expected records by id: each must appear (exactly once,
 * or at least once with `atLeastOnce`), with the expected key and a value equal to the expected one.
 * Anything not expected is reported too.
 */
export function checkMatchesTruth(expected: readonly ExpectedRecord[], log: TopicLog, opts: { atLeastOnce?: boolean; what?: string } = {}): CheckOutcome {
  const bad = unreadable(log);
  if (bad) return bad;
  const want = new Map(expected.map((e) => [e.id, e]));
  const seen = new Map<string, LogRecord[]>();
  const unexpected: Evidence[] = [];
  const wrong: Evidence[] = [];
  for (const r of committedRecords(log)) {
    const id = recordId(r);
    const e = id === null ? undefined : want.get(id);
    if (!e) {
      unexpected.push({ ...at(r), expected: 'a result of one of the input records', actual: id === null ? short(r.value) : `id ${id}`, note: id === null ? 'the value has no id field' : 'no input has this id' });
      continue;
    }
    const list = seen.get(e.id) ?? [];
    list.push(r);
    seen.set(e.id, list);
    if (list.length > 1) continue;
    if (r.key !== e.key) wrong.push({ ...at(r), expected: e.key, actual: r.key, note: `id ${e.id}: wrong key` });
    const value = parse(r.value);
    if (!jsonEqual(value, e.value)) wrong.push({ ...at(r), expected: short(e.value), actual: value === undefined ? short(r.value) : short(value), note: `id ${e.id}: wrong value` });
  }
  const missing: Evidence[] = [];
  for (const e of expected) {
    if (!seen.has(e.id)) missing.push({ ...(e.source ?? { topic: log.topic }), key: e.key, expected: `id ${e.id} on ${log.topic}`, actual: 'missing' });
  }
  const dupes: Evidence[] = [];
  if (!opts.atLeastOnce) {
    for (const [id, list] of seen) for (const r of list.slice(1)) dupes.push({ ...at(r), expected: `id ${id} once`, actual: `${list.length} copies`, note: `first copy at partition ${list[0].partition} offset ${list[0].offset}` });
  }
  const problems: string[] = [];
  if (missing.length) problems.push(`${missing.length} missing`);
  if (dupes.length) problems.push(`${dupes.length} duplicated`);
  if (wrong.length) problems.push(`${wrong.length} with a wrong key or value`);
  if (unexpected.length) problems.push(`${unexpected.length} unexpected`);
  if (problems.length === 0) return pass(`${expected.length} ${opts.what ?? 'records'}, each ${opts.atLeastOnce ? 'at least' : 'exactly'} once with the expected key and value.`);
  return fail(`${log.topic} does not hold what the input calls for (${expected.length} expected): ${problems.join(', ')}.`, [...missing, ...wrong, ...dupes, ...unexpected]);
}

/**
 * Every expected key's records sit on one partition, the one Kafka's default (murmur2)
 * partitioner picks for that key, and carry that key. Judged for output records found by id.
 */
export function checkKeyedByTruth(expected: readonly ExpectedRecord[], log: TopicLog, partitions: number): CheckOutcome {
  const bad0 = unreadable(log);
  if (bad0) return bad0;
  const want = new Map(expected.map((e) => [e.id, e]));
  const bad: Evidence[] = [];
  let judged = 0;
  for (const r of committedRecords(log)) {
    const id = recordId(r);
    const e = id === null ? undefined : want.get(id);
    if (!e || e.key === null) continue;
    judged++;
    if (r.key !== e.key) bad.push({ ...at(r), expected: e.key, actual: r.key, note: r.key === null ? 'the record has no key, so the partitioner spreads its account over partitions' : `id ${e.id}: the key is not the account id` });
    else if (r.partition !== partitionForKey(e.key, partitions)) bad.push({ ...at(r), expected: `partition ${partitionForKey(e.key, partitions)}`, actual: `partition ${r.partition}`, note: 'not where the default partitioner puts this key' });
  }
  if (judged === 0) return fail(`No record on ${log.topic} matches an input event, so keys could not be checked.`, [{ topic: log.topic, note: `${committedRecords(log).length} committed records, none with an expected id` }]);
  return bad.length ? fail(`${bad.length} of ${judged} records are not keyed by their account on its partition.`, bad) : pass(`${judged} records, each keyed by its account on that key's partition.`);
}

/**
 * For every key, the first copies of its expected records appear in the expected order (the
 * order of `expected`) in offset order, on one partition. Duplicates and missing records are the
 * exactly-once check's business.
 */
export function checkOrderByTruth(expected: readonly ExpectedRecord[], log: TopicLog): CheckOutcome {
  const bad0 = unreadable(log);
  if (bad0) return bad0;
  const rank = new Map(expected.map((e, i) => [e.id, { i, e }]));
  const firsts = new Map<string, { r: LogRecord; i: number }[]>();
  const seen = new Set<string>();
  for (const r of committedRecords(log)) {
    const id = recordId(r);
    const x = id === null ? undefined : rank.get(id);
    if (!x || seen.has(x.e.id)) continue;
    seen.add(x.e.id);
    const k = x.e.key ?? '';
    const list = firsts.get(k) ?? [];
    list.push({ r, i: x.i });
    firsts.set(k, list);
  }
  const bad: Evidence[] = [];
  for (const [key, list] of firsts) {
    const parts = [...new Set(list.map((x) => x.r.partition))];
    if (parts.length > 1) {
      bad.push({ topic: log.topic, key, expected: 'one partition', actual: `partitions ${parts.join(', ')}`, note: 'events of one account on several partitions have no order between them' });
      continue;
    }
    let last: { r: LogRecord; i: number } | undefined;
    for (const x of list) {
      if (last && x.i < last.i) {
        bad.push({ ...at(x.r), expected: `after ${recordId(last.r)} (offset ${last.r.offset})`, actual: `id ${recordId(x.r)} came later in the log`, note: 'this event happened before one written ahead of it' });
      }
      if (!last || x.i > last.i) last = x;
    }
  }
  if (firsts.size === 0) return fail(`No record on ${log.topic} matches an input event, so order could not be checked.`, [{ topic: log.topic, note: 'no expected ids found' }]);
  return bad.length ? fail("Some accounts' events are out of the order they happened in.", bad) : pass(`${firsts.size} keys, each in the order its events happened.`);
}

/** Combines outcomes: passes when all pass, else fails with the first failure's message and everyone's evidence. */
export function allOf(...outcomes: CheckOutcome[]): CheckOutcome {
  const failed = outcomes.filter((o) => !o.pass);
  if (failed.length === 0) return pass(outcomes.map((o) => o.message).filter(Boolean).join(' '), outcomes.flatMap((o) => o.evidence));
  const message = failed.map((o) => o.message).join('\n\n');
  return { pass: false, message, evidence: failed.flatMap((o) => o.evidence).slice(0, 20) };
}

/** A fault that was supposed to fire on in-flight work: the check fails when it never did. */
export function checkFaultHit(hit: unknown, what: string, why: string, topic?: string): CheckOutcome {
  return hit ? pass(`${what} happened while work was in flight.`) : fail(`${what} never happened, because ${why}. This check needs that fault to hit work in flight, so it cannot pass.`, [{ ...(topic ? { topic } : {}), note: `${what}: not fired` }]);
}
