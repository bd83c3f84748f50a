// Python learner programs (confluent-kafka from the project venv) end to end against a real Kafka
// broker, run by startSandboxedProgram under the same limits, UID and relay as TypeScript: a
// producer's records are read back from the broker, syntax errors point at the right place. The
// hostile Python set (subprocess, ctypes, host files, sockets, fork loops, memory, spinning) is in
// hostile.live.test.ts with the rest of the hostile suite.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
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
const fixture = (name: string) => readFileSync(join(here, 'fixtures', 'python', `${name}.py`), 'utf8');

let broker: LocalBroker;
let kafka: Kafka;
let admin: Admin;

beforeAll(async () => {
  broker = await startBroker();
  kafka = new Kafka({ clientId: 'python-suite', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
  admin = kafka.admin();
  await admin.connect();
});

afterAll(async () => {
  await admin?.disconnect();
  await broker?.stop();
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

});
