// Exactly-once pipeline lab, reference solution: one transaction per fetched batch holds the
// enriched records AND the consumed offsets (sendOffsets), so they commit or abort together.
// A restarted instance reuses TRANSACTIONAL_ID, which fences the killed one and aborts its open
// transaction; read_committed input keeps aborted upstream records out.
import { Kafka, Partitioners, logLevel } from 'kafkajs';

const env = (name: string) => {
  const v = process.env[name];
  if (!v) throw new Error(`Missing environment variable ${name}`);
  return v;
};

async function main() {
  const kafka = new Kafka({
    clientId: 'orders-enricher',
    brokers: env('KAFKA_BROKERS').split(','),
    logLevel: logLevel.WARN,
    connectionTimeout: 1000,
    requestTimeout: 5000,
    retry: { initialRetryTime: 100, maxRetryTime: 1000, retries: 10 },
  });
  const groupId = env('GROUP_ID');
  const output = env('OUTPUT_TOPIC');
  const producer = kafka.producer({
    transactionalId: env('TRANSACTIONAL_ID'),
    idempotent: true,
    maxInFlightRequests: 1,
    transactionTimeout: 10_000,
    createPartitioner: Partitioners.DefaultPartitioner,
    retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 100, maxRetryTime: 1000 },
  });
  // read_committed is kafkajs' default (readUncommitted: false).
  const consumer = kafka.consumer({ groupId, sessionTimeout: 3000, rebalanceTimeout: 4000, heartbeatInterval: 300, maxWaitTimeInMs: 100 });
  await Promise.all([producer.connect(), consumer.connect()]);
  await consumer.subscribe({ topics: [env('INPUT_TOPIC')], fromBeginning: true });

  await consumer.run({
    autoCommit: false,
    eachBatch: async ({ batch, isRunning, isStale, heartbeat }) => {
      if (batch.messages.length === 0) return;
      const txn = await producer.transaction();
      try {
        for (const message of batch.messages) {
          if (!isRunning() || isStale()) break;
          const order = JSON.parse(message.value!.toString()) as Record<string, unknown>;
          await heartbeat();
          await txn.send({ topic: output, messages: [{ key: message.key, value: JSON.stringify({ ...order, status: 'enriched' }) }] });
        }
        if (!isRunning() || isStale()) {
          await txn.abort();
          return;
        }
        await txn.sendOffsets({
          consumerGroupId: groupId,
          topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset: (BigInt(batch.lastOffset()) + 1n).toString() }] }],
        });
        await txn.commit();
      } catch (err) {
        await txn.abort().catch(() => {});
        throw err;
      }
    },
  });

  const shutdown = async () => {
    await consumer.disconnect();
    await producer.disconnect();
    process.exit(0);
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
