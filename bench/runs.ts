// Run → verdict latency for one lab with its reference solutions, through the grading service
// (compile, queue, Kafka runtime, sandbox, grader), as a learner experiences it: from submit to the
// final results. Phases:
//   1. per language (default on): the same lab and scenario solved by each language's reference
//      solution, LANG_RUNS runs each, sequential with a warm pool, interleaved round-robin
//      (typescript, java, python, typescript, …) so the machine's noise hits every language alike;
//      TypeScript is the baseline measured in the same run. Prints p50/p95 per language, runs
//      passed, the compile/bundle time and its share, the delta and ratio against TypeScript at p50
//      and whether Java and Python stay within the 1 s budget (issue 10).
//   2. TypeScript only: sequential runs with a warm pool, CONCURRENT submissions at once with a
//      warm pool, sequential runs with no pool; the phase breakdown for each.
// Every run that does not pass is listed, and the exit status is 1 when there was one.
//   LAB=keyed-producer  LANGS=typescript,java,python  LANG_RUNS=8  LANG_WARMUP=1 (per language, not counted)
//   RUNS=10 (TypeScript sequential, warm)  CONCURRENT=4  NOPOOL_RUNS=3  POOL_SIZE=1  GRADING_CONCURRENCY=2 (concurrent phase)
//   Any count set to 0 skips its phase (LANG_RUNS=0 RUNS=20 CONCURRENT=4 NOPOOL_RUNS=5 is the bench before issue 10).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadLabRegistry } from '../labs/_kit/registry.ts';
import { LANGUAGES, type Language, type RunResults } from '../labs/_kit/results.ts';
import { loadConfig } from '../server/config.ts';
import { openDb } from '../server/db/index.ts';
import { createGradingService, type GradingService } from '../server/grading/service.ts';
import { createKafkaRuntime } from '../server/kafka/runtime.ts';
import type { KafkaRuntime } from '../server/kafka/types.ts';
import { stopJavaCompiler, toolchainSupport, warmJavaCompiler } from '../server/sandbox/index.ts';

const num = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const LANG_RUNS = num('LANG_RUNS', 8);
const LANG_WARMUP = num('LANG_WARMUP', 1);
const RUNS = num('RUNS', 10);
const CONCURRENT = num('CONCURRENT', 4);
const NOPOOL_RUNS = num('NOPOOL_RUNS', 3);
const POOL_SIZE = num('POOL_SIZE', 1);
/** Java and Python may each add at most this much over TypeScript at p50 (issue 10). */
const BUDGET_MS = 1000;
const LAB = process.env.LAB ?? 'keyed-producer';
const labs = loadLabRegistry();
const lab = labs.get(LAB);
if (!lab) throw new Error(`There is no lab "${LAB}"; LAB= takes one of ${labs.list().map((l) => l.slug).join(', ')}`);
const LANGS: Language[] = process.env.LANGS
  ? process.env.LANGS.split(',').map((l) => l.trim() as Language)
  : [...lab.languages];
for (const l of LANGS) {
  if (!LANGUAGES.includes(l)) throw new Error(`LANGS: "${l}" is not one of ${LANGUAGES.join(', ')}`);
  if (!lab.solutions[l]) throw new Error(`The lab ${LAB} has no ${l} reference solution`);
}
// TypeScript first: it is the baseline the others are compared with.
LANGS.sort((a, b) => LANGUAGES.indexOf(a) - LANGUAGES.indexOf(b));

interface Sample {
  language: Language;
  ms: number;
  results: RunResults | null;
  /** Set when the submission was refused (a compile error, say): no run at all. */
  refused?: string;
}

const passed = (s: Sample) => s.results?.status === 'pass';
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] : NaN;
};
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const signed = (ms: number) => `${Math.round(ms / 10) >= 0 ? '+' : '−'}${(Math.abs(ms) / 1000).toFixed(2)} s`;
const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** When the scenario saw the program's first Produce (runtime start-up, client start-up, metadata). */
const firstProduceMs = (r: RunResults | null) => r?.timeline.find((e) => e.kind === 'produce')?.atMs;

