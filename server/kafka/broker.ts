// Starts, restarts and stops real single-node KRaft brokers (combined broker+controller) on free
// 127.0.0.1 ports, each in its own directory, for exactly one lab run or test.
//
// Start-up is tuned for a 2-core machine: the storage is formatted once into a template directory
// that every broker copies (saves a JVM start), the JVM runs with a small heap, SerialGC and C1 only,
// and classes come from an AppCDS archive trained once per JDK + classpath (kept in the cache).
// A broker never outlives its owner: a tiny shell watchdog holds a pipe from this process and
// kills the JVM and deletes the directory when the pipe closes, even if Node dies by SIGKILL;
// directories left by dead owners are swept on the next start.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { closeSync, cpSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { diagnose } from './provision.mjs';
import type { Broker } from './types.ts';
import { REPO_ROOT } from './version.ts';

/** Options for starting a broker; every field has a working default. */
export interface StartBrokerOptions {
  /** Repository root, where server/kafka/pom.xml and .cache/ live. */
  root?: string;
  /** Use this Kafka distribution's libs/ instead of the Maven cache. */
  kafkaHome?: string;
  /** Parent folder of broker directories (default: <os tmpdir>/lag-zero-brokers). */
  brokersDir?: string;
  /** false starts the way the stock scripts do (1 GiB G1 heap, format per broker, no AppCDS): for benchmarks. */
  optimised?: boolean;
  /** Give up waiting for readiness after this long (default 90 s). */
  readyTimeoutMs?: number;
  /** Extra or overriding broker properties (e.g. a lab that needs `min.insync.replicas`). */
  brokerConfig?: Record<string, string | number | boolean>;
  /** Extra JVM flags, appended after ours (benchmarks and experiments). */
  extraJvmFlags?: string[];
  env?: NodeJS.ProcessEnv;
}

/** A running broker this process owns. */
export interface LocalBroker extends Broker {
  controllerPort: number;
  /** The broker's own directory (properties, data, log); deleted by stop(). */
  dir: string;
  /** The JVM's process id (changes on restart). */
  readonly pid: number;
  version: string;
  /** Milliseconds from spawning the JVM to the last readiness (after start or restart). */
  readonly readyMs: number;
  /** Milliseconds from spawn to each readiness step of the last start, and the JVM's CPU time until ready. */
  readonly startup: StartupPhases;
  /** Graceful stop (SIGTERM, SIGKILL after a grace), then deletes the directory. Idempotent. */
  stop(): Promise<void>;
}

