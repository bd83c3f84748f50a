// Grader for the throughput-budget lab. The grader streams vehicle position pings to the program's
// standard input: a small warm-up first (so JVM or interpreter start-up is not held against the
// program), then a steady stream of about 1,000 pings a second. While the stream runs it samples the
// topic's end offsets on its own clock, so it knows how long each ping waited before the broker
// held it. Half way through it loses the broker's answer to one Produce request, so a producer that
// resends without idempotence writes a whole batch twice.
// Checks: every ping exactly once with its key and value (truth.ts); batching, from the batches the
// log holds (records per batch) and the Produce requests on the wire; compression, from each
// batch's codec; the latency budget, from the samples; and acks=all with a producer id.
import { checkIdempotentWrites, fail, pass } from '../_kit/checks.ts';
import { defineGrader, type CheckOutcome, type Evidence, type GraderContext, type LogRecord, type TopicLog, type WireEvent } from '../_kit/grader.ts';
import { accountIds, createRng, uniqueIds } from '../_kit/rng.ts';
import { allOf, checkFaultHit, checkLogIntact, checkMatchesTruth, checkOnlyCommitted, committedRecords, unreadable, type ExpectedRecord } from '../_kit/truth.ts';
import { checkAcksAll, wireComplete } from '../_kit/wire-checks.ts';

const TOPIC = 'vehicle-positions';
const PARTITIONS = 3;
const VEHICLES = 24;
/** Pings fed at the stream's pace before the clock starts; the program has 15 s to store them. */
const WARMUP = 500;
const WARMUP_TIMEOUT_MS = 15_000;
/** Pings in the timed stream: 20 every 20 ms, about 1,000 a second for 5 s. */
const STREAM = 5_000;
const TICK_PINGS = 20;
const TICK_MS = 20;
export const TOTAL = WARMUP + STREAM;
/**
 * The latency budget: no ping of the timed stream may wait longer than this to be on the broker.
 * A linger of 100 ms leaves room for a resend after the lost response on a busy machine; holding
 * pings until the input ends (the stream lasts 5 s) cannot meet it.
 */
export const LATENCY_BUDGET_MS = 3_000;
/** Batching: at least this many records per batch, on average over the whole log. */
export const MIN_RECORDS_PER_BATCH = 20;
/**
 * Batching: at most one Produce request (with records) per this many records, retries included.
 * The same 20 as per batch: librdkafka sends one partition's batch per request, so a Python
 * producer meeting the batch bound needs one request per batch; the Java client and kafkajs put
 * every partition's batch in one request and stay far below it.
 */
export const RECORDS_PER_REQUEST = 20;
const SAMPLE_MS = 50;

interface Ping {
  id: string;
  vehicle: string;
  lat: number;
  lon: number;
  speedKph: number;
  heading: number;
  battery: number;
}

/** The grader's pings for this run's seed: warm-up first, then the timed stream. */
export function pingsFor(seed: number): Ping[] {
  const rng = createRng(seed ^ 0x7b0d9e);
  const vehicles = accountIds(rng, VEHICLES, PARTITIONS).map((a) => a.replace('acct-', 'van-'));
  const ids = uniqueIds(rng, TOTAL, 'pos');
  const where = new Map(vehicles.map((v) => [v, { lat: 52.3 + rng.next() * 0.2, lon: 4.8 + rng.next() * 0.2 }]));
  return ids.map((id, i) => {
    const vehicle = i < PARTITIONS ? vehicles[i] : rng.pick(vehicles);
    const at = where.get(vehicle)!;
    at.lat += (rng.next() - 0.5) / 1000;
    at.lon += (rng.next() - 0.5) / 1000;
    return { id, vehicle, lat: Math.round(at.lat * 1e5) / 1e5, lon: Math.round(at.lon * 1e5) / 1e5, speedKph: rng.int(0, 90), heading: rng.int(0, 359), battery: rng.int(5, 100) };
  });
}

/** The topic's log, read once for all checks. */
const logOf = (ctx: GraderContext): Promise<TopicLog> => (ctx.shared.log ??= ctx.readLog(TOPIC)) as Promise<TopicLog>;
const expected = (ctx: GraderContext): ExpectedRecord[] => pingsFor(ctx.seed).map((p) => ({ id: p.id, key: p.vehicle, value: p }));
const carriesRecords = (e: WireEvent) => e.type === 'produce' && e.partitions.some((p) => p.topic === TOPIC && p.records.length > 0);

