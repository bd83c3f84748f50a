// Grader for the exactly-once lab. It seeds orders in committed transactions around aborted ones
// (aborted orders look exactly like real ones: only the transaction outcome tells them apart), then:
//   1. kills the program as the broker acknowledges output mid-run (before the program hears back);
//   2. starts a replacement with the same TRANSACTIONAL_ID, and freezes it (SIGSTOP) while it has a
//      transaction open with output in it: a zombie;
//   3. starts a second replacement with that same id, which must fence the zombie and take over
//      its partitions (a rebalance), waits until it commits, seeds a second wave, and thaws the
//      zombie, whose late writes must be refused.
// Checks compare read_committed output with the grader's expected records by id, and use the
// wire log: read_committed fetches, the transactional id, and offsets inside each transaction.
import { checkCommitsAt, checkTransactionalWrites } from '../_kit/checks.ts';
import { defineGrader, type GraderContext, type WireEvent } from '../_kit/grader.ts';
import { accountIds, createRng, uniqueIds } from '../_kit/rng.ts';
import { allOf, allRecords, checkFaultHit, checkLogIntact, checkMatchesTruth, committedRecords, recordId, type ExpectedRecord } from '../_kit/truth.ts';
import { checkFetchIsolation, checkGroupMember, checkTransactionalIds, checkTransactionsCarryOffsets, wireComplete } from '../_kit/wire-checks.ts';
import { fail, pass } from '../_kit/checks.ts';

const INPUT = 'orders';
const OUTPUT = 'orders-enriched';
const GROUP = 'orders-enricher';
const TXN = 'orders-enricher';
const PARTITIONS = 2;
const KILL_AFTER_OUTPUT = 6;

interface Order {
  id: string;
  account: string;
  amountCents: number;
}

interface Input {
  wave1: Order[][];
  wave2: Order[][];
  /** Orders written in aborted transactions (never happened). */
  aborted: Order[];
}

/** The grader's input for a seed: batches of committed orders with aborted ones between them. */
export function inputFor(seed: number): Input {
  const rng = createRng(seed ^ 0xe05);
  const accounts = accountIds(rng, 5, PARTITIONS);
  const ids = uniqueIds(rng, 44, 'order');
  // The first orders cover every partition, so none of them goes untested.
  const orders = ids.map((id, i) => ({ id, account: i < PARTITIONS ? accounts[i] : rng.pick(accounts), amountCents: rng.int(100, 99_999) }));
  return {
    wave1: [orders.slice(0, 12), orders.slice(16, 28)],
    wave2: [orders.slice(32, 40)],
    aborted: [...orders.slice(12, 16), ...orders.slice(28, 32), ...orders.slice(40, 44)],
  };
}

export const enriched = (o: Order) => ({ ...o, status: 'enriched' });

const committedOrders = (i: Input) => [...i.wave1.flat(), ...i.wave2.flat()];
const expected = (ctx: GraderContext): ExpectedRecord[] => committedOrders(inputFor(ctx.seed)).map((o) => ({ id: o.id, key: o.account, value: enriched(o) }));
const records = (orders: Order[]) => orders.map((o) => ({ key: o.account, value: JSON.stringify(o) }));
const outputRecords = (e: WireEvent) => (e.type === 'produce' ? e.partitions.filter((p) => p.topic === OUTPUT).reduce((n, p) => n + p.records.length, 0) : 0);
const acked = (e: WireEvent) => e.type === 'produce' && e.response?.errorCode === 0;

/** Committed-offset range per partition: right after the last committed input record, up to the end of the log (a trailing marker). */
async function expectedPositions(ctx: GraderContext): Promise<Map<number, { min: number; max: number }>> {
  const log = await ctx.readLog(INPUT);
  const visible = committedRecords(log);
  const out = new Map<number, { min: number; max: number }>();
  for (const p of log.partitions) {
    const last = visible.filter((r) => r.partition === p.partition).at(-1);
    out.set(p.partition, { min: last ? Number(last.offset) + 1 : 0, max: p.highWatermark });
  }
  return out;
}

