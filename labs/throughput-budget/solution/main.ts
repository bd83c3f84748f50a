// Throughput-budget lab, reference solution: kafkajs has no linger.ms, so the program lingers
// itself. Pings gather in a buffer; one send() at a time takes everything buffered once the oldest
// ping has waited 100 ms (or 1,000 pings are waiting), compressed with gzip. The producer is
// idempotent (acks=all, producer id), so the resend after a lost response is written once.
import { createInterface } from 'node:readline';
import { CompressionTypes, Kafka, logLevel, type Message } from 'kafkajs';

function env(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`Missing environment variable ${name}`);
  return v;
}

const LINGER_MS = 100;
const MAX_BATCH = 1000;

async function main() {
  const kafka = new Kafka({
    clientId: 'throughput-budget',
    brokers: env('KAFKA_BROKERS').split(','),
    logLevel: logLevel.WARN,
    // A response will be lost: notice the broken connection quickly and retry soon.
    connectionTimeout: 1000,
    requestTimeout: 5000,
    retry: { initialRetryTime: 100, maxRetryTime: 1000, retries: Number.MAX_SAFE_INTEGER },
  });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const topic = env('OUTPUT_TOPIC');

  let buffer: Message[] = [];
  let oldest = 0; // when the oldest buffered ping arrived
  let ended = false;
  let wake: (() => void) | null = null;
  const nudge = () => {
    wake?.();
    wake = null;
  };

  // The sender: one request at a time, each carrying everything that has gathered meanwhile.
  const sender = (async () => {
    for (;;) {
      if (buffer.length === 0) {
        if (ended) return;
        await new Promise<void>((r) => (wake = r));
        continue;
      }
      const wait = oldest + LINGER_MS - Date.now();
      if (!ended && buffer.length < MAX_BATCH && wait > 0) {
        await new Promise<void>((r) => {
          const t = setTimeout(r, wait);
          wake = () => (clearTimeout(t), r());
        });
        continue;
      }
      const messages = buffer.slice(0, MAX_BATCH);
      buffer = buffer.slice(messages.length);
      oldest = Date.now();
      await producer.send({ topic, acks: -1, compression: CompressionTypes.GZIP, messages });
    }
  })();

  for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
    if (line.trim() === '') continue;
    const ping = JSON.parse(line) as { vehicle: string };
    if (buffer.length === 0) oldest = Date.now();
    buffer.push({ key: ping.vehicle, value: line });
    // Wake the sender for the first ping of a batch (it starts the linger) and for a full batch.
    if (buffer.length === 1 || buffer.length >= MAX_BATCH) nudge();
  }
  ended = true;
  nudge();
  await sender;
  await producer.disconnect();
  console.log('published every ping');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