/** Where start-up time goes (all in ms since the JVM was spawned, except cpuMs). */
export interface StartupPhases {
  portOpen: number;
  metadata: number;
  groupCoordinator: number;
  transactionCoordinator: number;
  /** User + system CPU the JVM used until ready: a load-independent cost figure. */
  cpuMs: number;
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
const WARM_GROUP = '__lag-zero-warm';
const WARM_TXN = '__lag-zero-warm';
const STOP_GRACE_MS = 15_000;

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

const installs = new Map<string, Promise<KafkaInstall>>();

/**
 * Resolves Java and the jars, and prepares the template directory and AppCDS archive once per
 * JDK + classpath (the first call on a fresh cache takes one extra broker start-stop, ~5-10 s).
 */
export function prepareKafka(opts: StartBrokerOptions = {}): Promise<KafkaInstall> {
  const root = opts.root ?? REPO_ROOT;
  const key = `${root}|${opts.kafkaHome ?? ''}`;
  let p = installs.get(key);
  if (!p) {
    p = prepare(root, opts).catch((err) => {
      installs.delete(key);
      throw err;
    });
    installs.set(key, p);
  }
  return p;
}

async function prepare(root: string, opts: StartBrokerOptions): Promise<KafkaInstall> {
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
  if (!existsSync(install.cdsArchive)) await trainCds(install, opts);
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
async function formatStorage(install: KafkaInstall, dir: string, optimised: boolean): Promise<void> {
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
async function trainCds(install: KafkaInstall, opts: StartBrokerOptions): Promise<void> {
  mkdirSync(join(install.workDir, 'cds'), { recursive: true });
  const tmp = `${install.cdsArchive}.tmp-${process.pid}-${randomBytes(3).toString('hex')}`;
  try {
    const b = await launch(install, { ...opts, optimised: true }, tmp);
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

/** Starts a fresh broker and resolves once it is ready, with internal topics pre-warmed. */
export async function startBroker(opts: StartBrokerOptions = {}): Promise<LocalBroker> {
  const optimised = opts.optimised ?? true;
  const install = await prepareKafka(opts);
  return launch(install, { ...opts, optimised });
}

async function launch(install: KafkaInstall, opts: StartBrokerOptions, trainArchive?: string): Promise<LocalBroker> {
  const brokersDir = opts.brokersDir ?? defaultBrokersDir();
  mkdirSync(brokersDir, { recursive: true });
  sweepOnce(brokersDir);
  let lastErr: unknown;
  for (let attempt = 1; attempt <= 3; attempt++) {
    const [port, controllerPort] = await freePorts(2);
    const dir = join(brokersDir, `b-${process.pid}-${port}-${randomBytes(3).toString('hex')}`);
    mkdirSync(dir, { recursive: true });
    const broker = new LocalBrokerProcess(install, dir, port, controllerPort, opts.optimised ?? true, trainArchive, opts.readyTimeoutMs ?? 90_000, opts.extraJvmFlags ?? []);
    try {
      if (opts.optimised === false) await formatStorage(install, dir, false);
      else cpSync(join(install.template, 'data'), join(dir, 'data'), { recursive: true });
      writeFileSync(join(dir, 'server.properties'), renderBrokerProperties({ port, controllerPort, dataDir: join(dir, 'data'), overrides: opts.brokerConfig }));
      await broker.boot();
      return broker;
    } catch (err) {
      lastErr = err;
      await broker.stop().catch(() => {});
      // Another process may have taken a port between our probe and the JVM's bind: try new ports.
      if (!(err instanceof PortTakenError)) throw err;
    }
  }
  throw lastErr;
}

class PortTakenError extends Error {}

class LocalBrokerProcess implements LocalBroker {
  readonly host = '127.0.0.1';
  readonly bootstrap: string;
  readonly version: string;
  readyMs = 0;
  startup: StartupPhases = { portOpen: 0, metadata: 0, groupCoordinator: 0, transactionCoordinator: 0, cpuMs: 0 };
  private proc: ChildProcess | null = null;
  private watchdog: ChildProcess | null = null;
  private exited: Promise<number | null> = Promise.resolve(null);
  private stopped = false;
  private busy: Promise<void> = Promise.resolve();

  constructor(
    private readonly install: KafkaInstall,
    readonly dir: string,
    readonly port: number,
    readonly controllerPort: number,
    private readonly optimised: boolean,
    private readonly trainArchive: string | undefined,
    private readonly readyTimeoutMs: number,
    private readonly extraJvmFlags: string[],
  ) {
    this.bootstrap = `127.0.0.1:${port}`;
    this.version = install.version;
  }

  get pid(): number {
    return this.proc?.pid ?? -1;
  }

  /** Spawns the JVM plus its watchdog and waits for readiness. */
  async boot(): Promise<void> {
    const started = performance.now();
    const cds = this.optimised && !this.trainArchive && existsSync(this.install.cdsArchive) ? this.install.cdsArchive : undefined;
    const logFd = openSync(join(this.dir, 'broker.log'), 'a');
    const proc = spawn(this.install.javaBin, [
      ...jvmFlags({ optimised: this.optimised, cdsArchive: cds, trainArchive: this.trainArchive }), ...this.extraJvmFlags,
      '-cp', this.install.classpath, 'kafka.Kafka', join(this.dir, 'server.properties'),
    ], { stdio: ['ignore', logFd, logFd], cwd: this.dir });
    closeSync(logFd);
    this.proc = proc;
    this.exited = new Promise((res) => {
      proc.once('exit', (code, signal) => res(code ?? (signal ? -1 : null)));
      proc.once('error', () => res(-1));
    });
    proc.unref();
    this.watchdog = spawnWatchdog(proc.pid!, this.dir);
    writeFileSync(join(this.dir, 'owner.json'), JSON.stringify({
      ownerPid: process.pid, brokerPid: proc.pid, watchdogPid: this.watchdog.pid, port: this.port, startedAt: Date.now(),
    }));
    await this.waitReady(started);
    this.readyMs = Math.round(performance.now() - started);
    this.startup.cpuMs = cpuMsOf(proc.pid!);
  }

  private async waitReady(started: number): Promise<void> {
    const deadline = started + this.readyTimeoutMs;
    let dead = false;
    void this.exited.then(() => { dead = true; });
    const failIfDead = () => {
      if (!dead) return;
      const log = this.logTail();
      if (/BindException|Address already in use/.test(log)) throw new PortTakenError(`port ${this.port} or ${this.controllerPort} was taken`);
      throw new Error(`The Kafka broker exited during start-up. Last log lines: ${log}`);
    };
    while (!(await tcpOpen(this.port))) {
      failIfDead();
      if (performance.now() > deadline) throw new Error(`The Kafka broker did not open port ${this.port} within ${this.readyTimeoutMs} ms. ${this.logTail()}`);
      await sleep(50);
    }
    this.startup.portOpen = Math.round(performance.now() - started);
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        prewarm(this.bootstrap, (phase) => { this.startup[phase] = Math.round(performance.now() - started); }),
        this.exited.then(() => failIfDead()),
        new Promise((_, rej) => {
          timer = setTimeout(() => rej(new Error(`The Kafka broker on ${this.bootstrap} opened its port but was not ready within ${this.readyTimeoutMs} ms. ${this.logTail()}`)), Math.max(1000, deadline - performance.now()));
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
    failIfDead();
  }

  private logTail(): string {
    try {
      return readFileSync(join(this.dir, 'broker.log'), 'utf8').trim().split('\n').slice(-8).join(' | ');
    } catch {
      return '(no broker log)';
    }
  }

  /** Stops the JVM gracefully, escalating to SIGKILL; leaves the directory in place. */
  private async halt(): Promise<void> {
    const proc = this.proc;
    if (proc && proc.exitCode === null && proc.signalCode === null) {
      proc.kill('SIGTERM');
      const grace = this.trainArchive ? STOP_GRACE_MS * 2 : STOP_GRACE_MS;
      let timer: NodeJS.Timeout | undefined;
      const done = await Promise.race([
        this.exited.then(() => true),
        new Promise<boolean>((res) => { timer = setTimeout(() => res(false), grace); }),
      ]);
      clearTimeout(timer);
      if (!done) {
        proc.kill('SIGKILL');
        await this.exited;
      }
    }
    this.watchdog?.kill('SIGKILL');
    this.watchdog = null;
  }

  restart(): Promise<void> {
    const next = this.busy.then(async () => {
      if (this.stopped) throw new Error(`The broker on ${this.bootstrap} was already stopped; it cannot be restarted.`);
      await this.halt();
      // Kafka binds with SO_REUSEADDR, so the same ports are free again straight away.
      await this.boot();
    });
    this.busy = next.catch(() => {});
    return next;
  }

  stop(): Promise<void> {
    const next = this.busy.then(async () => {
      if (this.stopped) return;
      this.stopped = true;
      await this.halt();
      // Asynchronous: a run that left thousands of files behind must not block the event loop.
      await rm(this.dir, { recursive: true, force: true, maxRetries: 2 });
    });
    this.busy = next.catch(() => {});
    return next;
  }
}

/**
 * The watchdog keeps a pipe from this process on its stdin. The pipe closes when this process
 * exits for any reason (SIGKILL included), and then the watchdog stops the JVM and removes the dir.
 * On a normal stop this process kills the watchdog itself after the JVM is gone.
 */
function spawnWatchdog(javaPid: number, dir: string): ChildProcess {
  const script = [
    "trap '' INT TERM HUP",
    'read -r _ || true',
    'kill -TERM "$1" 2>/dev/null',
    'i=0',
    'while kill -0 "$1" 2>/dev/null; do',
    '  i=$((i+1)); if [ "$i" -ge 100 ]; then kill -KILL "$1" 2>/dev/null; break; fi',
    '  sleep 0.1',
    'done',
    'rm -rf "$2"',
  ].join('\n');
  const wd = spawn('/bin/sh', ['-c', script, 'lag-zero-broker-watchdog', String(javaPid), dir], { stdio: ['pipe', 'ignore', 'ignore'] });
  wd.unref();
  (wd.stdin as unknown as Socket | null)?.unref?.();
  wd.stdin?.on('error', () => {});
  return wd;
}

/** Default parent of broker directories. */
export function defaultBrokersDir(): string {
  return join(tmpdir(), 'lag-zero-brokers');
}

const swept = new Set<string>();
function sweepOnce(brokersDir: string): void {
  if (swept.has(brokersDir)) return;
  swept.add(brokersDir);
  sweepOrphanBrokers(brokersDir);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

/**
 * Kills brokers whose owning process is gone and deletes their directories. Returns how many
 * directories were removed. Directories of live owners (other servers, parallel tests) are kept.
 */
export function sweepOrphanBrokers(brokersDir: string): number {
  if (!existsSync(brokersDir)) return 0;
  let removed = 0;
  for (const name of readdirSync(brokersDir)) {
    const dir = join(brokersDir, name);
    let owner: { ownerPid?: number; brokerPid?: number; watchdogPid?: number } | null = null;
    try {
      owner = JSON.parse(readFileSync(join(dir, 'owner.json'), 'utf8'));
    } catch {
      owner = null;
    }
    if (owner?.ownerPid && alive(owner.ownerPid)) continue;
    if (!owner) {
      // A directory being set up right now has no owner.json yet: only sweep stale ones.
      const age = Date.now() - statSync(dir).mtimeMs;
      if (age < 10 * 60_000) continue;
    }
    for (const pid of [owner?.brokerPid, owner?.watchdogPid]) {
      // Only kill a process that is really ours: its command line names this directory.
      if (pid && alive(pid) && cmdline(pid).includes(dir)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
    rmSync(dir, { recursive: true, force: true });
    removed++;
  }
  return removed;
}

/** Waits until the broker answers metadata and has created the group and transaction coordinators' topics. */
async function prewarm(bootstrap: string, mark: (phase: 'metadata' | 'groupCoordinator' | 'transactionCoordinator') => void): Promise<void> {
  const kafka = new Kafka({
    clientId: 'lag-zero-ready',
    brokers: [bootstrap],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1000,
    // Short, frequent retries: the coordinators appear within a second on a healthy broker.
    retry: { retries: 60, initialRetryTime: 50, maxRetryTime: 250, factor: 0.2 },
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.describeCluster();
    mark('metadata');
    // Both internal topics are created in parallel.
    await Promise.all([
      // Finding the group coordinator creates __consumer_offsets and waits for it to load.
      admin.describeGroups([WARM_GROUP]).then(() => mark('groupCoordinator')),
      (async () => {
        const producer = kafka.producer({ transactionalId: WARM_TXN, idempotent: true, maxInFlightRequests: 1 });
        await producer.connect();
        try {
          // InitProducerId needs the transaction coordinator, which creates __transaction_state.
          const txn = await producer.transaction();
          await txn.abort();
          mark('transactionCoordinator');
        } finally {
          await producer.disconnect();
        }
      })(),
    ]);
  } finally {
    await admin.disconnect();
  }
}

/** Reserves `n` distinct free loopback ports (the JVM binds them a moment later; launch() retries on a race). */
export async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(Array.from({ length: n }, () => new Promise<ReturnType<typeof createServer>>((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => res(s));
  })));
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((res) => s.close(res))));
  return ports;
}

function tcpOpen(port: number): Promise<boolean> {
  return new Promise((res) => {
    const sock = new Socket();
    const done = (ok: boolean) => {
      sock.destroy();
      res(ok);
    };
    sock.setTimeout(500, () => done(false));
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
    sock.connect(port, '127.0.0.1');
  });
}

/** CPU time (user + system) a process has used so far, from /proc (clock ticks are 10 ms on Linux). */
function cpuMsOf(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((res) => setTimeout(res, ms));
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

/** True when a java process with this pid exists (for tests of the watchdog). */
export function processAlive(pid: number): boolean {
  return alive(pid) && !/^\s*$/.test(cmdline(pid));
}
