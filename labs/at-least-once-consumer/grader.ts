// Grader for the at-least-once lab: seeds payments (one of them slow to process), kills the program
// with SIGKILL while it is busy with the slow one, snapshots committed offsets against the results
// written so far, restarts it and waits for the group to reach the end of the input.
import { checkCommitsAt, checkCommitsNotAhead, checkNoLossNoDuplicates, idOf } from '../_kit/checks.ts';
import { defineGrader, type CommittedOffset, type GraderContext } from '../_kit/grader.ts';
import { paymentEvents } from '../_kit/rng.ts';

const INPUT = 'payments';
const OUTPUT = 'payments-processed';
const GROUP = 'payments-processor';
const PARTITIONS = 3;
const COUNT = 45;
/** Index of the record that takes long to process; the kill lands while it is in progress. */
const SLOW_INDEX = 24;
const SLOW_MS = 1200;

interface KillSnapshot {
  committed: CommittedOffset[];
  processedIds: string[];
}

const sum = (m: Map<number, number>) => [...m.values()].reduce((a, b) => a + b, 0);
const input = (ctx: GraderContext) => ctx.readTopic(INPUT, { isolation: 'read_uncommitted' });

export default defineGrader({
  topics: [{ name: INPUT, partitions: PARTITIONS }, { name: OUTPUT, partitions: PARTITIONS }],
  env: { INPUT_TOPIC: INPUT, OUTPUT_TOPIC: OUTPUT, GROUP_ID: GROUP },

  async setup(ctx) {
    const events = paymentEvents(ctx.rng, COUNT, 6);
    await ctx.produce(INPUT, events.map((e, i) => ({
      key: e.account,
      value: JSON.stringify({ id: e.id, account: e.account, amountCents: e.amountCents, workMs: i === SLOW_INDEX ? SLOW_MS : 5 }),
    })));
  },

  async scenario(ctx) {
    await ctx.program.start();
    // Wait until results stop growing for a while: the program is inside the slow record's work.
    let last = -1;
    let since = Date.now();
    await ctx.waitFor('the program to be busy with the slow record', async () => {
      if (ctx.program.running().length === 0) return true;
      const n = sum(await ctx.endOffsets(OUTPUT));
      if (n >= COUNT) return true;
      if (n !== last) {
        last = n;
        since = Date.now();
        return false;
      }
      return n > 0 && Date.now() - since >= 600;
    }, { timeoutMs: 12_000, intervalMs: 40 });
    await ctx.program.kill();
    const out = await ctx.readTopic(OUTPUT, { isolation: 'read_uncommitted' });
    const snapshot: KillSnapshot = {
      committed: await ctx.committedOffsets(GROUP, INPUT),
      processedIds: out.map(idOf).filter((id): id is string => id !== null),
    };
    ctx.shared.kill = snapshot;

    await ctx.program.start();
    const end = await ctx.endOffsets(INPUT);
    await ctx.waitFor('committed offsets to reach the end of the input', async () => {
      if (ctx.program.running().length === 0) return true;
      const committed = await ctx.committedOffsets(GROUP, INPUT);
      return [...end].every(([p, high]) => committed.find((c) => c.partition === p)?.offset === high);
    }, { timeoutMs: 20_000, intervalMs: 100 });
    await ctx.program.stop();
  },

  checks: [
    {
      name: 'Every input record has a result on the output topic: nothing was lost across the crash',
      taskId: 'process-every-record',
      run: async (ctx) => {
        const expected = (await input(ctx)).map((r) => ({ id: idOf(r) ?? '', key: r.key, topic: r.topic, partition: r.partition, offset: r.offset }));
        return checkNoLossNoDuplicates(expected, await ctx.readTopic(OUTPUT, { isolation: 'read_uncommitted' }), { outputTopic: OUTPUT, allowDuplicates: true });
      },
    },
    {
      name: 'When the program was killed, no committed offset was ahead of the records it had finished processing',
      taskId: 'commit-after-processing',
      run: async (ctx) => {
        const snap = ctx.shared.kill as KillSnapshot;
        return checkCommitsNotAhead(snap.committed, await input(ctx), new Set(snap.processedIds));
      },
    },
    {
      name: "After the restart, the group's committed offsets reach the end of every input partition",
      taskId: 'commit-progress',
      run: async (ctx) => checkCommitsAt(await ctx.committedOffsets(GROUP, INPUT), await ctx.endOffsets(INPUT), INPUT),
    },
  ],
});
