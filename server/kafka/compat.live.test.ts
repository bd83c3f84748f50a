// Live compatibility suite: kafkajs 2.2.4 (what learners and graders use) against a freshly started
// real broker of the pinned Kafka version. If any of this breaks on a version bump, the pin is wrong.
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Consumer, type EachMessagePayload, type Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, type LocalBroker } from './broker.ts';
import { KAFKA_VERSION } from './version.ts';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

let broker: LocalBroker;
let kafka: Kafka;
const cleanups: Array<() => Promise<unknown>> = [];

beforeAll(async () => {
  broker = await startBroker();
  kafka = new Kafka({ clientId: 'compat-suite', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
});

afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
  await broker?.stop();
});

const uid = () => randomUUID().slice(0, 8);

async function createTopic(topic: string, numPartitions: number): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}

async function connectedProducer(config: Parameters<Kafka['producer']>[0] = {}): Promise<Producer> {
  const producer = kafka.producer(config);
  await producer.connect();
  cleanups.push(() => producer.disconnect());
  return producer;
}

/**
 * Consumes from the beginning until `until` is satisfied and returns each stored record once, in
 * arrival order. A rebalance on a loaded machine may legitimately redeliver records (at-least-once),
 * so redeliveries of an already seen partition+offset are dropped rather than counted.
 */
