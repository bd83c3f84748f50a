// Python learner programs (confluent-kafka from the project venv) end to end against a real Kafka
// broker, run by startSandboxedProgram under the same limits, UID and relay as TypeScript: a
// producer's records are read back from the broker, syntax errors point at the right place, host
// files, other ports and commands are out of reach, a fork loop stops at the task limit.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, type LocalBroker } from '../kafka/broker.ts';
import type { Limits } from './limits.ts';
import { pidsOfUid } from './procs.ts';
import { checkPython } from './python-check.ts';
import { startSandboxedProgram, type ExitInfo } from './run.ts';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, '..', '..');
const fixture = (name: string) => readFileSync(join(here, 'fixtures', 'python', `${name}.py`), 'utf8');

let broker: LocalBroker;
let kafka: Kafka;
let admin: Admin;
let other: Server;
let otherPort: number;

beforeAll(async () => {
  other = createServer((_, res) => res.end('secret'));
  await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
  otherPort = (other.address() as { port: number }).port;
  broker = await startBroker();
  kafka = new Kafka({ clientId: 'python-suite', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
  admin = kafka.admin();
  await admin.connect();
});

afterAll(async () => {
  await admin?.disconnect();
  await broker?.stop();
  await new Promise<void>((r) => other.close(() => r()));
});

async function runPython(name: string, env: Record<string, string> = {}, limits: Partial<Limits> = {}): Promise<ExitInfo> {
  const source = fixture(name);
  expect(await checkPython(source)).toEqual({ ok: true });
  const program = await startSandboxedProgram({
    launch: { language: 'python', source },
    env: { KAFKA_BROKERS: broker.bootstrap, ...env },
    broker: { host: '127.0.0.1', port: broker.port },
    limits: { wallMs: 20_000, ...limits },
    label: `python ${name}`,
  });
  const info = await program.exited;
  expect(pidsOfUid(program.uid), `processes of ${name} survived`).toEqual([]);
  return info;
}

describe('checking Python', () => {
  it('reports a syntax error at its line and column', async () => {
    const result = await checkPython('import os\n\nx = [1, 2\nprint(x)\n');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.diagnostics[0]).toMatchObject({ file: 'main.py', line: 3, column: 5, message: "SyntaxError: '[' was never closed" });
    expect(result.error).toBe("main.py:3:5: SyntaxError: '[' was never closed\n    x = [1, 2\n        ^");
  });

  it('reports an indentation error and counts columns in UTF-16 units', async () => {
    const bad = await checkPython('def f():\nreturn 1\n');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.diagnostics[0]).toMatchObject({ line: 2, column: 1, message: expect.stringMatching(/^IndentationError: expected an indented block/) });
    const astral = await checkPython('s = "😀" +\n');
    expect(astral.ok).toBe(false);
    if (!astral.ok) expect(astral.diagnostics[0]).toMatchObject({ line: 1, column: 11 });
  });

  it('runs nothing while checking', async () => {
    expect(await checkPython('import os\nos._exit(3)\nraise SystemExit(4)\n')).toEqual({ ok: true });
  });
});

describe('running Python', () => {
  it('a confluent-kafka producer writes keyed records the broker holds, and exits 0', async () => {
    const topic = `python-produce-${randomBytes(3).toString('hex')}`;
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
    const info = await runPython('producer', { TOPIC: topic, COUNT: '50' });
    expect(info, info.stderr).toMatchObject({ reason: 'exited', code: 0, stdout: 'produced 50\n' });
    const consumer = kafka.consumer({ groupId: `check-${topic}` });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const seen = new Map<string, string>();
    await new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) => {
          seen.set(message.key!.toString(), message.value!.toString());
          if (seen.size === 50) resolve();
        },
      });
    });
    await consumer.disconnect();
    for (let i = 0; i < 50; i++) expect(seen.get(`k${i}`)).toBe(`v${i}`);
  });

  it('cannot read host files, reach other ports or run commands', async () => {
    const files = ['/etc/passwd', join(repoRoot, 'package.json'), join(repoRoot, '.cache', 'python', 'venv', 'pyvenv.cfg')];
    const ports = [`127.0.0.1:${otherPort}`, '1.1.1.1:53'];
    const info = await runPython('probes', { PROBE_FILES: files.join(','), PROBE_PORTS: ports.join(',') });
    expect(info, info.stderr).toMatchObject({ reason: 'exited', code: 0 });
    expect(info.stdout).not.toContain('ALLOWED');
    for (const f of files) expect(info.stdout).toContain(`read ${f} denied`);
    for (const p of ports) expect(info.stdout).toContain(`connect ${p} denied`);
    expect(info.stdout).toContain("subprocess denied: FileNotFoundError(2, 'No such file or directory')");
    expect(info.stdout + info.stderr).not.toContain('uid=');
  });

  it('an unbounded allocation ends as memory-limit at the address-space cap', async () => {
    const info = await runPython('allocate', {}, { addressSpaceMb: 1024 });
    expect(info).toMatchObject({ reason: 'memory-limit', code: 1 });
    expect(info.stderr).toMatch(/^MemoryError$/m);
  });

  it('a spinning program ends as wall-timeout', async () => {
    const info = await runPython('spin', {}, { wallMs: 2000 });
    expect(info.reason).toBe('wall-timeout');
  });

  it('a fork loop stops at the task limit', async () => {
    const info = await runPython('forks', {}, { processes: 32 });
    expect(info).toMatchObject({ reason: 'exited', code: 3 });
    const forked = Number(/forked (\d+), then BlockingIOError/.exec(info.stdout)?.[1]);
    expect(forked).toBeGreaterThan(5);
    expect(forked).toBeLessThan(32);
  });
});
