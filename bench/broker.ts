// `npm run bench:broker`: how long a fresh broker takes from process start to ready (internal topics
// pre-warmed), with and without the start-up optimisations, its memory, and how long a lab run waits
// in acquire() when the warm pool has a broker. Runs one broker at a time. Usage: [--runs N]
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../server/config.ts';
import { prepareKafka, startBroker } from '../server/kafka/broker.ts';
import { createKafkaRuntime } from '../server/kafka/runtime.ts';
import { REPO_ROOT } from '../server/kafka/version.ts';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
const runsArg = process.argv.indexOf('--runs');
const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 5;
const brokersDir = mkdtempSync(join(tmpdir(), 'lz-bench-brokers-'));

function rssMiB(pid: number): number {
  const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  return Math.round(kb / 1024);
}

function summary(xs: number[]): string {
  const s = [...xs].sort((a, b) => a - b);
  const median = s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  return `min ${s[0]} ms, median ${Math.round(median)} ms, max ${s[s.length - 1]} ms`;
}

async function coldStarts(optimised: boolean): Promise<void> {
  const total: number[] = [];
  const jvm: number[] = [];
  const rss: number[] = [];
  const phases: string[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const b = await startBroker({ optimised, brokersDir });
    total.push(Math.round(performance.now() - t0));
    jvm.push(b.readyMs);
    rss.push(rssMiB(b.pid));
    cpu.push(b.startup.cpuMs);
    const p = b.startup;
    phases.push(`port ${p.portOpen} / metadata ${p.metadata} / __consumer_offsets ${p.groupCoordinator} / __transaction_state ${p.transactionCoordinator}`);
    await b.stop();
  }
  const label = optimised
    ? 'optimised (template dir, AppCDS, SerialGC, C1 only, 128-384 MiB heap)'
    : 'stock     (format per broker, no AppCDS, G1, 1 GiB heap)';
  console.log(`${label}`);
  console.log(`  start() to ready, incl. ${optimised ? 'template copy' : 'storage format'}: ${summary(total)}`);
  console.log(`  JVM spawn to ready:                      ${summary(jvm)}`);
  console.log(`  JVM CPU time until ready (load-independent): ${summary(cpu)}`);
  console.log(`  phases (ms since spawn), median run: ${phases[[...total.keys()].sort((a, b) => total[a] - total[b])[Math.floor(runs / 2)]]}`);
  console.log(`  RSS when ready: ${rss.map((r) => `${r} MiB`).join(', ')}`);
}

async function acquireTimes(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'lz-bench-data-'));
  const kafka = createKafkaRuntime(loadConfig({ DATA_DIR: dataDir, KAFKA_POOL_SIZE: '1' }, REPO_ROOT));
  const waited: number[] = [];
  try {
    for (let i = 0; i < Math.min(runs, 3); i++) {
      while (kafka.status().warmBrokers < 1) await new Promise((r) => setTimeout(r, 50));
      const t0 = performance.now();
      const lease = await kafka.acquire();
      waited.push(Math.round((performance.now() - t0) * 100) / 100);
      await lease.release();
    }
  } finally {
    await kafka.shutdown();
    rmSync(dataDir, { recursive: true, force: true });
  }
  console.log(`warm-pool acquire() with a warm broker waiting: ${waited.map((w) => `${w} ms`).join(', ')}`);
}

const install = await prepareKafka();
console.log(`Apache Kafka ${install.version}, Java ${install.javaVersion}, ${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
console.log(`${runs} cold starts per variant, one broker at a time; "ready" = port open, metadata answered, __consumer_offsets and __transaction_state created\n`);
try {
  await coldStarts(true);
  await coldStarts(false);
  await acquireTimes();
} finally {
  rmSync(brokersDir, { recursive: true, force: true });
}
console.log(`\nload average at the end: ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
