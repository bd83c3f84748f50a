// Grader for the at-least-once lab. It seeds payments (ids and amounts from a seed the program never
// sees) and then injects two kills the program cannot time around, both armed on the wire:
//   1. mid-batch: the moment the broker acknowledges the 8th result, before the program hears back;
//   2. right after a commit: the moment the broker accepts a commit of the restarted instance.
// A third instance then gets a second wave of payments. Checks compare the output with the
// grader's expected results by id (key and value included), judge every commit on the wire
// against the acknowledgements before it, and require the group's offsets at the end.
import { checkCommitsAt } from '../_kit/checks.ts';
import { defineGrader, type GraderContext, type WireEvent } from '../_kit/grader.ts';
import { accountIds, createRng, uniqueIds } from '../_kit/rng.ts';
import { allOf, checkFaultHit, checkLogIntact, checkMatchesTruth, checkOnlyCommitted, recordId, allRecords, type ExpectedRecord } from '../_kit/truth.ts';
import { checkCommitsFollowResults, checkGroupMember, checkMemberCommits, wireComplete } from '../_kit/wire-checks.ts';

const INPUT = 'payments';
const OUTPUT = 'payments-processed';
const GROUP = 'payments-processor';
const PARTITIONS = 3;
const WAVE_1 = 36;
const WAVE_2 = 12;
/** The mid-batch kill lands when this many results have been acknowledged. */
const KILL_AT_RESULT = 8;

interface Payment {
  id: string;
  account: string;
  amountCents: number;
}

/** The grader's payments for a seed: both waves. */
export function paymentsFor(seed: number): Payment[] {
  const rng = createRng(seed ^ 0xa11ce);
  const accounts = accountIds(rng, 6, PARTITIONS);
  // The first payments cover every partition, so none of them goes untested.
  return uniqueIds(rng, WAVE_1 + WAVE_2, 'pay').map((id, i) => ({ id, account: i < PARTITIONS ? accounts[i] : rng.pick(accounts), amountCents: rng.int(100, 99_999) }));
}

/** The result the lab asks for: the payment plus its fee (2.9 % rounded down, plus 30 cents). */
export const resultOf = (p: Payment) => ({ ...p, feeCents: Math.floor((p.amountCents * 29) / 1000) + 30 });

const expected = (ctx: GraderContext): ExpectedRecord[] => paymentsFor(ctx.seed).map((p) => ({ id: p.id, key: p.account, value: resultOf(p) }));

const resultsAcked = (events: readonly WireEvent[]) =>
  events.filter((e) => e.type === 'produce' && e.response?.errorCode === 0).reduce((n, e) => n + (e.type === 'produce' ? e.partitions.filter((p) => p.topic === OUTPUT).reduce((m, p) => m + p.records.length, 0) : 0), 0);

async function seed(ctx: GraderContext, payments: Payment[]): Promise<void> {
  // A few produce calls, so the input has several batches per partition.
  for (let i = 0; i < payments.length; i += 12) {
    await ctx.produce(INPUT, payments.slice(i, i + 12).map((p) => ({ key: p.account, value: JSON.stringify(p) })));
  }
}

export default defineGrader({
  topics: [{ name: INPUT, partitions: PARTITIONS }, { name: OUTPUT, partitions: PARTITIONS }],
  env: { INPUT_TOPIC: INPUT, OUTPUT_TOPIC: OUTPUT, GROUP_ID: GROUP },
  groups: [GROUP],

  async setup(ctx) {
    await seed(ctx, paymentsFor(ctx.seed).slice(0, WAVE_1));
  },

  async scenario(ctx) {
    const [first] = await ctx.program.start();
    // Kill 1: as the broker acknowledges a result mid-stream, before the program hears back.
    ctx.shared.killMidBatch = await ctx.faults.arm({
      kind: 'kill',
      describe: `killed as the broker acknowledged result number ${KILL_AT_RESULT} (the program had not heard back)`,
      instances: [first],
      when: (e, events) => e.type === 'produce' && e.response?.errorCode === 0 && e.partitions.some((p) => p.topic === OUTPUT && p.records.length > 0) && resultsAcked(events) >= KILL_AT_RESULT,
      timeoutMs: 15_000,
    });
    await ctx.program.stop();

    // Kill 2: right after the broker accepted a commit of the restarted instance.
    const [second] = await ctx.program.start();
    ctx.shared.killAfterCommit = await ctx.faults.arm({
      kind: 'kill',
      describe: 'killed as the broker accepted its offset commit (the program had not heard back)',
      instances: [second],
      when: (e) => e.type === 'offset-commit' && e.groupId === GROUP && e.response?.errorCode === 0 && e.offsets.some((o) => o.topic === INPUT),
      timeoutMs: 15_000,
    });
    await ctx.program.stop();

    // A third instance, and a second wave that no program could have known in advance.
    await ctx.program.start();
    await seed(ctx, paymentsFor(ctx.seed).slice(WAVE_1));
    const end = await ctx.endOffsets(INPUT);
    await ctx.waitFor('committed offsets to reach the end of the input', async () => {
      if (ctx.program.running().length === 0) return true;
      const committed = await ctx.committedOffsets(GROUP, INPUT);
      // A partition with no records needs no commit.
      return [...end].every(([p, high]) => high === 0 || committed.find((c) => c.partition === p)?.offset === high);
    }, { timeoutMs: 20_000, intervalMs: 100 });
    await ctx.program.stop();
  },

  checks: [
    {
      name: 'Every input record has its correct result on the output topic: nothing was lost across the crashes',
      taskId: 'process-every-record',
      run: async (ctx) => {
        const out = await ctx.readLog(OUTPUT);
        return allOf(checkMatchesTruth(expected(ctx), out, { atLeastOnce: true, what: 'results' }), checkOnlyCommitted(out), checkLogIntact(out), checkLogIntact(await ctx.readLog(INPUT)));
      },
    },
    {
      name: 'Every committed offset came after the results of all records below it were acknowledged',
      taskId: 'commit-after-processing',
      run: async (ctx) => {
        const events = ctx.wire.events();
        const want = new Set(paymentsFor(ctx.seed).map((p) => p.id));
        const input = allRecords(await ctx.readLog(INPUT)).flatMap((r) => {
          const id = recordId(r);
          return id !== null && want.has(id) ? [{ partition: r.partition, offset: Number(r.offset), id }] : [];
        });
        return wireComplete(events, ctx.wire.overflowed()) ?? allOf(
          checkCommitsFollowResults(events, { group: GROUP, inputTopic: INPUT, outputTopic: OUTPUT, input }),
          checkMemberCommits(events, GROUP),
          checkFaultHit(ctx.shared.killMidBatch, 'The kill in the middle of a batch', `the program never had ${KILL_AT_RESULT} results acknowledged`, OUTPUT),
        );
      },
    },
    {
      name: "After the restarts, the group's committed offsets reach the end of every input partition",
      taskId: 'commit-progress',
      run: async (ctx) => allOf(
        checkCommitsAt(await ctx.committedOffsets(GROUP, INPUT), await ctx.endOffsets(INPUT), INPUT),
        checkGroupMember(ctx.wire.events(), GROUP, INPUT, PARTITIONS),
        checkFaultHit(ctx.shared.killAfterCommit, 'The kill right after a commit', 'the restarted program never committed an offset within 15 s', INPUT),
      ),
    },
  ],
});
