// `npx tsx bench/sandbox-languages.ts [N]`: start-up and memory of a sandboxed learner program per
// language (TypeScript = baseline, Java, Python), measured in the same run against one real broker:
//   - sandbox up: startSandboxedProgram() until the launcher is ready (namespaces, mounts, relay)
//   - process start → main: from the runtime's process start (/proc/self/stat) to the first line of
//     the program (JVM start-up or interpreter start-up plus imports of the client library)
//   - to first ack: from the program's first line to its first acknowledged produce (client
//     start-up, class loading, metadata, one request)
//   - run total: startSandboxedProgram() until the program exited and was cleaned up
//   - memory: peak sum of the resident memory of every process of the run (the runtime and the
//     relaying launcher), sampled every 50 ms while the program produces 1000 records and idles 1 s
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Kafka, logLevel } from 'kafkajs';
import { startBroker } from '../server/kafka/broker.ts';
import { bundleLearnerCode } from '../server/sandbox/bundle.ts';
import { compileJava, stopJavaCompiler } from '../server/sandbox/java-compile.ts';
import type { ProgramLaunch } from '../server/sandbox/launch.ts';
import { pidsOfUid } from '../server/sandbox/procs.ts';
import { startSandboxedProgram } from '../server/sandbox/run.ts';

const n = Number(process.argv[2] ?? 5);

// Each program prints "main <ms since its process started>", produces COUNT records (the first one
// awaited, printing "ack <ms since main>"), sleeps 1 s and exits.
const ts = `import { Kafka, logLevel } from 'kafkajs';
import { readFileSync } from 'node:fs';
const sinceStart = () => { const stat = readFileSync('/proc/self/stat', 'utf8'); const ticks = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]); return Math.round(Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]) * 1000 - ticks * 10); };
console.log('main ' + sinceStart());
const t0 = Date.now();
const producer = new Kafka({ brokers: [process.env.KAFKA_BROKERS!], logLevel: logLevel.NOTHING }).producer();
await producer.connect();
await producer.send({ topic: process.env.TOPIC!, messages: [{ key: 'k', value: 'v' }] });
console.log('ack ' + (Date.now() - t0));
for (let i = 0; i < Number(process.env.COUNT); i += 100) await producer.send({ topic: process.env.TOPIC!, messages: Array.from({ length: 100 }, (_, j) => ({ key: 'k' + (i + j), value: 'v' })) });
await new Promise((r) => setTimeout(r, 1000));
await producer.disconnect();
`;
const java = `import java.nio.file.*; import java.util.Properties; import org.apache.kafka.clients.producer.*; import org.apache.kafka.common.serialization.StringSerializer;
public class Main {
  static long sinceStart() throws Exception { String stat = Files.readString(Path.of("/proc/self/stat")); long ticks = Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[19]); return Math.round(Double.parseDouble(Files.readString(Path.of("/proc/uptime")).split(" ")[0]) * 1000 - ticks * 10); }
  public static void main(String[] args) throws Exception {
    System.out.println("main " + sinceStart());
    long t0 = System.currentTimeMillis();
    Properties p = new Properties();
    p.put("bootstrap.servers", System.getenv("KAFKA_BROKERS"));
    p.put("key.serializer", StringSerializer.class.getName());
    p.put("value.serializer", StringSerializer.class.getName());
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
      producer.send(new ProducerRecord<>(System.getenv("TOPIC"), "k", "v")).get();
      System.out.println("ack " + (System.currentTimeMillis() - t0));
      for (int i = 0; i < Integer.parseInt(System.getenv("COUNT")); i++) producer.send(new ProducerRecord<>(System.getenv("TOPIC"), "k" + i, "v"));
      producer.flush();
      Thread.sleep(1000);
    }
  }
}`;
const python = `import os, time
def since_start():
    stat = open('/proc/self/stat').read()
    ticks = int(stat[stat.rindex(')') + 2:].split(' ')[19])
    return round(float(open('/proc/uptime').read().split(' ')[0]) * 1000 - ticks * 10)
from confluent_kafka import Producer
print('main', since_start())
t0 = time.time()
p = Producer({'bootstrap.servers': os.environ['KAFKA_BROKERS']})
p.produce(os.environ['TOPIC'], key='k', value='v')
p.flush(30)
print('ack', round((time.time() - t0) * 1000))
for i in range(int(os.environ['COUNT'])):
    p.produce(os.environ['TOPIC'], key=f'k{i}', value='v')
p.flush(30)
time.sleep(1)
`;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function rssKiB(uid: number): number {
  let total = 0;
  for (const pid of pidsOfUid(uid)) {
    try {
      total += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      // gone
    }
  }
  return total;
}

