// Local mode (LAB_SANDBOX=local on a loopback HOST) against a real broker, through the real grading
// pipeline: the keyed-producer lab's reference solutions pass and its starter and a not-idempotent
// program fail, so the relay is still in the path and its lost-response fault still fires; a probe
// program shows what a local run sees (a scrubbed environment, its own temp dir as cwd, HOME and
// TMPDIR, broker addresses pointing at the relay, admin mutations refused) and that its process
// group and directory are gone afterwards. This machine has bubblewrap: local mode is forced.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLabRegistry } from '../../labs/_kit/registry.ts';
import type { Language, RunResults } from '../../labs/_kit/results.ts';
import { loadConfig } from '../config.ts';
import { gradeSubmission } from '../grading/pipeline.ts';
import { startBroker, type LocalBroker } from '../kafka/broker.ts';
import { createKafkaRuntime } from '../kafka/runtime.ts';
import { bundleLearnerCode, configureSandbox, currentSandboxMode, sandboxSupport, startSandboxedProgram, stopJavaCompiler, sweepLocalLeftovers } from './index.ts';
import { javaToolchain } from '../toolchains/java.ts';
import { pythonToolchain } from '../toolchains/python.ts';

const labs = loadLabRegistry();
const lab = labs.get('keyed-producer')!;
const kafka = createKafkaRuntime({ ...loadConfig(), kafkaPoolSize: 1 });
let broker: LocalBroker;

beforeAll(async () => {
  configureSandbox({ labSandbox: 'local', host: '127.0.0.1' });
  // A server secret the program must not see: local runs never inherit the server's environment.
  process.env.LAGZERO_PROBE_SECRET = 'server-only';
  process.env.DATA_DIR = '/srv/lagzero-data';
  broker = await startBroker();
});
afterAll(async () => {
  delete process.env.LAGZERO_PROBE_SECRET;
  delete process.env.DATA_DIR;
  await stopJavaCompiler();
  await broker?.stop();
  await kafka.shutdown();
});

async function grade(code: string, language: Language, runId: string): Promise<RunResults> {
  return gradeSubmission(lab, await labs.grader(lab), code, { seed: 3, runId, language }, { kafka, launch: startSandboxedProgram, refusal: () => currentSandboxMode().refusal });
}
/** Whether `pid` is dead (gone, or a zombie its new parent has not reaped yet), waiting up to 2 s. */
async function dead(pid: number): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    let status = '';
    try {
      status = readFileSync(`/proc/${pid}/status`, 'utf8');
    } catch {
      return true;
    }
    if (/^State:\s+Z/m.test(status)) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return false;
}
const failures = (r: RunResults) => r.tests.filter((t) => t.status !== 'pass').map((t) => `${t.name}: ${t.message}`).join('\n');

it('runs in local mode and says so', () => {
  expect(currentSandboxMode().mode).toBe('local');
  expect(sandboxSupport()).toMatchObject({ ok: true, mode: 'local', warning: expect.stringMatching(/not isolated/) });
});

describe('grading in local mode', () => {
  it('passes the TypeScript reference solution, with the lost-response fault applied through the relay', async () => {
    const r = await grade(lab.solutions.typescript!, 'typescript', 'local-ts-solution');
    expect(r.status, `${r.message ?? ''}\n${failures(r)}`).toBe('pass');
    const lost = r.faults.filter((f) => f.kind === 'response-lost');
    console.log(`[local] typescript solution: ${r.status}, faults ${r.faults.map((f) => f.kind).join(', ')}, run ${r.timings.totalMs} ms`);
    expect(lost.length).toBeGreaterThan(0);
    expect(r.timeline?.length ?? 0).toBeGreaterThan(0);
  });

  it('fails the TypeScript starter', async () => {
    const r = await grade(lab.starters.typescript!, 'typescript', 'local-ts-starter');
    expect(r.status).toBe('fail');
    expect(r.kind).not.toBe('infrastructure-error');
  });

  it('fails a program that is not idempotent: the lost response makes it write a record twice', async () => {
    const fixture = lab.fixtures.find((f) => f.name === 'not-idempotent' && f.language === 'typescript')!;
    const r = await grade(readFileSync(fixture.file, 'utf8'), 'typescript', 'local-ts-not-idempotent');
    expect(r.status).toBe('fail');
    expect(r.faults.some((f) => f.kind === 'response-lost')).toBe(true);
    const failed = r.tests.filter((t) => t.status === 'fail').map((t) => t.task_id);
    expect(failed.some((id) => (fixture.meta.targets ?? []).includes(id)), failures(r)).toBe(true);
  });

  it.runIf(javaToolchain().ok)('passes the Java reference solution', async () => {
    const r = await grade(lab.solutions.java!, 'java', 'local-java-solution');
    expect(r.status, `${r.message ?? ''}\n${failures(r)}`).toBe('pass');
    expect(r.faults.some((f) => f.kind === 'response-lost')).toBe(true);
  });

  it.runIf(pythonToolchain().ok)('passes the Python reference solution', async () => {
    const r = await grade(lab.solutions.python!, 'python', 'local-python-solution');
    expect(r.status, `${r.message ?? ''}\n${failures(r)}`).toBe('pass');
    expect(r.faults.some((f) => f.kind === 'response-lost')).toBe(true);
  });
});