/** What the scenario measured, on the grader's clock (ms since the timed stream started). */
export interface Timing {
  /** After each tick: when it was written and how many pings had been fed by then. */
  fed: { atMs: number; count: number }[];
  /** End offsets of the topic, sampled every 50 ms: when, the total, and per partition. */
  samples: { atMs: number; total: number; ends: number[] }[];
  warmedUp: boolean;
  streamEndMs: number;
}

const totalOf = (ends: Map<number, number>) => [...ends.values()].reduce((a, b) => a + b, 0);

/** The batches of the log: records that share a partition and a batch offset. */
function batchesOf(records: readonly LogRecord[]): { partition: number; offset: string; codec: string; records: LogRecord[] }[] {
  const out = new Map<string, { partition: number; offset: string; codec: string; records: LogRecord[] }>();
  for (const r of records) {
    const k = `${r.partition}|${r.batchOffset}`;
    const b = out.get(k) ?? { partition: r.partition, offset: r.batchOffset, codec: r.codec, records: [] };
    b.records.push(r);
    out.set(k, b);
  }
  return [...out.values()];
}

/** Mean records per batch over the log, and the Produce requests that carried records. */
export function checkBatching(log: TopicLog, events: readonly WireEvent[]): CheckOutcome {
  const bad0 = unreadable(log);
  if (bad0) return bad0;
  const records = committedRecords(log);
  if (records.length === 0) return fail(`${log.topic} holds no records, so batching could not be judged.`, [{ topic: log.topic, note: 'the topic is empty' }]);
  const batches = batchesOf(records);
  const mean = records.length / batches.length;
  const requests = events.filter(carriesRecords);
  const maxRequests = Math.floor(TOTAL / RECORDS_PER_REQUEST);
  const bad: Evidence[] = [];
  const problems: string[] = [];
  if (mean < MIN_RECORDS_PER_BATCH) {
    problems.push(`its ${records.length} records sit in ${batches.length} batches, ${mean.toFixed(1)} records per batch on average (at least ${MIN_RECORDS_PER_BATCH} required)`);
    for (const b of [...batches].sort((a, b) => a.records.length - b.records.length || a.partition - b.partition).slice(0, 6)) {
      bad.push({ topic: log.topic, partition: b.partition, offset: b.offset, key: b.records[0].key, expected: `a batch of about ${MIN_RECORDS_PER_BATCH} records or more`, actual: `a batch of ${b.records.length} record(s)` });
    }
  }
  if (requests.length > maxRequests) {
    problems.push(`the program sent ${requests.length} Produce requests with records for ${TOTAL} pings (at most ${maxRequests}, one per ${RECORDS_PER_REQUEST} records, are allowed)`);
    const perInstance = new Map<number, number>();
    for (const e of requests) perInstance.set(e.instance, (perInstance.get(e.instance) ?? 0) + 1);
    for (const [instance, n] of perInstance) bad.push({ topic: log.topic, expected: `at most ${maxRequests} Produce requests`, actual: `${n} Produce requests`, note: `instance ${instance} sent them` });
    const first = requests[0];
    if (first?.type === 'produce') {
      const p = first.partitions.find((x) => x.topic === TOPIC)!;
      bad.push({ topic: TOPIC, partition: p.partition, key: p.records[0]?.key ?? null, note: `instance ${first.instance}'s first Produce request at ${first.atMs} ms carried ${first.partitions.reduce((n, x) => n + x.records.length, 0)} record(s)` });
    }
  }
  if (problems.length) return fail(`The producer does not batch: on ${log.topic}, ${problems.join('; and ')}.`, bad);
  return pass(`${records.length} records in ${batches.length} batches (${mean.toFixed(1)} per batch), sent in ${requests.length} Produce requests.`);
}

/** Records in uncompressed batches may be at most this share of all records (see checkCompressed). */
export const MAX_UNCOMPRESSED_SHARE = 0.01;

/**
 * Batches are compressed (any codec but none). A batch of one record may go uncompressed:
 * librdkafka sends a batch as is when compressing it would make it larger, which happens to a lone
 * ~150-byte ping (a resend after the lost response can be one). But every batch of two or more
 * records must be compressed, and at most 1 % of the records may sit in uncompressed batches, so a
 * producer that sends one ping per request cannot pass through that exception.
 */
