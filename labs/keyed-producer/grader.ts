// Grader for the keyed-producer lab: runs the learner's producer, restarts the broker while it is
// publishing, then checks keys, partitions, per-account order, exactly-once and producer ids.
import { checkIdempotentWrites, checkKeyPartitioning, checkNoLossNoDuplicates, checkPerKeyOrder, jsonValue } from '../_kit/checks.ts';
import { defineGrader, type GraderContext, type ObservedRecord } from '../_kit/grader.ts';
import { createRng, paymentEvents } from '../_kit/rng.ts';

const TOPIC = 'account-events';
const PARTITIONS = 3;
const COUNT = 40;
const ACCOUNTS = 6;

const events = (ctx: GraderContext) => paymentEvents(createRng(ctx.seed), COUNT, ACCOUNTS);
const output = (ctx: GraderContext) => ctx.readTopic(TOPIC, { isolation: 'read_uncommitted' });
const seqOf = (r: ObservedRecord) => {
  const s = jsonValue(r)?.seq;
  return typeof s === 'number' ? s : null;
};
const accountOf = (r: ObservedRecord) => {
  const a = jsonValue(r)?.account;
  return typeof a === 'string' ? a : null;
};
const total = async (ctx: GraderContext) => [...(await ctx.endOffsets(TOPIC)).values()].reduce((a, b) => a + b, 0);

export default defineGrader({
  topics: [{ name: TOPIC, partitions: PARTITIONS }],
  env: { OUTPUT_TOPIC: TOPIC, MESSAGE_COUNT: String(COUNT), ACCOUNT_COUNT: String(ACCOUNTS), SEND_INTERVAL_MS: '15' },

  async scenario(ctx) {
    await ctx.program.start();
    // Restart the broker once about a third of the events are on it, while the program is mid-stream.
    const midStream = await ctx.waitFor(`${Math.floor(COUNT / 3)} records on ${TOPIC}`, async () => ctx.program.running().length === 0 || (await total(ctx)) >= COUNT / 3, { timeoutMs: 15_000, intervalMs: 20 });
    // A program that already exited cannot be caught mid-stream; the checks will say what it left behind.
    if (midStream && ctx.program.running().length > 0) await ctx.broker.restart();
    else if (midStream) ctx.note('The program exited before a third of the events were on the broker, so the broker was not restarted.');
    else ctx.note('The program published too little to restart the broker mid-stream.');
    const exited = await ctx.program.waitForExit(20_000);
    if (!exited) ctx.note('The program was still running 20 s after the broker restart; it was stopped.');
  },

  checks: [
    {
      name: 'Every event is keyed by its account id and sits on the partition the default partitioner picks for that key',
      taskId: 'key-by-account',
      run: async (ctx) => checkKeyPartitioning(await output(ctx), PARTITIONS, accountOf),
    },
    {
      name: "Each account's events appear in the order they happened",
      taskId: 'keep-order',
      run: async (ctx) => checkPerKeyOrder(await output(ctx), seqOf, accountOf),
    },
    {
      name: 'Every event is published exactly once, even across the broker restart',
      taskId: 'exactly-once-per-event',
      run: async (ctx) => checkNoLossNoDuplicates(events(ctx).map((e) => ({ id: e.id, key: e.account })), await output(ctx), { outputTopic: TOPIC }),
    },
    {
      name: 'The producer is idempotent: the broker saw a producer id on every batch',
      taskId: 'idempotent-producer',
      run: async (ctx) => checkIdempotentWrites(await output(ctx)),
    },
  ],
});
