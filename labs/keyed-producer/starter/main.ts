// Keyed producer lab: publish the account event stream to OUTPUT_TOPIC.
// The event source below is complete; your work is in main().
import { Kafka, logLevel } from 'kafkajs';

interface AccountEvent {
  id: string;
  account: string;
  seq: number;
  amountCents: number;
}

/** The upstream event source: yields MESSAGE_COUNT events, SEND_INTERVAL_MS apart. Do not change it. */
async function* eventSource(seed: number, count: number, accounts: number, intervalMs: number): AsyncGenerator<AccountEvent> {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const ids = Array.from({ length: accounts }, (_, i) => `acct-${String(i + 1).padStart(2, '0')}`);
  const seqs = new Map<string, number>();
  for (let i = 0; i < count; i++) {
    const account = ids[int(0, ids.length - 1)];
    const seq = (seqs.get(account) ?? 0) + 1;
    seqs.set(account, seq);
    yield { id: `pay-${String(i + 1).padStart(4, '0')}`, account, seq, amountCents: int(100, 99_999) };
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

async function main() {
  const env = (name: string) => {
    const v = process.env[name];
    if (!v) throw new Error(`Missing environment variable ${name}`);
    return v;
  };
  const kafka = new Kafka({ clientId: 'keyed-producer', brokers: env('KAFKA_BROKERS').split(','), logLevel: logLevel.WARN });

  // TODO (idempotent-producer): configure idempotence; short timeouts help when the connection breaks.
  const producer = kafka.producer();
  await producer.connect();

  const source = eventSource(Number(env('RUN_SEED')), Number(env('MESSAGE_COUNT')), Number(env('ACCOUNT_COUNT')), Number(env('SEND_INTERVAL_MS')));
  for await (const event of source) {
    // TODO (key-by-account): this record has no key, so events of one account scatter over partitions.
    await producer.send({ topic: env('OUTPUT_TOPIC'), messages: [{ value: JSON.stringify(event) }] });
  }

  await producer.disconnect();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
