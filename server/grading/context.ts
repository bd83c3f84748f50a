// Builds the GraderContext for one run: the learner's program as sandboxed instances (start, stop,
// kill, restart), the run's broker (restart as a fault), lost Produce responses (a fault in each
// instance's relay), Kafka read/produce helpers, waits with timeouts, and the fault schedule and
// notes that end up in the results.
import type { Admin, Kafka } from 'kafkajs';
import type { FaultRecord, GraderContext, ProgramControl, ProgramExit } from '../../labs/_kit/grader.ts';
import { committedOffsets, endOffsets, offsetCommitLog, produceRecords, readTopicRaw } from '../../labs/_kit/kafka.ts';
import { createRng } from '../../labs/_kit/rng.ts';
import type { Broker } from '../kafka/types.ts';
import type { ExitInfo, ProgramSpec, SandboxedProgram } from '../sandbox/index.ts';
import { tailLines } from './output.ts';

/** Starts one sandboxed instance (startSandboxedProgram in production; injectable for tests). */
export type LaunchProgram = (spec: ProgramSpec) => Promise<SandboxedProgram>;

/** What the context needs from the pipeline. */
export interface ContextOptions {
  broker: Broker;
  kafka: Kafka;
  admin: Admin;
  js: string;
  seed: number;
  env: Record<string, string>;
  launch: LaunchProgram;
  /** Wall-clock limit per program instance. */
  wallMs: number;
  label: string;
  onOutput(instance: number, stream: 'stdout' | 'stderr', text: string): void;
  onFault(fault: FaultRecord): void;
}

interface Instance {
  id: number;
  program: SandboxedProgram;
  byGrader: boolean;
  done: boolean;
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
  const env: Record<string, string> = { ...o.env, KAFKA_BROKERS: o.broker.bootstrap, RUN_SEED: String(o.seed), KAFKAJS_NO_PARTITIONER_WARNING: '1' };

  const recordFault = (kind: string, detail: string): FaultRecord => {
    const f: FaultRecord = { kind, atMs: Date.now() - started, detail };
    faults.push(f);
    o.onFault(f);
    return f;
  };

  // Reads made while no program runs are reused by later checks; a new instance invalidates them.
  const cache = new Map<string, Awaited<ReturnType<typeof readTopicRaw>>>();

  async function launchInstance(id: number): Promise<void> {
    cache.clear();
    const instanceEnv: Record<string, string> = { ...env, INSTANCE_ID: String(id) };
    if (env.TRANSACTIONAL_ID) instanceEnv.TRANSACTIONAL_ID = `${env.TRANSACTIONAL_ID}-${id}`;
    const program = await o.launch({
      js: o.js,
      env: instanceEnv,
      broker: { host: '127.0.0.1', port: o.broker.port },
      limits: { wallMs: o.wallMs },
      label: `${o.label} instance ${id}`,
      onOutput: (stream, text) => {
        output.set(id, (output.get(id) ?? '') + text);
        o.onOutput(id, stream, text);
      },
    });
    const inst: Instance = { id, program, byGrader: false, done: false };
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

  async function killInstances(list: Instance[], record: boolean, kind = 'program-kill'): Promise<void> {
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
        await launchInstance(id);
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
        await launchInstance(i.id);
      }
    },
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
      async loseProduceResponse(opts = {}) {
        const losses = await Promise.all(
          live().map(async (i) => {
            const lost = await i.program.loseProduceResponse(opts);
            if (lost) {
              const topics = lost.topics.length > 0 ? `, topic ${lost.topics.join(', ')}` : '';
              recordFault('produce-response-lost', `instance ${i.id}: the broker wrote Produce request ${lost.request} (correlation id ${lost.correlationId}${topics}) but its response was dropped and the connection closed`);
            }
            return lost;
          }),
        );
        return losses.filter((l) => l !== null).length;
      },
    },
    produce: async (topic, records, opts) => {
      cache.delete(`${topic}|read_committed`);
      cache.delete(`${topic}|read_uncommitted`);
      await produceRecords(o.kafka, topic, records, opts);
    },
    async readTopic(topic, opts = {}) {
      // Once no program runs, topics cannot change: reuse reads across checks.
      const key = `${topic}|${opts.isolation ?? 'read_committed'}`;
      const frozen = live().length === 0;
      const hit = frozen ? cache.get(key) : undefined;
      const res = hit ?? (await readTopicRaw(o.kafka, o.admin, topic, { isolation: opts.isolation ?? 'read_committed' }));
      if (frozen) cache.set(key, res);
      if (!res.complete && !hit) notes.push(`Reading ${topic} (${opts.isolation ?? 'read_committed'}) stopped before the end of the log: a transaction was still open.`);
      return res.records;
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
    shutdownPrograms: () => killInstances(live(), false),
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