async function consumeUntil(
  topic: string,
  until: (seen: EachMessagePayload[]) => boolean,
  opts: { readUncommitted?: boolean; groupId?: string; onMessage?: (p: EachMessagePayload, consumer: Consumer) => Promise<void> } = {},
): Promise<EachMessagePayload[]> {
  const consumer = kafka.consumer({
    groupId: opts.groupId ?? `g-${uid()}`, readUncommitted: opts.readUncommitted ?? false,
    sessionTimeout: 10_000, heartbeatInterval: 500, maxWaitTimeInMs: 200,
  });
  await consumer.connect();
  cleanups.push(() => consumer.disconnect());
  const seen: EachMessagePayload[] = [];
  const delivered = new Set<string>();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out with ${seen.length} messages from ${topic}`)), 60_000);
    consumer.run({
      autoCommit: opts.onMessage ? false : true,
      eachMessage: async (p) => {
        const id = `${p.partition}@${p.message.offset}`;
        if (!delivered.has(id)) seen.push(p);
        delivered.add(id);
        await opts.onMessage?.(p, consumer);
        if (until(seen)) {
          clearTimeout(timer);
          resolve();
        }
      },
    }).catch(reject);
  });
  await consumer.disconnect();
  return seen;
}

describe(`kafkajs 2.2.4 against Apache Kafka ${KAFKA_VERSION}`, () => {
  it('keeps each key on one partition and every partition in produce order', async () => {
    const topic = `keyed-${uid()}`;
    await createTopic(topic, 4);
    const producer = await connectedProducer();
    const keys = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi'];
    for (let round = 0; round < 10; round++) {
      await producer.send({ topic, messages: keys.map((k) => ({ key: k, value: `${k}:${round}` })) });
    }
    const seen = await consumeUntil(topic, (s) => s.length >= keys.length * 10);
    expect(seen).toHaveLength(80);

    const partitionOfKey = new Map<string, number>();
    const lastOffset = new Map<number, bigint>();
    const lastRound = new Map<string, number>();
    for (const { partition, message } of seen) {
      const key = message.key!.toString();
      const round = Number(message.value!.toString().split(':')[1]);
      expect(partitionOfKey.get(key) ?? partition, `key ${key} moved partitions`).toBe(partition);
      partitionOfKey.set(key, partition);
      const offset = BigInt(message.offset);
      expect(offset > (lastOffset.get(partition) ?? -1n), `partition ${partition} went back to offset ${offset}`).toBe(true);
      lastOffset.set(partition, offset);
      expect(round, `key ${key} out of order`).toBe((lastRound.get(key) ?? -1) + 1);
      lastRound.set(key, round);
    }
    expect(new Set(partitionOfKey.values()).size, 'keys should spread over several partitions').toBeGreaterThan(1);
  });

  it('accepts an idempotent producer and stores each record exactly once', async () => {
    const topic = `idem-${uid()}`;
    await createTopic(topic, 1);
    const producer = await connectedProducer({ idempotent: true, maxInFlightRequests: 1 });
    for (let i = 0; i < 4; i++) {
      await producer.send({ topic, acks: -1, messages: Array.from({ length: 5 }, (_, j) => ({ key: 'k', value: String(i * 5 + j) })) });
    }
    const admin = kafka.admin();
    await admin.connect();
    cleanups.push(() => admin.disconnect());
    const [offsets] = await admin.fetchTopicOffsets(topic);
    expect(offsets.high).toBe('20');
    const seen = await consumeUntil(topic, (s) => s.length >= 20);
    expect(seen.map((p) => p.message.value!.toString())).toEqual(Array.from({ length: 20 }, (_, i) => String(i)));
  });

  it('hides aborted transactions from read_committed consumers but not from read_uncommitted ones', async () => {
    const topic = `txn-${uid()}`;
    await createTopic(topic, 2);
    const producer = await connectedProducer({ transactionalId: `tx-${uid()}`, idempotent: true, maxInFlightRequests: 1 });
    const batch = (label: string) => ['a', 'b', 'c'].map((k) => ({ key: k, value: `${label}-${k}` }));

    const first = await producer.transaction();
    await first.send({ topic, messages: batch('committed1') });
    await first.commit();
    const aborted = await producer.transaction();
    await aborted.send({ topic, messages: batch('aborted') });
    await aborted.abort();
    const last = await producer.transaction();
    await last.send({ topic, messages: batch('committed2') });
    await last.commit();

    const committedValues = (s: EachMessagePayload[]) => s.map((p) => p.message.value!.toString());
    // Records of the last committed transaction sit after the aborted ones in every partition,
    // so once all six committed records arrived the consumer has passed the aborted ones.
    const committed = committedValues(await consumeUntil(topic, (s) => s.length >= 6));
    expect(committed.filter((v) => v.startsWith('aborted'))).toEqual([]);
    expect(committed.sort()).toEqual([...batch('committed1'), ...batch('committed2')].map((m) => m.value).sort());

    const everything = committedValues(await consumeUntil(topic, (s) => s.length >= 9, { readUncommitted: true }));
    expect(everything.filter((v) => v.startsWith('aborted')).sort()).toEqual(['aborted-a', 'aborted-b', 'aborted-c']);
  });

  it('reads back manually committed group offsets through admin.fetchOffsets', async () => {
    const topic = `commits-${uid()}`;
    const groupId = `manual-${uid()}`;
    await createTopic(topic, 2);
    const producer = await connectedProducer();
    await producer.send({ topic, messages: Array.from({ length: 10 }, (_, i) => ({ value: String(i), partition: 0 })) });
    await producer.send({ topic, messages: Array.from({ length: 4 }, (_, i) => ({ value: String(i), partition: 1 })) });

    // Commit after each record of partition 0 up to value 6, and nothing at all for partition 1.
    await consumeUntil(topic, (s) => s.length >= 14, {
      groupId,
      onMessage: async ({ partition, message }, consumer) => {
        if (partition === 0 && Number(message.value!.toString()) <= 6) {
          await consumer.commitOffsets([{ topic, partition, offset: String(BigInt(message.offset) + 1n) }]);
        }
      },
    });

    const admin = kafka.admin();
    await admin.connect();
    cleanups.push(() => admin.disconnect());
    const [result] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const byPartition = Object.fromEntries(result.partitions.map((p) => [p.partition, p.offset]));
    expect(byPartition).toEqual({ 0: '7', 1: '-1' });
  });

  it('creates, lists and deletes topics and describes a live consumer group', async () => {
    const admin = kafka.admin();
    await admin.connect();
    cleanups.push(() => admin.disconnect());
    const topic = `admin-${uid()}`;
    expect(await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true })).toBe(true);
    expect(await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true })).toBe(false);
    const meta = await admin.fetchTopicMetadata({ topics: [topic] });
    expect(meta.topics[0].partitions).toHaveLength(3);

    const groupId = `described-${uid()}`;
    const consumer = kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 500, maxWaitTimeInMs: 200 });
    await consumer.connect();
    cleanups.push(() => consumer.disconnect());
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({ eachMessage: async () => {} });
    await joined;
    const { groups } = await admin.describeGroups([groupId]);
    expect(groups[0]).toMatchObject({ groupId, state: 'Stable', protocolType: 'consumer' });
    expect(groups[0].members).toHaveLength(1);
    await consumer.disconnect();

    await admin.deleteTopics({ topics: [topic] });
    let remaining = await admin.listTopics();
    for (let i = 0; i < 50 && remaining.includes(topic); i++) {
      await new Promise((r) => setTimeout(r, 100));
      remaining = await admin.listTopics();
    }
    expect(remaining).not.toContain(topic);
  });

  it('does not create topics on first use (auto.create.topics.enable=false)', async () => {
    const producer = kafka.producer({ retry: { retries: 1, initialRetryTime: 50 } });
    await producer.connect();
    cleanups.push(() => producer.disconnect());
    const topic = `never-created-${uid()}`;
    await expect(producer.send({ topic, messages: [{ value: 'x' }] })).rejects.toThrow();
    const admin = kafka.admin();
    await admin.connect();
    cleanups.push(() => admin.disconnect());
    expect(await admin.listTopics()).not.toContain(topic);
  });
});
