// Grader for the keyed-producer lab. The grader feeds account events to the program's standard
// input at a steady pace (ids, accounts and amounts come from a seed the program never sees).
// Twice, once a third and once two thirds of the way in, it arms a lost response on the next
// Produce that carries records: the broker writes them, the connection breaks before the answer
// arrives, and the producer must resend without duplicating. Checks compare the committed log
// with the grader's own events, by id: key, partition, value, order and exactly-once; and the wire
// log for acks=all.
import { checkIdempotentWrites } from '../_kit/checks.ts';
import { defineGrader, type GraderContext, type WireEvent } from '../_kit/grader.ts';
import { accountIds, createRng, uniqueIds } from '../_kit/rng.ts';
import { allOf, checkFaultHit, checkKeyedByTruth, checkLogIntact, checkMatchesTruth, checkOnlyCommitted, checkOrderByTruth, committedRecords, type ExpectedRecord } from '../_kit/truth.ts';
import { checkAcksAll, wireComplete } from '../_kit/wire-checks.ts';

const TOPIC = 'account-events';
const PARTITIONS = 3;
const COUNT = 45;
const ACCOUNTS = 6;
const INTERVAL_MS = 20;
const TYPES = ['deposit', 'withdrawal', 'fee', 'refund'] as const;

interface AccountEvent {
  id: string;
  account: string;
  seq: number;
  type: (typeof TYPES)[number];
  amountCents: number;
}

/** The grader's events for this run's seed. */
export function eventsFor(seed: number): AccountEvent[] {
  const rng = createRng(seed ^ 0x5eed);
  const accounts = accountIds(rng, ACCOUNTS, PARTITIONS);
  const ids = uniqueIds(rng, COUNT, 'evt');
  const seqs = new Map<string, number>();
  // The first events cover every partition, so none of them goes untested.
  return ids.map((id, i) => {
    const account = i < PARTITIONS ? accounts[i] : rng.pick(accounts);
    const seq = (seqs.get(account) ?? 0) + 1;
    seqs.set(account, seq);
    return { id, account, seq, type: rng.pick(TYPES), amountCents: rng.int(100, 99_999) };
  });
}

const expected = (ctx: GraderContext): ExpectedRecord[] => eventsFor(ctx.seed).map((e) => ({ id: e.id, key: e.account, value: e }));
const log = (ctx: GraderContext) => ctx.readLog(TOPIC);
const carriesRecords = (e: WireEvent) => e.type === 'produce' && e.partitions.some((p) => p.topic === TOPIC && p.records.length > 0);

export default defineGrader({
  topics: [{ name: TOPIC, partitions: PARTITIONS }],
  env: { OUTPUT_TOPIC: TOPIC },

  async scenario(ctx) {
    const [instance] = await ctx.program.start({ stdin: true });
    const events = eventsFor(ctx.seed);
    const losses: Promise<WireEvent | null>[] = [];
    for (let i = 0; i < events.length; i++) {
      // A third and two thirds in: the next Produce that carries records loses its response.
      if (i === Math.floor(COUNT / 3) || i === Math.floor((2 * COUNT) / 3)) {
        losses.push(ctx.faults.arm({ kind: 'lose-response', describe: 'the broker wrote a Produce request but its response was lost and the connection broke', when: carriesRecords, timeoutMs: 10_000 }));
        // Both losses must be separate requests: wait for the first before arming the second.
        if (losses.length === 2) await losses[0];
      }
      if (!ctx.program.write(instance, `${JSON.stringify(events[i])}\n`)) break;
      await ctx.sleep(INTERVAL_MS);
    }
    ctx.program.endInput(instance);
    ctx.shared.losses = await Promise.all(losses);
    if (!(await ctx.program.waitForExit(15_000))) ctx.note('The program was still running 15 s after the last event; it was stopped.');
  },

  checks: [
    {
      name: 'Every event is keyed by its account id and sits on the partition the default partitioner picks for that key',
      taskId: 'key-by-account',
      run: async (ctx) => checkKeyedByTruth(expected(ctx), await log(ctx), PARTITIONS),
    },
    {
      name: "Each account's events appear in the order they happened",
      taskId: 'keep-order',
      run: async (ctx) => checkOrderByTruth(expected(ctx), await log(ctx)),
    },
    {
      name: 'Every event is published exactly once, unchanged, even when a response is lost and the batch is resent',
      taskId: 'exactly-once-per-event',
      run: async (ctx) => {
        const l = await log(ctx);
        const losses = (ctx.shared.losses as (WireEvent | null)[] | undefined) ?? [];
        return allOf(
          checkMatchesTruth(expected(ctx), l, { what: 'events' }),
          checkOnlyCommitted(l),
          checkLogIntact(l),
          checkFaultHit(losses[0], 'The first lost response', 'the program sent no Produce request with records within 10 s of the fault being armed a third of the way in', TOPIC),
          checkFaultHit(losses[1], 'The second lost response', 'the program sent no further Produce request with records after two thirds of the events (publish each event as it arrives, not all at the end)', TOPIC),
        );
      },
    },
    {
      name: 'The producer is idempotent with acks=all: every batch has a producer id and every request waited for all replicas',
      taskId: 'idempotent-producer',
      run: async (ctx) => {
        const l = await log(ctx);
        return wireComplete(ctx.wire.events(), ctx.wire.overflowed()) ?? allOf(checkIdempotentWrites(committedRecords(l)), checkAcksAll(ctx.wire.events(), TOPIC));
      },
    },
  ],
});
