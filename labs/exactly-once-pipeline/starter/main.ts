// Exactly-once pipeline lab: enrich INPUT_TOPIC into OUTPUT_TOPIC so read_committed readers see
// every order exactly once. This skeleton runs and copies records, but without any transactions.
import { Kafka, logLevel } from 'kafkajs';

const env = (name: string) => {
  const v = process.env[name];
  if (!v) throw new Error(`Missing environment variable ${name}`);
  return v;
};

async function main() {
  const kafka = new Kafka({ clientId: 'orders-enricher', brokers: env('KAFKA_BROKERS').split(','), logLevel: logLevel.WARN });
  // TODO (transactional-output): this producer has no transactionalId.
  const producer = kafka.producer();
  // TODO (read-committed-input): reading uncommitted data lets aborted orders in.
  const consumer = kafka.consumer({ groupId: env('GROUP_ID'), readUncommitted: true });
  await Promise.all([producer.connect(), consumer.connect()]);
  await consumer.subscribe({ topics: [env('INPUT_TOPIC')], fromBeginning: true });

  await consumer.run({
    // TODO (offsets-in-transaction): offsets are auto-committed outside any transaction.
    eachMessage: async ({ message }) => {
      const order = JSON.parse(message.value!.toString());
      await producer.send({ topic: env('OUTPUT_TOPIC'), messages: [{ key: message.key, value: JSON.stringify({ ...order, status: 'enriched' }) }] });
    },
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