function describeFailure(s: Sample): string {
  if (s.refused) return `refused at submit: ${s.refused.split('\n')[0]}`;
  const r = s.results;
  if (!r) return 'no results recorded';
  return `${r.status} ${r.kind}: ${r.message ?? r.tests.find((t) => t.status !== 'pass')?.message?.split('\n')[0] ?? ''}`;
}

/** A grading service on its own database and Kafka runtime, as the server wires them. */
async function withService<T>(poolSize: number, concurrency: number, fn: (grading: GradingService, kafka: KafkaRuntime) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'lz-bench-runs-'));
  const config = { ...loadConfig(), dataDir: dir, kafkaPoolSize: poolSize };
  const db = openDb(dir);
  const kafka = createKafkaRuntime(config);
  const grading = createGradingService({ db, kafka, labs, concurrency });
  try {
    // Let the warm pool fill before timing, as on a server that has been up for a while.
    await poolRefilled(kafka, poolSize, 120_000);
    return await fn(grading, kafka);
  } finally {
    await grading.close();
    await kafka.shutdown();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function poolRefilled(kafka: KafkaRuntime, poolSize: number, timeoutMs = 60_000) {
  const t = Date.now();
  while (poolSize > 0 && kafka.status().warmBrokers < poolSize && Date.now() - t < timeoutMs) await sleep(100);
}

/** Submits one program and waits for its verdict; the time is submit (compile included) → results. */
async function submitOne(grading: GradingService, language: Language): Promise<Sample> {
  const t0 = Date.now();
  const sub = await grading.submit({ labSlug: LAB, code: lab!.solutions[language]!, language, userId: null, clientKey: 'bench' });
  if (!sub.ok) return { language, ms: Date.now() - t0, results: null, refused: `${sub.code}: ${sub.message}` };
  await new Promise<void>((resolve) => {
    const s = grading.subscribe(sub.runId, (e) => e.type === 'done' && resolve());
    if (s?.history.some((e) => e.type === 'done')) resolve();
  });
  return { language, ms: Date.now() - t0, results: grading.getRun(sub.runId)?.results ?? null };
}

// ---- Phase 1: per language, interleaved --------------------------------------------------------

async function languagePhase(): Promise<Sample[]> {
  const support = toolchainSupport();
  for (const l of LANGS) {
    const s = support.find((x) => x.language === l);
    if (s && !s.available) throw new Error(`${l} cannot run on this machine: ${s.problem ?? ''} ${s.fix ?? ''}`);
  }
  // The server starts the warm Java compiler (and finds its CDS archive) when it starts: so does the bench.
  if (LANGS.includes('java')) await warmJavaCompiler();
  const rounds: Sample[][] = [];
  const warmups: Sample[] = [];
  await withService(POOL_SIZE, 1, async (grading, kafka) => {
    const total = LANG_WARMUP + LANG_RUNS;
    for (let round = 0; round < total; round++) {
      const warm = round < LANG_WARMUP;
      const samples: Sample[] = [];
      for (const language of LANGS) {
        // Between runs, wait for the pool to refill (a learner does not resubmit instantly).
        await poolRefilled(kafka, POOL_SIZE);
        const s = await submitOne(grading, language);
        samples.push(s);
        const tag = warm ? `warm-up ${round + 1}/${LANG_WARMUP}` : `round ${round - LANG_WARMUP + 1}/${LANG_RUNS}`;
        process.stderr.write(`per language: ${tag} ${language.padEnd(10)} ${fmt(s.ms)} compile ${s.results?.timings.compileMs ?? '-'} ms ${passed(s) ? 'pass' : `NOT PASSED (${describeFailure(s)})`}\n`);
      }
      if (warm) warmups.push(...samples);
      else rounds.push(samples);
    }
  });
  reportLanguages(rounds, warmups);
  return rounds.flat();
}

function reportLanguages(rounds: Sample[][], warmups: Sample[]) {
  const of = (l: Language) => rounds.map((r) => r.find((s) => s.language === l)!);
  const base = LANGS[0];
  const baseMs = of(base).map((s) => s.ms);
  const baseP50 = pct(baseMs, 50);
  console.log(
    `\nPer language: lab ${LAB}, each language's reference solution, the same scenario; ${rounds.length} runs each, sequential, warm pool (${POOL_SIZE}), ` +
      `interleaved ${LANGS.join(' → ')} → …; ${cpus().length} cores, load ${load()}. Times are submit → verdict over every run, passed or not; ` +
      `compile = bundling (TypeScript), javac in the warm compiler (Java), the syntax check (Python).`,
  );
  const head = ['language', 'passed', 'p50', 'p95', 'compile p50 (share of p50)', 'scenario p50', '1st produce p50', 'vs ' + base + ' at p50', 'paired median'];
  const rows: string[][] = [head];
  const budget: string[] = [];
  for (const l of LANGS) {
    const ss = of(l);
    const ms = ss.map((s) => s.ms);
    const p50 = pct(ms, 50);
    const compile = pct(ss.map((s) => s.results?.timings.compileMs ?? 0), 50);
    const scenario = pct(ss.map((s) => s.results?.timings.scenarioMs ?? 0), 50);
    const first = ss.map((s) => firstProduceMs(s.results)).filter((x): x is number => x !== undefined);
    const ok = ss.filter(passed).length;
    // Pair by pair (same round, so the same moment of the machine's load): the median difference and ratio.
    const diffs = ss.map((s, i) => s.ms - baseMs[i]);
    const ratios = ss.map((s, i) => s.ms / baseMs[i]);
    const vs = l === base ? 'baseline' : `${signed(p50 - baseP50)} (${(p50 / baseP50).toFixed(2)}×)`;
    const paired = l === base ? '' : `${signed(median(diffs))} (${median(ratios).toFixed(2)}×)`;
    rows.push([l, `${ok}/${ss.length}`, fmt(p50), fmt(pct(ms, 95)), `${fmt(compile)} (${Math.round((100 * compile) / p50)}%)`, fmt(scenario), first.length ? fmt(pct(first, 50)) : '-', vs, paired]);
    if (l !== base) {
      const d = p50 - baseP50;
      const failures = ss.length - ok + (of(base).length - of(base).filter(passed).length);
      const verdict = failures > 0
        ? `NOT JUDGED: ${failures} of its or ${base}'s runs did not pass (a failed run can end early and flatter the figure)`
        : d <= BUDGET_MS ? `within the ${BUDGET_MS / 1000} s budget` : `OVER the ${BUDGET_MS / 1000} s budget by ${fmt(d - BUDGET_MS)}`;
      budget.push(`  ${l}: ${signed(d)} (${(p50 / baseP50).toFixed(2)}×) over ${base} at p50: ${verdict}`);
    }
  }
  const widths = head.map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const r of rows) console.log('  ' + r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd());
  console.log("  where it goes, p50 of each phase in ms (the results' totalMs stops at the verdict, which is published before the run's broker is released; the last figure is what is left between the two):");
  for (const l of LANGS) {
    const ss = of(l);
    const p = (k: keyof RunResults['timings']) => pct(ss.map((s) => s.results?.timings[k] ?? 0), 50);
    const wall = pct(ss.map((s) => s.results?.program.instances[0]?.wallMs ?? 0), 50);
    const first = ss.map((s) => firstProduceMs(s.results)).filter((x): x is number => x !== undefined);
    console.log(`    ${l.padEnd(10)} compile ${p('compileMs')}, queued ${p('queuedMs')}, lease ${p('leaseMs')}, topics ${p('topicsMs')}, seed ${p('seedMs')}, scenario ${p('scenarioMs')} (program wall ${wall}, first produce at ${first.length ? pct(first, 50) : '-'}), checks ${p('checksMs')}, results' totalMs ${p('totalMs')}, then until the verdict reached the submitter ${pct(ss.map((s) => s.ms - (s.results?.timings.totalMs ?? s.ms)), 50)}`);
  }
  if (warmups.length) console.log(`  warm-up, not counted: ${warmups.map((s) => `${s.language} ${fmt(s.ms)}${passed(s) ? '' : ' (NOT PASSED)'}`).join(', ')}`);
  console.log(`Budget: Java and Python each add at most ${BUDGET_MS / 1000} s over TypeScript at p50 (submit → verdict, this ${cpus().length}-core machine):`);
  for (const b of budget) console.log(b);
  for (const s of rounds.flat().filter((x) => !passed(x))) console.log(`  NOT PASSED: ${s.language} ${fmt(s.ms)} ${describeFailure(s)}`);
}

