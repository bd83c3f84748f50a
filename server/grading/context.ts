// Builds the GraderContext for one run: the learner's program as sandboxed instances (start, stop,
// kill, restart), the run's broker (restart as a fault), lost Produce responses (a fault in each
// instance's relay), Kafka read/produce helpers, waits with timeouts, and the fault schedule and
// notes that end up in the results.
import type { Admin, Kafka } from 'kafkajs';
import type { FaultKind, FaultRecord, GraderContext, ProgramControl, ProgramExit, TopicLog, WireEvent } from '../../labs/_kit/grader.ts';
import { committedOffsets, endOffsets, offsetCommitLog, produceRecords } from '../../labs/_kit/kafka.ts';
import { createRng } from '../../labs/_kit/rng.ts';
import type { Broker } from '../kafka/types.ts';
import { createWireLog, type ExitInfo, type ProgramLaunch, type ProgramSpec, type SandboxedProgram } from '../sandbox/index.ts';
import { visibleRecords } from './log-reader.ts';
import { tailLines } from './output.ts';

/** Starts one sandboxed instance (startSandboxedProgram in production; injectable for tests). */
export type LaunchProgram = (spec: ProgramSpec) => Promise<SandboxedProgram>;

/** What the context needs from the pipeline. */
export interface ContextOptions {
  broker: Broker;
  kafka: Kafka;
  admin: Admin;
  /** The compiled program, in its language. */
  program: ProgramLaunch;
  seed: number;
  env: Record<string, string>;
  launch: LaunchProgram;
  /** Wall-clock limit per program instance. */
  wallMs: number;
  label: string;
  onOutput(instance: number, stream: 'stdout' | 'stderr', text: string): void;
  onFault(fault: FaultRecord): void;
  /** Reads a topic's whole log (log-reader.ts). */
  readLog(topic: string): Promise<TopicLog>;
  /** Consumer groups and extra APIs the program may use (the relay refuses the rest). */
  policy: { groups: string[]; allowApis: string[] };
  /** Topic id (hex) → name for the run's topics. */
  topicIds: Map<string, string>;
}

interface Instance {
  id: number;
  program: SandboxedProgram;
  byGrader: boolean;
  done: boolean;
  /** Whose TRANSACTIONAL_ID this instance uses. */
  txnOf: number;
  exit?: Promise<ExitInfo>;
}

/** The context plus what the pipeline reads back after the scenario. */
export interface RunContext {
  ctx: GraderContext;
  faults: FaultRecord[];
  notes: string[];
  exits: ProgramExit[];
  /** Kills every instance still running (end of scenario); not recorded as a fault. */
  shutdownPrograms(): Promise<void>;
  /** Full captured output per instance (for stderr tails). */
  output: Map<number, string>;
  /** The run's wire log. */
  wire: ReturnType<typeof createWireLog>;
}

