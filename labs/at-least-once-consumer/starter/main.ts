// At-least-once consumer lab: consume INPUT_TOPIC, process each payment into OUTPUT_TOPIC, and
// commit offsets only after the result is written. The skeleton runs, but processes nothing yet.
import { Kafka, logLevel } from 'kafkajs';

const env = (name: string) => {
  const v = process.env[name];
  if (!v) throw new Error(`Missing environment variable ${name}`);
  return v;
};

async function main() {
  const kafka = new Kafka({ clientId: 'payments-processor', brokers: env('KAFKA_BROKERS').split(','), logLevel: logLevel.WARN });
  const consumer = kafka.consumer({ groupId: env('GROUP_ID') });
  await consumer.connect();
  await consumer.subscribe({ topics: [env('INPUT_TOPIC')], fromBeginning: true });

  // TODO (commit-after-processing): auto-commit is on, so offsets are committed on kafkajs' schedule.
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      const payment = JSON.parse(message.value!.toString());
      // TODO (process-every-record): produce the result (the payment plus feeCents) to OUTPUT_TOPIC, keyed by account.
      console.log(`received ${payment.id} from partition ${partition} at offset ${message.offset}`);
    },
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