// ---- Phase 2: TypeScript only, sequential / concurrent / no pool -------------------------------

async function phase(name: string, poolSize: number, concurrency: number, runs: number, parallel: boolean): Promise<Sample[]> {
  const samples = await withService(poolSize, concurrency, async (grading, kafka) => {
    const out: Sample[] = [];
    if (parallel) out.push(...(await Promise.all(Array.from({ length: runs }, () => submitOne(grading, 'typescript')))));
    else {
      for (let i = 0; i < runs; i++) {
        await poolRefilled(kafka, poolSize);
        out.push(await submitOne(grading, 'typescript'));
        process.stderr.write(`${name}: run ${i + 1}/${runs} ${fmt(out.at(-1)!.ms)} ${out.at(-1)!.results?.status ?? 'refused'}\n`);
      }
    }
    return out;
  });
  report(name, samples);
  return samples;
}

function report(name: string, samples: Sample[]) {
  const ms = samples.map((s) => s.ms);
  const failed = samples.filter((s) => !passed(s));
  const avg = (k: keyof RunResults['timings']) => Math.round(samples.reduce((a, s) => a + (s.results?.timings[k] ?? 0), 0) / Math.max(1, samples.length));
  const restarts = samples.flatMap((s) => s.results?.faults.filter((f) => f.kind === 'broker-restart').map((f) => f.durationMs ?? 0) ?? []);
  const restartAvg = Math.round(restarts.reduce((a, b) => a + b, 0) / Math.max(1, restarts.length));
  const lost = samples.reduce((a, s) => a + (s.results?.faults.filter((f) => f.kind === 'response-lost').length ?? 0), 0);
  console.log(`${name.padEnd(34)} n=${String(samples.length).padStart(2)}  p50 ${fmt(pct(ms, 50))}  p95 ${fmt(pct(ms, 95))}  failed ${failed.length}` +
    `  [avg ms: compile ${avg('compileMs')}, queued ${avg('queuedMs')}, broker lease ${avg('leaseMs')}, topics ${avg('topicsMs')}, seed ${avg('seedMs')}, scenario ${avg('scenarioMs')} (broker restarts ${restarts.length}, avg ${restartAvg}; lost produce responses ${lost}), checks ${avg('checksMs')}]`);
  for (const f of failed) console.log(`  failed run: ${describeFailure(f)}`);
}

const all: Sample[] = [];
try {
  if (LANG_RUNS > 0) all.push(...(await languagePhase()));
  if (RUNS > 0 || CONCURRENT > 0 || NOPOOL_RUNS > 0) console.log(`\nTypeScript only, lab ${LAB}, reference solution (load ${load()}):`);
  if (RUNS > 0) all.push(...(await phase(`sequential, warm pool (${POOL_SIZE})`, POOL_SIZE, 1, RUNS, false)));
  if (CONCURRENT > 0) all.push(...(await phase(`${CONCURRENT} concurrent, warm pool (${POOL_SIZE + 1})`, POOL_SIZE + 1, num('GRADING_CONCURRENCY', 2), CONCURRENT, true)));
  if (NOPOOL_RUNS > 0) all.push(...(await phase('sequential, no pool', 0, 1, NOPOOL_RUNS, false)));
} finally {
  await stopJavaCompiler().catch(() => {});
}
const notPassed = all.filter((s) => !passed(s)).length;
console.log(`\nruns that did not pass, all phases: ${notPassed} of ${all.length}`);
if (notPassed > 0) process.exitCode = 1;
