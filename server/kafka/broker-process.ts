// Starts, restarts and stops real single-node KRaft brokers (combined broker+controller) on free
// 127.0.0.1 ports, each in its own directory, for exactly one lab run or test. A broker is ready
// once it answers metadata and its group and transaction coordinators exist (pre-warmed).
//
// Start-up is tuned for a 2-core machine: brokers copy a pre-formatted template and load classes
// from an AppCDS archive (both from install.ts), and the JVM runs with a small heap, SerialGC and
// C1 only. Each broker gets a watchdog (watchdog.ts) so it never outlives this process.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { closeSync, cpSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { formatStorage, jvmFlags, prepareInstall, renderBrokerProperties, type InstallOptions, type KafkaInstall } from './install.ts';
import type { Broker } from './types.ts';
import { REPO_ROOT } from './version.ts';
import { defaultBrokersDir, spawnWatchdog, sweepOnce } from './watchdog.ts';

/** Options for starting a broker; every field has a working default. */
export interface StartBrokerOptions extends InstallOptions {
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

const WARM_GROUP = '__lag-zero-warm';
const WARM_TXN = '__lag-zero-warm';
const STOP_GRACE_MS = 15_000;
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
    p = prepareInstall(root, opts, (install, archive) => launch(install, { ...opts, optimised: true }, archive)).catch((err) => {
      installs.delete(key);
      throw err;
    });
    installs.set(key, p);
  }
  return p;
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
