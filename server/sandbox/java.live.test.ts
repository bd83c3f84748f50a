// Java learner programs end to end against a real Kafka broker: compiled by the sandboxed warm
// compiler, run by startSandboxedProgram under the same limits, UID and relay as TypeScript. A
// producer's records are read back from the broker; compile errors point at the right place;
// codecs, stdin and pause work. The hostile Java set (host files, ports, commands, runaway memory,
// time and threads) is in hostile.live.test.ts with the rest of the hostile suite.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, type LocalBroker } from '../kafka/broker.ts';
import { compileJava, stopJavaCompiler, type JavaClasses } from './java-compile.ts';
import type { Limits } from './limits.ts';
import { pidsOfUid } from './procs.ts';
import { startSandboxedProgram, type ExitInfo } from './run.ts';

const here = dirname(fileURLToPath(import.meta.url));
const fixture = (name: string) => readFileSync(join(here, 'fixtures', 'java', `${name}.java`), 'utf8');

let broker: LocalBroker;
let kafka: Kafka;
let admin: Admin;

beforeAll(async () => {
  broker = await startBroker();
  kafka = new Kafka({ clientId: 'java-suite', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
  admin = kafka.admin();
  await admin.connect();
});

afterAll(async () => {
  await stopJavaCompiler();
  await admin?.disconnect();
  await broker?.stop();
});

async function compiled(name: string): Promise<JavaClasses> {
  const result = await compileJava(fixture(name));
  if (!result.ok) throw new Error(`fixture ${name} did not compile: ${result.error}`);
  return result.classes;
}

async function runJava(name: string, env: Record<string, string> = {}, limits: Partial<Limits> = {}, input?: string): Promise<ExitInfo> {
  const program = await startSandboxedProgram({
    launch: { language: 'java', classes: await compiled(name) },
    env: { KAFKA_BROKERS: broker.bootstrap, ...env },
    broker: { host: '127.0.0.1', port: broker.port },
    limits: { wallMs: 20_000, ...limits },
    label: `java ${name}`,
    stdin: input !== undefined,
  });
  if (input !== undefined) {
    program.write(input);
    program.endInput();
  }
  const info = await program.exited;
  expect(pidsOfUid(program.uid), `processes of ${name} survived`).toEqual([]);
  return info;
}

describe('compiling Java', () => {
  it('reports a compile error at its line and column, before anything runs', async () => {
    const source = fixture('producer').replace('producer.flush();', 'producer.flsh();');
    const line = source.split('\n').findIndex((l) => l.includes('producer.flsh()')) + 1;
    const column = source.split('\n')[line - 1].indexOf('.flsh') + 1;
    const result = await compileJava(source);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.diagnostics[0]).toMatchObject({ file: 'Main.java', line, column, message: expect.stringMatching(/^cannot find symbol/) });
    expect(result.error).toMatch(new RegExp(`^Main\\.java:${line}:${column}: cannot find symbol\\n {4}.*producer\\.flsh\\(\\);\\n {4} *\\^`));
  });

  it('counts a column after tabs and a syntax error on a later line', async () => {
    const result = await compileJava('public class Main {\n\tpublic static void main(String[] a) {\n\t\tint x = ;\n\t}\n}\n');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.diagnostics[0]).toMatchObject({ line: 3, column: 11, message: 'illegal start of expression' });
  });

  it('asks for a class named Main', async () => {
    const result = await compileJava('class Other { public static void main(String[] a) {} }\n');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(/must declare a top-level class named Main/);
  });

  it('one submission cannot see the classes of another compiled before it by the same warm compiler', async () => {
    const first = await compileJava('public class Main { public static void main(String[] a) {} }\nclass Secret { static final String VALUE = "s3cret"; }\n');
    expect(first.ok).toBe(true);
    const second = await compileJava('public class Main { public static void main(String[] a) { System.out.println(Secret.VALUE); } }\n');
    expect(second.ok).toBe(false);
    if (!second.ok) expect(second.diagnostics[0]).toMatchObject({ line: 1, message: expect.stringMatching(/^cannot find symbol\n\s+symbol:\s+variable Secret/) });
  });

  it('stops a compile that overruns its time, and the next compile gets a fresh compiler', async () => {
    const slow = await compileJava(fixture('producer'), { timeoutMs: 1 });
    expect(slow.ok).toBe(false);
    if (!slow.ok) expect(slow.error).toMatch(/Compiling took longer than 0\.001 s and was stopped/);
    expect((await compileJava(fixture('producer'))).ok).toBe(true);
  });
});

describe('running Java', () => {
  it('a producer writes keyed records the broker holds, and exits 0', async () => {
    const topic = `java-produce-${randomBytes(3).toString('hex')}`;
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
    const info = await runJava('producer', { TOPIC: topic, COUNT: '50' });
    expect(info, info.stderr).toMatchObject({ reason: 'exited', code: 0, stdout: 'produced 50\n' });
    const offsets = await admin.fetchTopicOffsets(topic);
    expect(offsets.reduce((n, p) => n + Number(p.high), 0)).toBe(50);
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

  it('compresses with gzip, lz4, snappy and zstd (the JNI libraries load from the read-only cache, not the noexec /tmp)', async () => {
    const topic = `java-codecs-${randomBytes(3).toString('hex')}`;
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    const info = await runJava('compressed', { TOPIC: topic });
    expect(info, info.stderr).toMatchObject({ reason: 'exited', code: 0, stdout: 'sent gzip\nsent lz4\nsent snappy\nsent zstd\n' });
    // Each acknowledged batch was decompressed and validated by the broker; four records landed.
    const [partition] = await admin.fetchTopicOffsets(topic);
    expect(partition.high).toBe('4');
  });

  it('reads standard input and ends with its own exit code', async () => {
    const info = await runJava('echo', {}, {}, 'one\ntwo\n');
    expect(info).toMatchObject({ reason: 'exited', code: 7, stdout: 'ONE\nTWO\n' });
  });

  it('pause() freezes a JVM and kill() ends it, with nothing left behind', async () => {
    const program = await startSandboxedProgram({
      launch: { language: 'java', classes: await compiled('spin') },
      env: {}, broker: { host: '127.0.0.1', port: broker.port }, limits: { wallMs: 20_000 }, label: 'java pause',
    });
    // Right after start: the launcher is starting the JVM while pause() runs, and neither may escape it.
    await program.pause();
    await new Promise((r) => setTimeout(r, 300));
    const frozen = pidsOfUid(program.uid).map((pid) => readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1][0]);
    expect(frozen.length).toBeGreaterThan(0);
    expect(frozen.every((state) => state === 'T')).toBe(true);
    await program.kill();
    expect((await program.exited).reason).toBe('killed');
    expect(pidsOfUid(program.uid)).toEqual([]);
  });

});
