// Keyed producer lab, reference solution: every event keyed by its account, an idempotent producer
// (acks=all), one send at a time so an account's events cannot overtake each other.
import { createInterface } from 'node:readline';
import { Kafka, Partitioners, logLevel } from 'kafkajs';

function env(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`Missing environment variable ${name}`);
  return v;
}

async function main() {
  const kafka = new Kafka({
    clientId: 'keyed-producer',
    brokers: env('KAFKA_BROKERS').split(','),
    logLevel: logLevel.WARN,
    // The connection breaks mid-run: notice a dead connection fast and retry soon.
    connectionTimeout: 1000,
    requestTimeout: 5000,
    retry: { initialRetryTime: 100, maxRetryTime: 1000, retries: Number.MAX_SAFE_INTEGER },
  });
  const producer = kafka.producer({
    idempotent: true, // producer id + sequence numbers; implies acks=all
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();

  const topic = env('OUTPUT_TOPIC');
  // One JSON event per line on standard input; the end of input means the source is done.
  for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
    if (line.trim() === '') continue;
    const event = JSON.parse(line) as { account: string };
    await producer.send({ topic, acks: -1, messages: [{ key: event.account, value: line }] });
  }
  console.log('published every event');
  await producer.disconnect();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
