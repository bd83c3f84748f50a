// Grader for the exactly-once lab: seeds orders in committed transactions around an aborted one,
// kills the program with SIGKILL mid-batch (while one slow order is being enriched) and restarts it
// with the same transactional id, then checks read_committed output, transaction flags and how the
// group's offsets were committed (from __consumer_offsets).
import {
  checkAbortedInvisible, checkCommitsAt, checkCommitsTransactional, checkNoLossNoDuplicates, checkTransactionalWrites, idOf,
} from '../_kit/checks.ts';
import { defineGrader, type GraderContext } from '../_kit/grader.ts';
import { paymentEvents } from '../_kit/rng.ts';

const INPUT = 'orders';
const OUTPUT = 'orders-enriched';
const GROUP = 'orders-enricher';
const PARTITIONS = 2;
const COUNT = 30;
const ABORTED = 5;
/** Index of the order that is slow to enrich; the kill lands while it is in progress. */
const SLOW_INDEX = 22;
const SLOW_MS = 1200;

const sum = (m: Map<number, number>) => [...m.values()].reduce((a, b) => a + b, 0);
const committedInput = (ctx: GraderContext) => ctx.readTopic(INPUT, { isolation: 'read_committed' });
const allInput = (ctx: GraderContext) => ctx.readTopic(INPUT, { isolation: 'read_uncommitted' });
const output = (ctx: GraderContext) => ctx.readTopic(OUTPUT, { isolation: 'read_committed' });

/** Committed-offset range per partition: right after the last committed record, up to the end of the log (a trailing marker). */
async function expectedPositions(ctx: GraderContext): Promise<Map<number, { min: number; max: number }>> {
  const end = await ctx.endOffsets(INPUT);
  const visible = await committedInput(ctx);
  const out = new Map<number, { min: number; max: number }>();
  for (const [p, high] of end) {
    const last = visible.filter((r) => r.partition === p).at(-1);
    out.set(p, { min: last ? Number(last.offset) + 1 : 0, max: high });
  }
  return out;
}

export default defineGrader({
  topics: [{ name: INPUT, partitions: PARTITIONS }, { name: OUTPUT, partitions: PARTITIONS }],
  env: { INPUT_TOPIC: INPUT, OUTPUT_TOPIC: OUTPUT, GROUP_ID: GROUP, TRANSACTIONAL_ID: 'orders-enricher' },

  async setup(ctx) {
    const orders = paymentEvents(ctx.rng, COUNT, 5, 'order').map((e, i) => ({
      key: e.account,
      value: JSON.stringify({ id: e.id, account: e.account, amountCents: e.amountCents, workMs: i === SLOW_INDEX ? SLOW_MS : 5 }),
    }));
    const aborted = Array.from({ length: ABORTED }, (_, i) => ({
      key: `acct-0${(i % 5) + 1}`,
      value: JSON.stringify({ id: `order-aborted-${i + 1}`, account: `acct-0${(i % 5) + 1}`, amountCents: 100_000, workMs: 5 }),
    }));
    await ctx.produce(INPUT, orders.slice(0, COUNT / 2), { transaction: 'commit' });
    await ctx.produce(INPUT, aborted, { transaction: 'abort' });
    await ctx.produce(INPUT, orders.slice(COUNT / 2), { transaction: 'commit' });
  },

  async scenario(ctx) {
    await ctx.program.start();
    // Results (committed or not) stop growing while the slow order is being enriched: kill then.
    let last = -1;
    let since = Date.now();
    await ctx.waitFor('the program to be busy with the slow order', async () => {
      if (ctx.program.running().length === 0) return true;
      const n = sum(await ctx.endOffsets(OUTPUT));
      if (n !== last) {
        last = n;
        since = Date.now();
        return false;
      }
      return n > 0 && Date.now() - since >= 600;
    }, { timeoutMs: 12_000, intervalMs: 40 });
    // Same instance number, so the same TRANSACTIONAL_ID: the new producer fences the old one.
    await ctx.program.restart(1);
    const want = await expectedPositions(ctx);
    await ctx.waitFor('committed offsets to reach the end of the input', async () => {
      if (ctx.program.running().length === 0) return true;
      const committed = await ctx.committedOffsets(GROUP, INPUT);
      return [...want].every(([p, { min }]) => (committed.find((c) => c.partition === p)?.offset ?? -1) >= min);
    }, { timeoutMs: 15_000, intervalMs: 100 });
    await ctx.program.stop();
  },

  checks: [
    {
      name: 'Orders from the aborted upstream transaction never reach the output',
      taskId: 'read-committed-input',
      run: async (ctx) => {
        const visible = new Set((await committedInput(ctx)).map((r) => r.offset + '@' + r.partition));
        const aborted = (await allInput(ctx)).filter((r) => !visible.has(r.offset + '@' + r.partition));
        return checkAbortedInvisible(aborted, await ctx.readTopic(OUTPUT, { isolation: 'read_uncommitted' }));
      },
    },
    {
      name: 'Every output record was written inside a transaction',
      taskId: 'transactional-output',
      run: async (ctx) => checkTransactionalWrites(await ctx.readTopic(OUTPUT, { isolation: 'read_uncommitted' })),
    },
    {
      name: 'Read with read_committed, the output holds every input order exactly once despite the crash',
      taskId: 'exactly-once-output',
      run: async (ctx) => {
        const expected = (await committedInput(ctx)).map((r) => ({ id: idOf(r) ?? '', key: r.key, topic: r.topic, partition: r.partition, offset: r.offset }));
        return checkNoLossNoDuplicates(expected, await output(ctx), { outputTopic: OUTPUT });
      },
    },
    {
      name: 'The group offsets were committed only inside transactions (sendOffsets), never by a separate commit',
      taskId: 'offsets-in-transaction',
      run: async (ctx) => checkCommitsTransactional(await ctx.offsetCommitLog(GROUP), INPUT),
    },
    {
      name: "The group's committed offsets sit right after the last input record of every partition",
      taskId: 'offsets-in-transaction',
      run: async (ctx) => checkCommitsAt(await ctx.committedOffsets(GROUP, INPUT), await expectedPositions(ctx), INPUT),
    },
  ],
});
