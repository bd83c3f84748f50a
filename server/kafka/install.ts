// What local brokers are started from: Java and the Kafka jars (resolved by provision.mjs), the
// broker properties and JVM flags, and two things prepared once per JDK + classpath in the cache.
// The storage is formatted once into a template directory that every broker copies (saves a JVM
// start), and classes come from an AppCDS archive trained by one broker start-stop.
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { diagnose } from './provision.mjs';
import { REPO_ROOT } from './version.ts';

/** Where the jars come from; every field has a working default. */
export interface InstallOptions {
  /** Repository root, where server/kafka/pom.xml and .cache/ live. */
  root?: string;
  /** Use this Kafka distribution's libs/ instead of the Maven cache. */
  kafkaHome?: string;
  env?: NodeJS.ProcessEnv;
}

/** What brokers are started from: resolved once per classpath and reused. */
export interface KafkaInstall {
  javaBin: string;
  javaVersion: string;
  version: string;
  libs: string;
  /** Explicit, sorted classpath (AppCDS checks it, so it must be stable). */
  classpath: string;
  /** Cache folder for the template directory and the AppCDS archive. */
  workDir: string;
  template: string;
  cdsArchive: string;
}

const LOG4J_CONFIG = join(REPO_ROOT, 'server', 'kafka', 'log4j2.properties');