/** Creates the grading context for one run. */
export function createRunContext(o: ContextOptions): RunContext {
  const started = Date.now();
  const faults: FaultRecord[] = [];
  const notes: string[] = [];
  const exits: ProgramExit[] = [];
  const instances = new Map<number, Instance>();
  const output = new Map<number, string>();
  let nextId = 1;
  // No seed for the program: the input it must process comes from the grader, never from RUN_SEED.
  const env: Record<string, string> = { ...o.env, KAFKA_BROKERS: o.broker.bootstrap, KAFKAJS_NO_PARTITIONER_WARNING: '1' };
  const wire = createWireLog(o.policy, started);
  for (const [id, name] of o.topicIds) wire.topicIds.set(id, name);

  const recordFault = (kind: FaultKind, detail: string): FaultRecord => {
    const f: FaultRecord = { kind, atMs: Date.now() - started, detail };
    faults.push(f);
    o.onFault(f);
    return f;
  };

  // Reads made while no program runs are reused by later checks; a new instance invalidates them.
  const cache = new Map<string, TopicLog>();

  async function launchInstance(id: number, txnOf = id, stdin = false): Promise<void> {
    cache.clear();
    const instanceEnv: Record<string, string> = { ...env, INSTANCE_ID: String(id) };
    if (env.TRANSACTIONAL_ID) instanceEnv.TRANSACTIONAL_ID = `${env.TRANSACTIONAL_ID}-${txnOf}`;
    const tap = wire.tapFor(id, {
      kill: async () => {
        const inst = instances.get(id);
        if (inst && !inst.done) await killInstances([inst], false);
      },
      pause: async () => {
        const inst = instances.get(id);
        if (inst && !inst.done) await inst.program.pause();
      },
    });
    const program = await o.launch({
      tap,
      stdin,
      launch: o.program,
      env: instanceEnv,
      broker: { host: '127.0.0.1', port: o.broker.port },
      limits: { wallMs: o.wallMs },
      label: `${o.label} instance ${id}`,
      onOutput: (stream, text) => {
        output.set(id, (output.get(id) ?? '') + text);
        o.onOutput(id, stream, text);
      },
    });
    const inst: Instance = { id, program, byGrader: false, done: false, txnOf };
    inst.exit = program.exited.then((info) => {
      inst.done = true;
      exits.push({
        instance: id,
        reason: info.reason,
        code: info.code,
        signal: info.signal,
        byGrader: inst.byGrader,
        wallMs: info.wallMs,
        stderrTail: tailLines(info.stderr),
      });
      return info;
    });
    instances.set(id, inst);
  }

  const live = () => [...instances.values()].filter((i) => !i.done);
  const pick = (instance?: number) => (instance === undefined ? live() : live().filter((i) => i.id === instance));

  async function killInstances(list: Instance[], record: boolean, kind: FaultKind = 'program-kill'): Promise<void> {
    for (const i of list) {
      i.byGrader = true;
      if (record) recordFault(kind, `SIGKILL instance ${i.id}`);
      await i.program.kill();
      await i.exit;
    }
  }

  const program: ProgramControl = {
    async start(opts = {}) {
      const ids: number[] = [];
      for (let n = 0; n < (opts.instances ?? 1); n++) {
        const id = nextId++;
        await launchInstance(id, opts.transactionalIdOf ?? id, opts.stdin ?? false);
        ids.push(id);
      }
      if (faults.length > 0 || ids[0] > 1) recordFault('program-start', `started instance(s) ${ids.join(', ')}`);
      return ids;
    },
    async kill(instance) {
      await killInstances(pick(instance), true);
    },
    async stop(opts = {}) {
      const list = pick(opts.instance);
      const grace = opts.graceMs ?? 0;
      if (grace > 0) await Promise.race([Promise.all(list.map((i) => i.exit)), sleep(grace)]);
      await killInstances(list.filter((i) => !i.done), false);
    },
    async restart(instance) {
      const list = pick(instance);
      for (const i of list) {
        i.byGrader = true;
        recordFault('program-restart', `SIGKILL instance ${i.id}, then start it again with the same environment`);
        await i.program.kill();
        await i.exit;
        await launchInstance(i.id, i.txnOf);
      }
    },
    async pause(instance) {
      const i = instances.get(instance);
      if (!i || i.done) return;
      recordFault('program-pause', `SIGSTOP instance ${instance}: frozen, its connections stay open`);
      await i.program.pause();
    },
    async resume(instance) {
      const i = instances.get(instance);
      if (!i || i.done) return;
      recordFault('program-resume', `SIGCONT instance ${instance}`);
      await i.program.resume();
    },
    write: (instance, text) => {
      const i = instances.get(instance);
      return i !== undefined && !i.done && i.program.write(text);
    },
    endInput: (instance) => instances.get(instance)?.program.endInput(),
    async waitForExit(timeoutMs) {
      const all = Promise.all(live().map((i) => i.exit)).then(() => true);
      return Promise.race([all, sleep(timeoutMs).then(() => false)]);
    },
    running: () => live().map((i) => i.id),
    exits: () => [...exits],
  };

  const ctx: GraderContext = {
    bootstrap: o.broker.bootstrap,
    seed: o.seed,
    rng: createRng(o.seed),
    env,
    program,
    broker: {
      async restart() {
        const f = recordFault('broker-restart', 'broker stopped gracefully and started again on the same port and data');
        const t = Date.now();
        await o.broker.restart();
        f.durationMs = Date.now() - t;
      },
    },
    faults: {
      async arm(opts) {
        const hit = await wire.arm({ kind: opts.kind, when: (e, log) => opts.when(e, log.events), instances: opts.instances, timeoutMs: opts.timeoutMs });
        if (!hit) {
          notes.push(`A fault was armed but never fired within ${opts.timeoutMs} ms: ${opts.describe}.`);
          return null;
        }
        const kind = opts.kind === 'lose-response' ? 'response-lost' : opts.kind === 'kill' ? 'program-kill' : 'program-pause';
        const inst = instances.get(hit.event.instance);
        if (inst && opts.kind !== 'lose-response') inst.byGrader = true;
        recordFault(kind, `instance ${hit.event.instance}: ${opts.describe} (${describeWire(hit.event)})`);
        return hit.event;
      },
    },
    wire: { events: () => wire.events, overflowed: () => wire.overflowed },
    produce: async (topic, records, opts) => {
      cache.delete(`${topic}|read_committed`);
      cache.delete(`${topic}|read_uncommitted`);
      await produceRecords(o.kafka, topic, records, opts);
    },
    async readLog(topic) {
      // Once no program runs, topics cannot change: reuse reads across checks.
      const frozen = live().length === 0;
      const hit = frozen ? cache.get(topic) : undefined;
      const log = hit ?? (await o.readLog(topic));
      if (frozen) cache.set(topic, log);
      if (!hit) for (const p of log.problems) if (!notes.includes(p)) notes.push(p);
      return log;
    },
    async readTopic(topic, opts = {}) {
      return visibleRecords(await ctx.readLog(topic), opts.isolation ?? 'read_committed');
    },
    endOffsets: (topic) => endOffsets(o.admin, topic),
    committedOffsets: (groupId, topic) => committedOffsets(o.admin, groupId, topic),
    offsetCommitLog: (groupId) => offsetCommitLog(o.kafka, o.admin, groupId),
    async waitFor(description, probe, opts) {
      const deadline = Date.now() + opts.timeoutMs;
      for (;;) {
        if (await probe()) return true;
        if (Date.now() >= deadline) {
          notes.push(`Timed out after ${opts.timeoutMs} ms waiting for ${description}.`);
          return false;
        }
        await sleep(opts.intervalMs ?? 50);
      }
    },
    sleep,
    recordFault: (kind, detail) => void recordFault(kind, detail),
    note: (text) => void notes.push(text),
    shared: {},
  };

  return {
    ctx,
    faults,
    notes,
    exits,
    output,
    wire,
    shutdownPrograms: async () => {
      wire.disarmAll();
      // A paused instance must be able to die.
      for (const i of live()) await i.program.resume().catch(() => {});
      await killInstances(live(), false);
    },
  };
}

/** A short description of the wire event a fault fired on. */
export function describeWire(e: WireEvent): string {
  switch (e.type) {
    case 'produce': {
      const n = e.partitions.reduce((a, p) => a + p.records.length, 0);
      const where = [...new Set(e.partitions.map((p) => `${p.topic} partition ${p.partition}`))].join(', ');
      return `Produce of ${n} record(s) to ${where}${e.transactionalId ? ` in a transaction of ${e.transactionalId}` : ''}`;
    }
    case 'offset-commit':
      return `OffsetCommit for group ${e.groupId}: ${e.offsets.map((o) => `partition ${o.partition} → ${o.offset}`).join(', ')}`;
    case 'txn-offset-commit':
      return `TxnOffsetCommit for group ${e.groupId}: ${e.offsets.map((o) => `partition ${o.partition} → ${o.offset}`).join(', ')}`;
    case 'end-txn':
      return `EndTxn (${e.committed ? 'commit' : 'abort'}) of ${e.transactionalId}`;
    default:
      return e.type;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