export function checkCompressed(log: TopicLog): CheckOutcome {
  const bad0 = unreadable(log);
  if (bad0) return bad0;
  const records = committedRecords(log);
  const batches = batchesOf(records);
  if (batches.length === 0) return fail(`${log.topic} holds no records, so compression could not be judged.`, [{ topic: log.topic, note: 'the topic is empty' }]);
  const plain = batches.filter((b) => b.codec === 'none').sort((a, b) => b.records.length - a.records.length || a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
  const plainRecords = plain.reduce((n, b) => n + b.records.length, 0);
  const big = plain.filter((b) => b.records.length > 1);
  const codecs = [...new Set(batches.map((b) => b.codec))].join(', ');
  if (big.length === 0 && plainRecords <= MAX_UNCOMPRESSED_SHARE * records.length) {
    return pass(`${batches.length - plain.length} of ${batches.length} batches are compressed (${codecs}); ${plain.length} lone record(s) went as is.`);
  }
  const evidence = plain.map((b) => ({ topic: log.topic, partition: b.partition, offset: b.offset, key: b.records[0].key, expected: 'a compressed batch (gzip, snappy, lz4 or zstd)', actual: `codec none, ${b.records.length} record(s)` }));
  return fail(
    `${plain.length} of ${batches.length} batches on ${log.topic} are not compressed (codec none), holding ${plainRecords} of ${records.length} records: their JSON went over the network and onto the broker's disk at full size.`,
    evidence,
  );
}

/**
 * The latency budget: for every tick of the timed stream, the first sample at or after it whose
 * end offsets add up to at least the pings fed by then must come within the budget. (Records are
 * counted, not identified: a program that duplicates fails the exactly-once check anyway.)
 */
export function checkLatency(t: Timing | undefined, pings: readonly Ping[]): CheckOutcome {
  if (!t) return fail('The scenario did not finish, so the latency could not be measured.', [{ topic: TOPIC, note: 'no timing' }]);
  const bad: Evidence[] = [];
  if (!t.warmedUp) {
    const p = pings[WARMUP - 1];
    bad.push({ topic: TOPIC, key: p.vehicle, expected: `the first ${WARMUP} pings on the broker within ${WARMUP_TIMEOUT_MS / 1000} s`, actual: 'they were not', note: `ping ${p.id} (the last of the warm-up) was still missing; a producer that holds records back until the input ends is not streaming` });
  }
  let worst = { wait: -1, tick: t.fed[0] };
  for (const tick of t.fed) {
    const s = t.samples.find((x) => x.atMs >= tick.atMs && x.total >= tick.count);
    const wait = s ? s.atMs - tick.atMs : Infinity;
    if (wait > worst.wait) worst = { wait, tick };
  }
  const last = t.samples[t.samples.length - 1];
  if (worst.wait > LATENCY_BUDGET_MS && worst.tick) {
    const p = pings[worst.tick.count - 1];
    const at = t.samples.filter((x) => x.atMs <= worst.tick.atMs + LATENCY_BUDGET_MS).pop() ?? last;
    bad.push({
      topic: TOPIC, key: p.vehicle,
      expected: `on the broker within ${LATENCY_BUDGET_MS} ms`,
      actual: worst.wait === Infinity ? 'not on the broker by the end of the run' : `${worst.wait} ms later`,
      note: `ping ${p.id}, number ${worst.tick.count} of ${TOTAL}, was fed at ${worst.tick.atMs} ms into the stream; ${LATENCY_BUDGET_MS} ms later the topic held ${at?.total ?? 0} records (${(at?.ends ?? []).map((e, i) => `partition ${i} end offset ${e}`).join(', ')})`,
    });
  }
  if (bad.length) return fail(`Pings waited too long before the broker held them: the budget is ${LATENCY_BUDGET_MS} ms from the moment a ping is fed.`, bad);
  return pass(`Every ping of the timed stream was on the broker within ${worst.wait} ms (budget ${LATENCY_BUDGET_MS} ms); the stream lasted ${t.streamEndMs} ms.`);
}

export default defineGrader({
  topics: [{ name: TOPIC, partitions: PARTITIONS }],
  env: { OUTPUT_TOPIC: TOPIC },

  async scenario(ctx) {
    const [instance] = await ctx.program.start({ stdin: true });
    const pings = pingsFor(ctx.seed);
    const line = (p: Ping) => `${JSON.stringify(p)}\n`;
    let fed = 0;
    /** Feeds pings up to `to` at the stream's pace; `onTick` hears when each chunk was written. */
    const feed = async (to: number, onTick?: (count: number) => void) => {
      const t0 = Date.now();
      const from = fed;
      for (let tick = 1; fed < to; tick++) {
        // Keep to the schedule even when a timer fires late: feed everything due by now.
        const due = Math.min(to, from + Math.max(tick, Math.floor((Date.now() - t0) / TICK_MS) + 1) * TICK_PINGS);
        if (due > fed) {
          if (!ctx.program.write(instance, pings.slice(fed, due).map(line).join(''))) return false;
          fed = due;
          onTick?.(fed);
        }
        await ctx.sleep(Math.max(0, t0 + tick * TICK_MS - Date.now()));
      }
      return true;
    };

    // Warm-up, untimed: start-up and the first batches of the program and of the broker are not
    // held against the program. The clock starts once the broker holds every warm-up ping.
    await feed(WARMUP);
    const warmedUp = await ctx.waitFor(`the ${WARMUP} warm-up pings on ${TOPIC}`, async () => totalOf(await ctx.endOffsets(TOPIC)) >= WARMUP, { timeoutMs: WARMUP_TIMEOUT_MS, intervalMs: 100 });

    const t0 = Date.now();
    const timing: Timing = { fed: [], samples: [], warmedUp, streamEndMs: 0 };
    ctx.shared.timing = timing;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const ends = await ctx.endOffsets(TOPIC).catch(() => null);
        // The time after the answer: a ping counts as stored when the grader has seen it stored.
        if (ends) timing.samples.push({ atMs: Date.now() - t0, total: totalOf(ends), ends: [...Array(PARTITIONS).keys()].map((p) => ends.get(p) ?? 0) });
        await ctx.sleep(SAMPLE_MS);
      }
    })();

    let loss: Promise<WireEvent | null> | undefined;
    await feed(TOTAL, (count) => {
      timing.fed.push({ atMs: Date.now() - t0, count });
      // Half way: the next Produce that carries records is written but its answer is lost.
      if (!loss && count - WARMUP >= STREAM / 2) loss = ctx.faults.arm({ kind: 'lose-response', describe: 'the broker wrote a Produce request but its response was lost and the connection broke', when: carriesRecords, timeoutMs: 10_000 });
    });
    timing.streamEndMs = Date.now() - t0;
    ctx.program.endInput(instance);
    // Wait out the budget (and a little) for the last pings, then stop sampling. Only a sample
    // taken after the last ping was fed can show that ping stored.
    const done = () => {
      const last = timing.samples.at(-1);
      return last !== undefined && last.atMs >= timing.streamEndMs && last.total >= TOTAL;
    };
    await ctx.waitFor(`all ${TOTAL} pings on ${TOPIC}`, done, { timeoutMs: LATENCY_BUDGET_MS + 3_000, intervalMs: SAMPLE_MS });
    sampling = false;
    await sampler;
    ctx.shared.loss = await (loss ?? Promise.resolve(null));
    if (!(await ctx.program.waitForExit(15_000))) ctx.note('The program was still running 15 s after the last ping; it was stopped.');
  },

  checks: [
    {
      name: 'Every ping is published exactly once, keyed by its vehicle, with its value unchanged, even when a response is lost',
      taskId: 'publish-every-ping',
      run: async (ctx) => {
        const l = await logOf(ctx);
        return allOf(
          checkMatchesTruth(expected(ctx), l, { what: 'pings' }),
          checkOnlyCommitted(l),
          checkLogIntact(l),
          checkFaultHit(ctx.shared.loss, 'The lost response', 'the program sent no Produce request with records within 10 s after half of the stream was fed', TOPIC),
        );
      },
    },
    {
      name: `The producer batches: at least ${MIN_RECORDS_PER_BATCH} records per batch on average, and at most one Produce request per ${RECORDS_PER_REQUEST} records`,
      taskId: 'batch-records',
      run: async (ctx) => wireComplete(ctx.wire.events(), ctx.wire.overflowed()) ?? checkBatching(await logOf(ctx), ctx.wire.events()),
    },
    {
      name: 'Every batch of more than one record is compressed, and at most 1 % of the records go uncompressed',
      taskId: 'compress-batches',
      run: async (ctx) => checkCompressed(await logOf(ctx)),
    },
    {
      name: `Every ping is on the broker within ${LATENCY_BUDGET_MS} ms of being fed`,
      taskId: 'latency-budget',
      run: (ctx) => checkLatency(ctx.shared.timing as Timing | undefined, pingsFor(ctx.seed)),
    },
    {
      name: 'Every Produce request waits for all in-sync replicas (acks=all) and every batch has a producer id',
      taskId: 'acks-all',
      run: async (ctx) => wireComplete(ctx.wire.events(), ctx.wire.overflowed()) ?? allOf(checkAcksAll(ctx.wire.events(), TOPIC), checkIdempotentWrites(committedRecords(await logOf(ctx)))),
    },
  ],
});
