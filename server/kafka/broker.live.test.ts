// Live tests of the broker manager: restart keeps ports and data, stop removes everything, and a
// broker never outlives the process that started it, even when that process is SIGKILLed.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { processAlive } from '../os/process.ts';
import { startBroker } from './broker.ts';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
const brokersDir = mkdtempSync(join(tmpdir(), 'lz-broker-test-'));
afterAll(() => rmSync(brokersDir, { recursive: true, force: true }));

async function waitFor(cond: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return cond();
}

describe('broker manager', () => {
  it('restarts on the same port with the same data, then stop() kills the JVM and deletes the directory', async () => {
    const broker = await startBroker({ brokersDir });
    try {
      const kafka = new Kafka({ clientId: 'restart-test', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
      const admin = kafka.admin();
      await admin.connect();
      await admin.createTopics({ topics: [{ topic: 'before-restart', numPartitions: 2 }] });
      await admin.disconnect();
      const producer = kafka.producer({ idempotent: true });
      await producer.connect();
      await producer.send({ topic: 'before-restart', messages: [{ key: 'a', value: '1' }, { key: 'b', value: '2' }, { key: 'c', value: '3' }] });
      await producer.disconnect();

      const { port, pid: oldPid } = broker;
      await broker.restart();
      expect(broker.port).toBe(port);
      expect(broker.pid).not.toBe(oldPid);
      expect(processAlive(oldPid)).toBe(false);

      const admin2 = kafka.admin();
      await admin2.connect();
      const offsets = await admin2.fetchTopicOffsets('before-restart');
      await admin2.disconnect();
      expect(offsets.reduce((n, p) => n + Number(p.high), 0)).toBe(3);
    } finally {
      await broker.stop();
    }
    expect(existsSync(broker.dir)).toBe(false);
    expect(processAlive(broker.pid)).toBe(false);
  });

  it('takes the broker down when its owner is killed with SIGKILL', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'fixtures', 'hold-broker.ts'), brokersDir], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env },
    });
    const line = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout! }).once('line', resolve);
      child.once('exit', (code) => reject(new Error(`fixture exited with ${code} before starting a broker`)));
    });
    const { pid, dir } = JSON.parse(line) as { pid: number; dir: string };
    expect(processAlive(pid)).toBe(true);
    child.kill('SIGKILL');
    expect(await waitFor(() => !processAlive(pid), 20_000), `java ${pid} still running after its owner died`).toBe(true);
    expect(await waitFor(() => !existsSync(dir), 5_000), `${dir} left behind`).toBe(true);
    expect(readdirSync(brokersDir).filter((n) => n.includes(String(child.pid)))).toEqual([]);
  });
});