export default defineGrader({
  topics: [{ name: INPUT, partitions: PARTITIONS }, { name: OUTPUT, partitions: PARTITIONS }],
  env: { INPUT_TOPIC: INPUT, OUTPUT_TOPIC: OUTPUT, GROUP_ID: GROUP, TRANSACTIONAL_ID: TXN },
  groups: [GROUP],

  async setup(ctx) {
    const input = inputFor(ctx.seed);
    await ctx.produce(INPUT, records(input.wave1[0]), { transaction: 'commit' });
    await ctx.produce(INPUT, records(input.aborted.slice(0, 4)), { transaction: 'abort' });
    await ctx.produce(INPUT, records(input.wave1[1]), { transaction: 'commit' });
    await ctx.produce(INPUT, records(input.aborted.slice(4, 8)), { transaction: 'abort' });
  },

  async scenario(ctx) {
    const input = inputFor(ctx.seed);
    const [first] = await ctx.program.start();
    // 1. Kill as the broker acknowledges output, once some output exists: work is in flight.
    ctx.shared.kill = await ctx.faults.arm({
      kind: 'kill',
      describe: 'killed as the broker acknowledged output records (the program had not heard back)',
      instances: [first],
      when: (e, events) => acked(e) && outputRecords(e) > 0 && events.filter(acked).reduce((n, x) => n + outputRecords(x), 0) >= KILL_AFTER_OUTPUT,
      timeoutMs: 15_000,
    });
    await ctx.program.stop();

    // 2. A replacement with the same transactional id; freeze it inside an open transaction.
    const [zombie] = await ctx.program.start({ transactionalIdOf: first });
    ctx.shared.pause = await ctx.faults.arm({
      kind: 'pause',
      describe: 'frozen (SIGSTOP) while its transaction with output records was open',
      instances: [zombie],
      when: (e) => e.type === 'produce' && e.transactionalId !== null && e.response?.errorCode === 0 && outputRecords(e) > 0,
      timeoutMs: 20_000,
    });
    if (!ctx.shared.pause) return;

    // 3. A second replacement with the same id: it must fence the zombie and take over.
    const [fresh] = await ctx.program.start({ transactionalIdOf: first });
    const committedBy = (i: number) => ctx.wire.events().some((e) => e.instance === i && e.type === 'end-txn' && e.committed && e.response?.errorCode === 0);
    ctx.shared.takeover = await ctx.waitFor('the replacement instance to commit a transaction', () => committedBy(fresh) || ctx.program.running().length === 0, { timeoutMs: 30_000, intervalMs: 100 }) && committedBy(fresh);
    await ctx.produce(INPUT, records(input.wave2[0]), { transaction: 'commit' });
    await ctx.produce(INPUT, records(input.aborted.slice(8)), { transaction: 'abort' });
    await ctx.program.resume(zombie);

    const want = await expectedPositions(ctx);
    await ctx.waitFor('committed offsets to reach the end of the input', async () => {
      if (ctx.program.running().length === 0) return true;
      const committed = await ctx.committedOffsets(GROUP, INPUT);
      return [...want].every(([p, { min }]) => (committed.find((c) => c.partition === p)?.offset ?? -1) >= min);
    }, { timeoutMs: 20_000, intervalMs: 100 });
    // Let the thawed zombie try its late writes before the program is stopped.
    await ctx.sleep(500);
    await ctx.program.stop();
  },

  checks: [
    {
      name: 'Orders from aborted upstream transactions never reach the output',
      taskId: 'read-committed-input',
      run: async (ctx) => {
        const aborted = new Map(inputFor(ctx.seed).aborted.map((o) => [o.id, o]));
        const leaked = committedRecords(await ctx.readLog(OUTPUT)).filter((r) => aborted.has(recordId(r) ?? ''));
        const outcome = leaked.length
          ? fail('Orders that an upstream transaction aborted (they never happened) reached the output.', leaked.map((r) => ({ topic: r.topic, partition: r.partition, offset: r.offset, key: r.key, expected: 'no trace of aborted input', actual: `id ${recordId(r)}`, note: 'this order was written in an aborted transaction on the input' })))
          : pass(`${aborted.size} aborted input orders stayed invisible.`);
        return allOf(outcome, checkFetchIsolation(ctx.wire.events(), INPUT, 'read_committed'));
      },
    },
    {
      name: 'Every output record was written inside a transaction of TRANSACTIONAL_ID',
      taskId: 'transactional-output',
      run: async (ctx) => {
        const instances = new Set(ctx.wire.events().map((e) => e.instance));
        const expectedIds = new Map([...instances].map((i) => [i, `${TXN}-1`] as const));
        return allOf(checkTransactionalWrites(allRecords(await ctx.readLog(OUTPUT))), checkTransactionalIds(ctx.wire.events(), expectedIds));
      },
    },
    {
      name: 'Read with read_committed, the output holds every input order exactly once, enriched, despite the crash and the zombie',
      taskId: 'exactly-once-output',
      run: async (ctx) => {
        const out = await ctx.readLog(OUTPUT);
        return allOf(
          checkMatchesTruth(expected(ctx), out, { what: 'orders' }),
          checkLogIntact(out),
          checkLogIntact(await ctx.readLog(INPUT)),
          checkFaultHit(ctx.shared.kill, 'The kill with output in flight', `the program never had ${KILL_AFTER_OUTPUT} output records acknowledged within 15 s`, OUTPUT),
          checkFaultHit(ctx.shared.pause, 'The zombie (an instance frozen inside an open transaction)', 'the restarted program wrote no transactional output within 20 s', OUTPUT),
          ctx.shared.pause && !ctx.shared.takeover
            ? fail('The second replacement never committed a transaction within 30 s of starting, so it did not take over from the frozen instance. Use a short session timeout (a few seconds) so the group drops a frozen member quickly.', [{ note: 'no committed EndTxn from the replacement' }])
            : pass('The replacement took over from the zombie.'),
        );
      },
    },
    {
      name: 'Each transaction that wrote output also carried the group offsets, and no offsets were committed outside a transaction',
      taskId: 'offsets-in-transaction',
      run: async (ctx) => wireComplete(ctx.wire.events(), ctx.wire.overflowed()) ?? allOf(checkTransactionsCarryOffsets(ctx.wire.events(), GROUP, OUTPUT), checkGroupMember(ctx.wire.events(), GROUP, INPUT, PARTITIONS)),
    },
    {
      name: "The group's committed offsets sit right after the last input record of every partition",
      taskId: 'offsets-in-transaction',
      run: async (ctx) => checkCommitsAt(await ctx.committedOffsets(GROUP, INPUT), await expectedPositions(ctx), INPUT),
    },
  ],
});