const broker = await startBroker();
const admin = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING }).admin();
await admin.connect();
const bundled = await bundleLearnerCode(ts);
const compiled = await compileJava(java);
if (!bundled.ok || !compiled.ok) throw new Error(`${bundled.ok ? '' : bundled.error}${compiled.ok ? '' : compiled.error}`);
await stopJavaCompiler();
const launches: Array<[string, ProgramLaunch]> = [
  ['typescript (kafkajs)', { language: 'typescript', js: bundled.js }],
  ['java (kafka-clients)', { language: 'java', classes: compiled.classes }],
  ['python (confluent-kafka)', { language: 'python', source: python }],
];
const results: Array<{ name: string; up: number[]; main: number[]; ack: number[]; total: number[]; rss: number[] }> = [];
for (const [name, launch] of launches) {
  const r = { name, up: [] as number[], main: [] as number[], ack: [] as number[], total: [] as number[], rss: [] as number[] };
  for (let i = 0; i < n; i++) {
    const topic = `bench-${randomBytes(3).toString('hex')}`;
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    const t0 = performance.now();
    const program = await startSandboxedProgram({ launch, env: { KAFKA_BROKERS: broker.bootstrap, TOPIC: topic, COUNT: '1000' }, broker: { host: '127.0.0.1', port: broker.port }, limits: { wallMs: 30_000 } });
    r.up.push(performance.now() - t0);
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, rssKiB(program.uid))), 50);
    const info = await program.exited;
    clearInterval(sampler);
    r.total.push(performance.now() - t0);
    if (info.reason !== 'exited' || info.code !== 0) throw new Error(`${name}: ${info.reason} ${info.code}\n${info.stderr}`);
    r.main.push(Number(/^main (\d+)/m.exec(info.stdout)?.[1]));
    r.ack.push(Number(/^ack (\d+)/m.exec(info.stdout)?.[1]));
    r.rss.push(peak / 1024);
  }
  results.push(r);
}
await admin.disconnect();
await broker.stop();

const cpu = execFileSync('/usr/bin/nproc', { encoding: 'utf8' }).trim();
console.log(`Sandboxed program start-up and memory, ${n} runs each, medians (${cpu} cores, load ${readFileSync('/proc/loadavg', 'utf8').split(' ')[0]}); ratios against TypeScript:`);
const base = results[0];
const col = (xs: number[], b: number[]) => `${String(Math.round(median(xs))).padStart(5)} (x${(median(xs) / Math.max(median(b), 1)).toFixed(2)})`;
console.log(`  ${'language'.padEnd(26)} ${'sandbox up ms'.padStart(14)} ${'start→main ms'.padStart(14)} ${'main→1st ack'.padStart(14)} ${'run total ms'.padStart(14)} ${'peak RSS MiB'.padStart(14)}`);
for (const r of results) {
  console.log(`  ${r.name.padEnd(26)} ${col(r.up, base.up).padStart(14)} ${col(r.main, base.main).padStart(14)} ${col(r.ack, base.ack).padStart(14)} ${col(r.total, base.total).padStart(14)} ${col(r.rss, base.rss).padStart(14)}`);
}
console.log('  (run total includes the program\'s 1 s idle and its 1000 records)');
