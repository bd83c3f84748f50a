// Attack: one record with 15,000 headers (kafkajs' decoder is quadratic in headers).
import { Kafka, logLevel } from 'kafkajs';

const kafka = new Kafka({ clientId: 'attack', brokers: process.env.KAFKA_BROKERS!.split(','), logLevel: logLevel.NOTHING, retry: { retries: 1 } });
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
const headers: Record<string, string> = {};
for (let i = 0; i < 15_000; i++) headers[`h${i}`] = 'x';
await attempt('header bomb', () => producer.send({ topic, messages: [{ key: 'k', value: 'v', headers }] }));
await producer.disconnect();
