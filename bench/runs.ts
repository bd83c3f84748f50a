// Run → verdict latency for the keyed-producer lab with its reference solution, through the grading
// service (queue, Kafka runtime, sandbox, grader), as a learner experiences it: from submit to the
// final results. Prints p50/p95 for sequential runs and 4 concurrent submissions with a warm pool,
// sequential runs with no pool, the phase breakdown, and how many runs did not pass.
//   RUNS=20 (sequential, warm)  CONCURRENT=4  NOPOOL_RUNS=5  POOL_SIZE=1  GRADING_CONCURRENCY=2 (concurrent phase)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadLabRegistry } from '../labs/_kit/registry.ts';
import { loadConfig } from '../server/config.ts';
import { openDb } from '../server/db/index.ts';
import { createGradingService } from '../server/grading/service.ts';
import type { RunResults } from '../labs/_kit/results.ts';
import { createKafkaRuntime } from '../server/kafka/runtime.ts';

const RUNS = Number(process.env.RUNS ?? 20);
const CONCURRENT = Number(process.env.CONCURRENT ?? 4);
const NOPOOL_RUNS = Number(process.env.NOPOOL_RUNS ?? 5);
const POOL_SIZE = Number(process.env.POOL_SIZE ?? 1);
const LAB = 'keyed-producer';
const labs = loadLabRegistry();
const code = labs.get(LAB)!.solutions.typescript!;

interface Sample {
  ms: number;
  results: RunResults | null;
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] : NaN;
};
const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function phase(name: string, poolSize: number, concurrency: number, runs: number, parallel: boolean): Promise<Sample[]> {
  const dir = mkdtempSync(join(tmpdir(), 'lz-bench-runs-'));
  const config = { ...loadConfig(), dataDir: dir, kafkaPoolSize: poolSize };
  const db = openDb(dir);
  const kafka = createKafkaRuntime(config);
  const grading = createGradingService({ db, kafka, labs, concurrency });
  const samples: Sample[] = [];
  try {
    if (poolSize > 0) {
      // Let the warm pool fill before timing, as on a server that has been up for a while.
      const t = Date.now();
      while (kafka.status().warmBrokers < poolSize && Date.now() - t < 120_000) await new Promise((r) => setTimeout(r, 200));
    }
    const one = async (): Promise<Sample> => {
      const t0 = Date.now();
      const sub = await grading.submit({ labSlug: LAB, code, userId: null, clientKey: 'bench' });
      if (!sub.ok) throw new Error(sub.message);
      await new Promise<void>((resolve) => {
        const s = grading.subscribe(sub.runId, (e) => e.type === 'done' && resolve());
        if (s?.history.some((e) => e.type === 'done')) resolve();
      });
      return { ms: Date.now() - t0, results: grading.getRun(sub.runId)?.results ?? null };
    };
    if (parallel) samples.push(...(await Promise.all(Array.from({ length: runs }, one))));
    else {
      for (let i = 0; i < runs; i++) {
        // Between sequential runs, wait for the pool to refill (a learner does not resubmit instantly).
        const t = Date.now();
        while (poolSize > 0 && kafka.status().warmBrokers < poolSize && Date.now() - t < 60_000) await new Promise((r) => setTimeout(r, 100));
        samples.push(await one());
        process.stderr.write(`${name}: run ${i + 1}/${runs} ${fmt(samples.at(-1)!.ms)} ${samples.at(-1)!.results?.status}\n`);
      }
    }
  } finally {
    await grading.close();
    await kafka.shutdown();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
  report(name, samples);
  return samples;
}

function report(name: string, samples: Sample[]) {
  const ms = samples.map((s) => s.ms);
  const failed = samples.filter((s) => s.results?.status !== 'pass');
  const avg = (k: keyof RunResults['timings']) => Math.round(samples.reduce((a, s) => a + (s.results?.timings[k] ?? 0), 0) / Math.max(1, samples.length));
  const restarts = samples.flatMap((s) => s.results?.faults.filter((f) => f.kind === 'broker-restart').map((f) => f.durationMs ?? 0) ?? []);
  const restartAvg = Math.round(restarts.reduce((a, b) => a + b, 0) / Math.max(1, restarts.length));
  const lost = samples.reduce((a, s) => a + (s.results?.faults.filter((f) => f.kind === 'response-lost').length ?? 0), 0);
  console.log(`${name.padEnd(34)} n=${String(samples.length).padStart(2)}  p50 ${fmt(pct(ms, 50))}  p95 ${fmt(pct(ms, 95))}  failed ${failed.length}` +
    `  [avg ms: compile ${avg('compileMs')}, queued ${avg('queuedMs')}, broker lease ${avg('leaseMs')}, topics ${avg('topicsMs')}, seed ${avg('seedMs')}, scenario ${avg('scenarioMs')} (broker restarts ${restarts.length}, avg ${restartAvg}; lost produce responses ${lost}), checks ${avg('checksMs')}]`);
  for (const f of failed) console.log(`  failed run: ${f.results?.status} ${f.results?.kind} ${f.results?.message ?? f.results?.tests.find((t) => t.status !== 'pass')?.message?.split('\n')[0]}`);
}

console.log(`Run → verdict, lab ${LAB}, reference solution (the grader loses the broker's responses to two produce requests per run)`);
const all: Sample[] = [];
all.push(...(await phase(`sequential, warm pool (${POOL_SIZE})`, POOL_SIZE, 1, RUNS, false)));
if (CONCURRENT > 0) all.push(...(await phase(`${CONCURRENT} concurrent, warm pool (${POOL_SIZE + 1})`, POOL_SIZE + 1, Number(process.env.GRADING_CONCURRENCY ?? 2), CONCURRENT, true)));
if (NOPOOL_RUNS > 0) all.push(...(await phase('sequential, no pool', 0, 1, NOPOOL_RUNS, false)));
console.log(`failed runs overall: ${all.filter((s) => s.results?.status !== 'pass').length} of ${all.length}`);
