// Grader for the keyed-producer lab: runs the learner's producer, makes the broker's responses to
// two of its Produce requests go missing (the records are written, the connection breaks) so the
// producer must reconnect and resend, then checks keys, partitions, per-account order,
// exactly-once and producer ids.
import { checkIdempotentWrites, checkKeyPartitioning, checkNoLossNoDuplicates, checkPerKeyOrder, jsonValue } from '../_kit/checks.ts';
import { defineGrader, type GraderContext, type ObservedRecord } from '../_kit/grader.ts';
import { createRng, paymentEvents } from '../_kit/rng.ts';

const TOPIC = 'account-events';
const PARTITIONS = 3;
const COUNT = 40;
const ACCOUNTS = 6;
/**
 * Produce requests (counted per instance, resends included) whose responses are lost: about a
 * third and two thirds into the stream. A producer that sends one event per request loses the
 * responses for events 14 and 27, so the evidence is the same on every run.
 */
const LOST_RESPONSES = [Math.ceil(COUNT / 3), Math.ceil((2 * COUNT) / 3)];

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

export default defineGrader({
  topics: [{ name: TOPIC, partitions: PARTITIONS }],
  env: { OUTPUT_TOPIC: TOPIC, MESSAGE_COUNT: String(COUNT), ACCOUNT_COUNT: String(ACCOUNTS), SEND_INTERVAL_MS: '15' },

  async scenario(ctx) {
    await ctx.program.start();
    // Mid-stream, the broker writes a batch but the producer never hears back: it sees a broken
    // connection and has to resend without knowing whether the first attempt landed.
    for (const atRequest of LOST_RESPONSES) {
      if (ctx.program.running().length === 0) break;
      const lost = await ctx.faults.loseProduceResponse({ atRequest, timeoutMs: 15_000 });
      if (lost === 0) {
        ctx.note(`The program sent fewer than ${atRequest} produce requests before it ${ctx.program.running().length === 0 ? 'exited' : 'stalled for 15 s'}, so no response to request ${atRequest} was lost.`);
        break;
      }
    }
    const exited = await ctx.program.waitForExit(20_000);
    if (!exited) ctx.note('The program was still running 20 s after the lost responses; it was stopped.');
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
      name: 'Every event is published exactly once, even when a response is lost and the batch is resent',
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
