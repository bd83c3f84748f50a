// Attack: a flood of small records, far more than any lab reads.
import { Kafka, logLevel } from 'kafkajs';

const kafka = new Kafka({ clientId: 'attack', brokers: process.env.KAFKA_BROKERS!.split(','), logLevel: logLevel.NOTHING, retry: { retries: 10, initialRetryTime: 100 } });
const topic = process.env.OUTPUT_TOPIC ?? process.env.INPUT_TOPIC!;
/** Prints what happened to one attempt, for the test to read. */
async function attempt(what: string, fn: () => Promise<unknown>): Promise<void> {
  try {
    await fn();
    console.log(`${what}: ACCEPTED`);
  } catch (err) {
    console.log(`${what}: REFUSED ${(err as Error).message}`);
  }
}

const producer = kafka.producer();
await producer.connect();
let sent = 0;
const started = Date.now();
while (sent < 200_000 && Date.now() - started < 15_000) {
  const messages = Array.from({ length: 5000 }, (_, i) => ({ key: String(i % 7), value: 'x' }));
  try {
    await producer.send({ topic, acks: 1, messages });
  } catch (err) {
    console.log(`flood: stopped by ${(err as Error).message}`);
    break;
  }
  sent += messages.length;
}
console.log(`flood: sent ${sent}`);
await producer.disconnect();
