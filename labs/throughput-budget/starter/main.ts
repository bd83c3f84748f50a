// Throughput-budget lab: publish every vehicle ping that arrives on standard input to OUTPUT_TOPIC,
// keyed by its vehicle. Reading the input is done for you. This version works, but it sends one
// ping per request, uncompressed: far too many requests for the broker's budget.
import { createInterface } from 'node:readline';
import { Kafka, logLevel } from 'kafkajs';

function env(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`Missing environment variable ${name}`);
  return v;
}

async function main() {
  const kafka = new Kafka({ clientId: 'throughput-budget', brokers: env('KAFKA_BROKERS').split(','), logLevel: logLevel.WARN });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();

  const topic = env('OUTPUT_TOPIC');
  for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
    if (line.trim() === '') continue;
    const ping = JSON.parse(line) as { vehicle: string };
    // TODO: one request per ping, uncompressed. Gather pings into batches and compress them,
    // without letting any ping wait longer than the latency budget.
    await producer.send({ topic, acks: -1, messages: [{ key: ping.vehicle, value: line }] });
  }
  await producer.disconnect();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
