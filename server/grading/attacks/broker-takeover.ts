// Attack: every admin mutation that could rewrite the grader's topics or reconfigure the broker.
import { Kafka, logLevel } from 'kafkajs';

const kafka = new Kafka({ clientId: 'attack', brokers: process.env.KAFKA_BROKERS!.split(','), logLevel: logLevel.NOTHING, retry: { retries: 1 } });
const topic = process.env.INPUT_TOPIC ?? process.env.OUTPUT_TOPIC!;
/** Prints what happened to one attempt, for the test to read. */
async function attempt(what: string, fn: () => Promise<unknown>): Promise<void> {
  try {
    await fn();
    console.log(`${what}: ACCEPTED`);
  } catch (err) {
    console.log(`${what}: REFUSED ${(err as Error).message}`);
  }
}

const admin = kafka.admin();
await admin.connect();
await attempt('create topics', () => admin.createTopics({ topics: Array.from({ length: 200 }, (_, i) => ({ topic: `flood-${i}`, numPartitions: 1 })) }));
await attempt('broker threads', () => admin.alterConfigs({ validateOnly: false, resources: [{ type: 4, name: '1', configEntries: [{ name: 'num.io.threads', value: '64' }, { name: 'num.network.threads', value: '64' }] }] }));
await attempt('listeners', () => admin.alterConfigs({ validateOnly: false, resources: [{ type: 4, name: '1', configEntries: [{ name: 'listeners', value: 'PLAINTEXT://0.0.0.0:19999' }] }] }));
await attempt('topic config', () => admin.alterConfigs({ validateOnly: false, resources: [{ type: 2, name: topic, configEntries: [{ name: 'retention.ms', value: '1' }] }] }));
await attempt('delete records', async () => {
  const ends = await admin.fetchTopicOffsets(topic);
  await admin.deleteTopicRecords({ topic, partitions: ends.map((p) => ({ partition: p.partition, offset: '-1' })) });
});
await attempt('delete topic', () => admin.deleteTopics({ topics: [topic], timeout: 2000 }));
await attempt('delete group', () => admin.deleteGroups([process.env.GROUP_ID ?? 'payments-processor']));
await admin.disconnect();
