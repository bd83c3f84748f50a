// Run results served to the lab page by a routed /api/runs/:id in browser tests: a results document
// written as a fixture (not a graded run), so the results view and timeline can be exercised
// without a Kafka broker.
import { emptyTimings, type FaultRecord, type RunResults, type TimelineEvent } from '../../labs/_kit/results.ts';

/** A faulted run's results: three partitions over ~40 s, commits, a rebalance, a kill and a restart. */
export function faultedResults(lab: string): RunResults {
  const timeline: TimelineEvent[] = [];
  timeline.push({ atMs: 400, kind: 'join', instance: 1, group: `${lab}-group`, detail: `instance 1 joined group ${lab}-group in generation 1` });
  for (let i = 0; i < 60; i++) {
    const partition = i % 3;
    const atMs = 600 + i * 600;
    timeline.push({ atMs, kind: 'fetch', instance: 1, topic: 'lz-input-orders', partition, firstOffset: String(i * 2), detail: `instance 1 fetched lz-input-orders partition ${partition} from offset ${i * 2} (read_committed)` });
    timeline.push({ atMs: atMs + 40, kind: 'produce', instance: 1, topic: 'lz-output-orders', partition, firstOffset: String(i * 4), lastOffset: String(i * 4 + 3), detail: `instance 1 wrote 4 record(s) to lz-output-orders partition ${partition} at offset ${i * 4}, keys k${i}` });
    if (i % 5 === 4) timeline.push({ atMs: atMs + 80, kind: 'commit', instance: 1, topic: 'lz-input-orders', partition, firstOffset: String(i * 2 + 2), group: `${lab}-group`, detail: `instance 1 committed offset ${i * 2 + 2} of lz-input-orders partition ${partition} for group ${lab}-group` });
  }
  timeline.push({ atMs: 18_000, kind: 'leave', instance: 1, group: `${lab}-group`, detail: `instance 1 left group ${lab}-group` });
  timeline.push({ atMs: 21_000, kind: 'join', instance: 2, group: `${lab}-group`, detail: `instance 2 joined group ${lab}-group in generation 2` });
  timeline.push({ atMs: 30_000, kind: 'refused', instance: 2, detail: 'instance 2: DeleteRecords is not allowed in this lab' });
  const faults: FaultRecord[] = [
    { kind: 'program-kill', atMs: 17_500, detail: 'killed instance 1 right after an acknowledged write', instance: 1 },
    { kind: 'program-restart', atMs: 20_000, detail: 'started instance 2 with the same group id', instance: 2 },
    { kind: 'response-lost', atMs: 26_000, detail: 'dropped the response to a Produce on lz-output-orders partition 1' },
  ];
  // The server puts faults on the timeline; the last one is left off to prove the page adds it from faults[].
  for (const f of faults.slice(0, 2)) timeline.push({ atMs: f.atMs, kind: 'fault', detail: `${f.kind}: ${f.detail}` });
  timeline.sort((a, b) => a.atMs - b.atMs);
  return {
    version: 3, status: 'fail', kind: 'checks-failed', lab, language: 'typescript', seed: 7, output: 'processing…\n', diagnostics: [],
    tests: [{ name: 'Every input record reaches the output exactly once', status: 'fail', message: 'Two records appear twice on lz-output-orders.', output: null, task_id: 'x', evidence: [{ topic: 'lz-output-orders', partition: 1, offset: '12', key: 'k3', expected: 'once', actual: 'twice' }] }],
    faults, program: { instances: [] }, timeline, notes: [],
    timings: emptyTimings(),
  };
}
