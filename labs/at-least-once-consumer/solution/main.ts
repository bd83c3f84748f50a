// At-least-once consumer lab, reference solution: auto-commit off; for each record do the work,
// await the result's send, then commit offset + 1. A crash can repeat work but never skip it.
import { Kafka, Partitioners, logLevel } from 'kafkajs';

const env = (name: string) => {
  const v = process.env[name];
  if (!v) throw new Error(`Missing environment variable ${name}`);
  return v;
};

async function main() {
  const kafka = new Kafka({
    clientId: 'payments-processor',
    brokers: env('KAFKA_BROKERS').split(','),
    logLevel: logLevel.WARN,
    connectionTimeout: 1000,
    requestTimeout: 5000,
    retry: { initialRetryTime: 100, maxRetryTime: 1000, retries: 10 },
  });
  const input = env('INPUT_TOPIC');
  const output = env('OUTPUT_TOPIC');
  // An idempotent producer should keep retrying: a limited retry count could break its guarantees.
  const producer = kafka.producer({ idempotent: true, createPartitioner: Partitioners.DefaultPartitioner, retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 100, maxRetryTime: 1000 } });
  // A short session lets a restarted instance take over soon after the old one was killed.
  const consumer = kafka.consumer({ groupId: env('GROUP_ID'), sessionTimeout: 3000, rebalanceTimeout: 4000, heartbeatInterval: 300, maxWaitTimeInMs: 100 });
  await Promise.all([producer.connect(), consumer.connect()]);
  await consumer.subscribe({ topics: [input], fromBeginning: true });

  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ topic, partition, message, heartbeat }) => {
      const payment = JSON.parse(message.value!.toString()) as { id: string; account: string; amountCents: number };
      // The work: the fee is 2.9 % of the amount, rounded down, plus 30 cents.
      const feeCents = Math.floor((payment.amountCents * 29) / 1000) + 30;
      await producer.send({
        topic: output,
        messages: [{ key: message.key, value: JSON.stringify({ id: payment.id, account: payment.account, amountCents: payment.amountCents, feeCents }) }],
      });
      await heartbeat();
      // Only now is the record done: commit the position after it.
      await consumer.commitOffsets([{ topic, partition, offset: (BigInt(message.offset) + 1n).toString() }]);
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