const PROBE = `
import { spawn } from 'node:child_process';
import { Kafka, logLevel } from 'kafkajs';
const child = spawn('sleep', ['300'], { stdio: 'ignore' });
child.unref();
const kafka = new Kafka({ clientId: 'probe', brokers: (process.env.KAFKA_BROKERS ?? '').split(','), logLevel: logLevel.NOTHING, retry: { retries: 0 } });
const admin = kafka.admin();
await admin.connect();
const cluster = await admin.describeCluster();
let deleted = 'accepted';
try { await admin.deleteTopics({ topics: ['probe-topic'], timeout: 2000 }); } catch (e) { deleted = 'refused: ' + (e as Error).message; }
await admin.disconnect();
console.log(JSON.stringify({ env: process.env, cwd: process.cwd(), brokers: cluster.brokers, deleted, sleeper: child.pid }));
`;

describe('what a local run sees', () => {
  it('a scrubbed environment, its own temp dir as cwd, HOME and TMPDIR, the relay as its only broker, and nothing left afterwards', async () => {
    const admin = new (await import('kafkajs')).Kafka({ brokers: [broker.bootstrap], logLevel: 0 }).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'probe-topic', numPartitions: 1 }], waitForLeaders: true });
    const bundle = await bundleLearnerCode(PROBE);
    if (!bundle.ok) throw new Error(bundle.error);
    const program = await startSandboxedProgram({
      js: bundle.js, env: { KAFKA_BROKERS: broker.bootstrap, INPUT_TOPIC: 'probe-topic' }, broker: { host: '127.0.0.1', port: broker.port }, limits: { wallMs: 30_000 }, label: 'probe',
    });
    const info = await program.exited;
    expect(info.reason, info.stderr).toBe('exited');
    const seen = JSON.parse(info.stdout.trim().split('\n').pop()!) as { env: Record<string, string>; cwd: string; brokers: { host: string; port: number }[]; deleted: string; sleeper: number };

    expect(Object.keys(seen.env).sort()).toEqual(['HOME', 'INPUT_TOPIC', 'KAFKA_BROKERS', 'LANG', 'PATH', 'TMPDIR']);
    expect(JSON.stringify(seen.env)).not.toContain('server-only');
    expect(seen.cwd.startsWith(join(tmpdir(), 'lagzero-local-'))).toBe(true);
    expect(seen.env.HOME).toBe(seen.cwd);
    expect(seen.env.TMPDIR).toBe(seen.cwd);

    // The program bootstrapped from the relay, and every broker address it learnt is the relay's.
    const relay = seen.env.KAFKA_BROKERS;
    expect(relay).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(relay).not.toBe(broker.bootstrap);
    expect(seen.brokers.map((b) => `${b.host}:${b.port}`)).toEqual([relay]);
    expect(seen.deleted).toMatch(/^refused/);
    expect(await admin.listTopics()).toContain('probe-topic');
    await admin.disconnect();

    // The whole process group is gone, the sleeping child with it, and so is the directory.
    expect(await dead(seen.sleeper)).toBe(true);
    expect(existsSync(seen.cwd)).toBe(false);
  });

  it('the wall clock kills the whole process group', async () => {
    const bundle = await bundleLearnerCode(`import { spawn } from 'node:child_process'; const c = spawn('sleep', ['300'], { stdio: 'ignore' }); console.log(c.pid); setInterval(() => {}, 1000);`);
    if (!bundle.ok) throw new Error(bundle.error);
    const program = await startSandboxedProgram({ js: bundle.js, env: {}, broker: { host: '127.0.0.1', port: broker.port }, limits: { wallMs: 1500 }, label: 'sleeper' });
    const info = await program.exited;
    expect(info.reason).toBe('wall-timeout');
    const pid = Number(info.stdout.trim());
    expect(pid).toBeGreaterThan(0);
    expect(await dead(pid)).toBe(true);
  });
});

describe('a server that dies', () => {
  it('takes its local programs with it, and the next start removes their directories', async () => {
    const here = dirname(fileURLToPath(import.meta.url));
    const scratch = mkdtempSync(join(tmpdir(), 'lz-local-orphan-'));
    const script = join(scratch, 'server.mts');
    // A stand-in server: starts one long-running local program, prints its pid, then waits.
    writeFileSync(script, [
      `import { bundleLearnerCode, configureSandbox, startSandboxedProgram, stopBundler } from ${JSON.stringify(join(here, 'index.ts'))};`,
      `configureSandbox({ labSandbox: 'local', host: '127.0.0.1' });`,
      "const b = await bundleLearnerCode(\"console.log('PID ' + process.pid + ' ' + process.cwd()); setInterval(() => {}, 1000);\");",
      'if (!b.ok) throw new Error(b.error);',
      'stopBundler();',
      "await startSandboxedProgram({ js: b.js, env: {}, broker: { host: '127.0.0.1', port: 9 }, limits: { wallMs: 600_000 }, onOutput: (_s, t) => process.stdout.write(t) });",
    ].join('\n'));
    const server = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let out = '';
        server.stdout!.on('data', (d) => {
          out += d;
          const m = /PID \d+ \S+/.exec(out);
          if (m) resolve(m[0]);
        });
        server.once('exit', () => reject(new Error(`the stand-in server exited: ${out}`)));
        setTimeout(() => reject(new Error(`no program started: ${out}`)), 30_000);
      });
      const [, pid, dir] = line.split(' ');
      server.kill('SIGKILL');
      await new Promise((r) => setTimeout(r, 1500));
      expect(await dead(Number(pid))).toBe(true);
      expect(existsSync(dir)).toBe(true);
      await new Promise((r) => server.exitCode !== null || server.signalCode !== null ? r(null) : server.once('exit', r));
      expect(await sweepLocalLeftovers()).toBeGreaterThanOrEqual(1);
      expect(existsSync(dir)).toBe(false);
    } finally {
      server.kill('SIGKILL');
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});
