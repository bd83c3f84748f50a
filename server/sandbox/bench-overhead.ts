// Prints the sandbox's per-run overhead on this machine: `npx tsx server/sandbox/bench-overhead.ts`.
// Compares a bare `node -e 0` with the same trivial program run through startSandboxedProgram, and
// times bundling a kafkajs program. Figures only, no pass/fail.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { bundleLearnerCode } from './bundle.ts';
import { startSandboxedProgram } from './run.ts';

const N = Number(process.argv[2] ?? 10);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(xs.length * 0.95) - 1)];

async function time(fn: () => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < N; i++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return out;
}

const echo = createServer((s) => s.pipe(s));
await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
const port = (echo.address() as { port: number }).port;

const bare = await time(() => new Promise((r) => spawn(process.execPath, ['-e', '0']).on('close', r)));
const tiny = await bundleLearnerCode('console.log(1);');
const withKafka = await bundleLearnerCode(`import { Kafka } from 'kafkajs';\nconsole.log(typeof Kafka);`);
if (!tiny.ok || !withKafka.ok) throw new Error('bundling failed');
const run = (js: string) => async () => {
  const p = await startSandboxedProgram({ js, env: {}, broker: { host: '127.0.0.1', port } });
  await p.exited;
};
const sandboxed = await time(run(tiny.js));
const sandboxedKafka = await time(run(withKafka.js));
const bundling = await time(() => bundleLearnerCode(`import { Kafka } from 'kafkajs';\nconsole.log(typeof Kafka);`));
echo.close();

const row = (label: string, xs: number[]) => console.log(`${label.padEnd(44)} p50 ${median(xs).toFixed(0).padStart(5)} ms   p95 ${p95(xs).toFixed(0).padStart(5)} ms`);
console.log(`sandbox overhead, ${N} runs each`);
row('bare node -e 0', bare);
row('sandboxed trivial program (start → exited)', sandboxed);
row('sandboxed program loading kafkajs', sandboxedKafka);
row('bundleLearnerCode (kafkajs program)', bundling);
console.log(`overhead per run (p50): ${(median(sandboxed) - median(bare)).toFixed(0)} ms`);