/** The broker+controller properties for one broker (notes §1.3 plus lab limits). */
export function renderBrokerProperties(p: { port: number; controllerPort: number; dataDir: string; overrides?: Record<string, string | number | boolean> }): string {
  const props: Record<string, string | number | boolean> = {
    'process.roles': 'broker,controller',
    'node.id': 1,
    // A static quorum keeps the formatted template free of ports, so one template fits any broker.
    'controller.quorum.voters': `1@127.0.0.1:${p.controllerPort}`,
    listeners: `PLAINTEXT://127.0.0.1:${p.port},CONTROLLER://127.0.0.1:${p.controllerPort}`,
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${p.port}`,
    'inter.broker.listener.name': 'PLAINTEXT',
    'controller.listener.names': 'CONTROLLER',
    'listener.security.protocol.map': 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    'log.dirs': p.dataDir,
    'num.partitions': 1,
    'default.replication.factor': 1,
    // Topics are created explicitly by graders and learners, so a typo fails loudly instead of auto-creating.
    'auto.create.topics.enable': false,
    'offsets.topic.replication.factor': 1,
    'offsets.topic.num.partitions': 1,
    'transaction.state.log.replication.factor': 1,
    'transaction.state.log.min.isr': 1,
    'transaction.state.log.num.partitions': 1,
    'share.coordinator.state.topic.replication.factor': 1,
    'share.coordinator.state.topic.min.isr': 1,
    'group.initial.rebalance.delay.ms': 0,
    'group.min.session.timeout.ms': 1000,
    'log.cleaner.dedupe.buffer.size': 8 * 1024 * 1024,
    // Fewer threads: less to start on 2 cores, and plenty for one lab's clients.
    'num.network.threads': 2,
    'num.io.threads': 2,
    'num.recovery.threads.per.data.dir': 1,
    'background.threads': 2,
    'group.coordinator.threads': 1,
    'share.coordinator.threads': 1,
    // Lab-sized limits: a runaway learner program cannot fill the disk.
    'message.max.bytes': 1024 * 1024,
    'log.segment.bytes': 16 * 1024 * 1024,
    'log.retention.bytes': 64 * 1024 * 1024,
    ...p.overrides,
  };
  return `${Object.entries(props).map(([k, v]) => `${k}=${v}`).join('\n')}\n`;
}

/** JVM flags: the tuned set, or the stock scripts' defaults when `optimised` is false. */
export function jvmFlags(p: { optimised: boolean; cdsArchive?: string; trainArchive?: string }): string[] {
  const common = ['-Djava.awt.headless=true', '-Djava.net.preferIPv4Stack=true', `-Dlog4j2.configurationFile=${LOG4J_CONFIG}`];
  if (!p.optimised) {
    return ['-Xms1G', '-Xmx1G', '-XX:+UseG1GC', '-XX:MaxGCPauseMillis=20', '-XX:InitiatingHeapOccupancyPercent=35', '-XX:+ExplicitGCInvokesConcurrent', ...common];
  }
  // A 96 MiB young generation: start-up allocates ~60 MiB, so this leaves one young GC instead of three.
  const flags = ['-Xms128m', '-Xmx384m', '-Xmn96m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-XX:-UsePerfData', '-XX:+ExitOnOutOfMemoryError', ...common];
  if (p.trainArchive) flags.push(`-XX:ArchiveClassesAtExit=${p.trainArchive}`);
  else if (p.cdsArchive) flags.push(`-XX:SharedArchiveFile=${p.cdsArchive}`, '-Xshare:auto');
  return flags;
}

/** Starts a broker of `install` that dumps its loaded classes into `archive` when it exits cleanly. */
export type TrainingStart = (install: KafkaInstall, archive: string) => Promise<{ stop(): Promise<void> }>;

/**
 * Resolves Java and the jars, and formats the template directory and trains the AppCDS archive
 * when the cache lacks them (`train` starts the one training broker).
 */
export async function prepareInstall(root: string, opts: InstallOptions, train: TrainingStart): Promise<KafkaInstall> {
  const env = opts.env ?? process.env;
  const d = diagnose({ root, env, kafkaHome: opts.kafkaHome });
  if (d.missing.length || !d.libs || !d.java.bin || !d.java.version) {
    throw new Error(`Kafka cannot start here. Missing: ${d.missing.join('; ')}. Fix: ${d.fix.join(' ')}`);
  }
  const jars = readdirSync(d.libs).filter((f) => f.endsWith('.jar')).sort();
  const classpath = jars.map((f) => join(d.libs!, f)).join(':');
  const workDir = d.source === 'kafka-home'
    ? join(root, '.cache', 'kafka', `home-${hash(d.libs)}`)
    : join(root, '.cache', 'kafka', d.version);
  const cdsKey = hash(`${resolve(d.java.bin)}|${d.java.version}|${jvmFlags({ optimised: true }).join(' ')}|${classpath}|${jars.map((j) => { const st = statSync(join(d.libs!, j)); return `${st.size}@${st.mtimeMs}`; }).join(',')}`);
  const install: KafkaInstall = {
    javaBin: d.java.bin, javaVersion: d.java.version, version: d.version, libs: d.libs, classpath, workDir,
    template: join(workDir, 'template'),
    cdsArchive: join(workDir, 'cds', `kafka-${cdsKey}.jsa`),
  };
  mkdirSync(workDir, { recursive: true });
  if (!existsSync(join(install.template, 'data', 'meta.properties'))) await formatTemplate(install);
  if (!existsSync(install.cdsArchive)) await trainCds(install, train);
  return install;
}

function hash(s: string): string {
  return createHash('sha256').update(s).digest('hex').slice(0, 12);
}

/** A random KRaft cluster id: 16 bytes, URL-safe base64 without padding, not starting with '-'. */
export function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

async function formatTemplate(install: KafkaInstall): Promise<void> {
  const tmp = `${install.template}.tmp-${process.pid}-${randomBytes(3).toString('hex')}`;
  await formatStorage(install, tmp, true);
  try {
    renameSync(tmp, install.template);
  } catch {
    // Another process formatted it first; theirs is as good as ours.
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Runs kafka.tools.StorageTool format for a static-quorum node into `<dir>/data`. */
export async function formatStorage(install: KafkaInstall, dir: string, optimised: boolean): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const props = join(dir, 'format.properties');
  // Ports are placeholders: with a static quorum nothing port-specific is written to disk.
  writeFileSync(props, renderBrokerProperties({ port: 9092, controllerPort: 9093, dataDir: join(dir, 'data') }));
  const flags = optimised ? ['-Xms64m', '-Xmx256m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-XX:-UsePerfData'] : [];
  const res = await run(install.javaBin, [
    ...flags, `-Dlog4j2.configurationFile=${LOG4J_CONFIG}`, '-cp', install.classpath,
    'kafka.tools.StorageTool', 'format', '-c', props, '-t', newClusterId(),
  ]);
  if (res.code !== 0 || !existsSync(join(dir, 'data', 'meta.properties'))) {
    throw new Error(`Formatting Kafka storage failed (exit ${res.code}): ${res.output.trim().split('\n').slice(-5).join(' | ')}`);
  }
}

/** One training run: start a broker that dumps its loaded classes at a clean exit, warm it, stop it. */
async function trainCds(install: KafkaInstall, train: TrainingStart): Promise<void> {
  mkdirSync(join(install.workDir, 'cds'), { recursive: true });
  const tmp = `${install.cdsArchive}.tmp-${process.pid}-${randomBytes(3).toString('hex')}`;
  try {
    const b = await train(install, tmp);
    await b.stop();
    if (existsSync(tmp) && statSync(tmp).size > 0) {
      renameSync(tmp, install.cdsArchive);
      // Archives for an older JDK or classpath can never be used again (~50 MB each).
      const dir = join(install.workDir, 'cds');
      for (const f of readdirSync(dir)) {
        if (/^kafka-[0-9a-f]+\.jsa$/.test(f) && join(dir, f) !== install.cdsArchive) rmSync(join(dir, f), { force: true });
      }
    }
  } catch (err) {
    // Without an archive brokers still start, only slower.
    console.warn(`[kafka] AppCDS training failed, brokers will start without it: ${(err as Error).message}`);
  } finally {
    rmSync(tmp, { force: true });
  }
}

function run(bin: string, args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((res) => {
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => { output += d; });
    child.stderr.on('data', (d) => { output += d; });
    child.once('error', (err) => res({ code: -1, output: err.message }));
    child.once('close', (code) => res({ code, output }));
  });
}
