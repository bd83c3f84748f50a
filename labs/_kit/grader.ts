// The grader contract every labs/<slug>/grader.ts implements. A grader declares the topics a run
// needs and the environment the learner's program gets, seeds input (setup), drives the program
// and injects faults (scenario), then runs ordered checks that look only at what the broker saw.
import type { Evidence, FaultKind, ProgramExit } from './results.ts';
import type { Rng } from './rng.ts';
import type { WireEvent } from './wire.ts';

export type { WireEvent } from './wire.ts';

export type { Evidence, FaultKind, FaultRecord, ProgramExit } from './results.ts';

/** What a check (or a shared check helper) concludes. */
export interface CheckOutcome {
  pass: boolean;
  /** For a failure: one or two sentences naming the evidence. For a pass: optional summary. */
  message?: string;
  /** The records, offsets or counts the verdict rests on (failures first, capped by the helpers). */
  evidence: Evidence[];
}

/** A record as the grader reads it back from the broker. */
export interface ObservedRecord {
  topic: string;
  partition: number;
  /** Kafka offsets are 64-bit; kept as decimal strings like kafkajs does. */
  offset: string;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
  timestamp: string;
  /** Producer id of the record's batch; -1 for a producer without idempotence. */
  producerId: string;
  /** Whether the batch was written inside a transaction. */
  inTransaction: boolean;
}

/** How a record stands with respect to transactions, from the log's own control markers. */
export type TxnState = 'none' | 'committed' | 'aborted' | 'open';

/** A record read straight from the log, with its batch's metadata. */
export interface LogRecord extends ObservedRecord {
  txn: TxnState;
  producerEpoch: number;
  baseSequence: number;
  codec: string;
  /** Offset of the first record of its batch (records of one batch share it). */
  batchOffset: string;
}

/** One partition of a topic as the log holds it: every data record and every control marker. */
export interface PartitionLog {
  partition: number;
  logStartOffset: number;
  highWatermark: number;
  records: LogRecord[];
  /** Transaction markers: offset, producer and whether it committed or aborted. */
  markers: { offset: number; producerId: string; type: 'commit' | 'abort' | 'other' }[];
}

/** A whole topic read back without any consumer group; `problems` lists what could not be read (limits). */
export interface TopicLog {
  topic: string;
  partitions: PartitionLog[];
  problems: string[];
}

/** A group's committed offset for one partition; offset is -1 when nothing was committed. */
export interface CommittedOffset {
  topic: string;
  partition: number;
  offset: number;
}

/** One offset commit as recorded in __consumer_offsets, with how it was written. */
export interface OffsetCommitRecord {
  group: string;
  topic: string;
  partition: number;
  /** The committed position, or null for a deletion. */
  offset: number | null;
  /** Offset of this commit record inside __consumer_offsets (for evidence). */
  logOffset: string;
  /** True when the commit came from a transaction (sendOffsets), false for a plain commitOffsets. */
  transactional: boolean;
}

/** Controls for the learner's program: one or several sandboxed instances sharing the lab's env. */
export interface ProgramControl {
  /**
   * Starts `instances` new instances (default 1). Returns their instance numbers. Each instance gets
   * TRANSACTIONAL_ID suffixed with its number, or `transactionalIdOf`'s (a replacement for it: the
   * zombie test). With `stdin`, the grader feeds the instance's standard input (write / endInput).
   */
  start(opts?: { instances?: number; transactionalIdOf?: number; stdin?: boolean }): Promise<number[]>;
  /** SIGSTOPs an instance (a frozen process: its connections stay open); recorded as a fault. */
  pause(instance: number): Promise<void>;
  /** SIGCONTs a paused instance; recorded as a fault. */
  resume(instance: number): Promise<void>;
  /** Writes to an instance's standard input; false when it has ended. */
  write(instance: number, text: string): boolean;
  /** Closes an instance's standard input. */
  endInput(instance: number): void;
  /** SIGKILLs an instance (default: all running) without warning, like a crashed host. */
  kill(instance?: number): Promise<void>;
  /** Waits up to `graceMs` for instances to exit on their own, then kills what is left. */
  stop(opts?: { instance?: number; graceMs?: number }): Promise<void>;
  /** Kills an instance and starts it again with the same environment (same transactional id). */
  restart(instance?: number): Promise<void>;
  /** Resolves true once every running instance has exited by itself, false on timeout. */
  waitForExit(timeoutMs: number): Promise<boolean>;
  /** Instance numbers still running. */
  running(): number[];
  /** Every exit so far, in order. */
  exits(): ProgramExit[];
}

/** Options for reading a topic back. */
export interface ReadOptions {
  isolation?: 'read_committed' | 'read_uncommitted';
}

/** Everything a grader can use during one run. */
export interface GraderContext {
  /** The run's broker, `127.0.0.1:<port>`. */
  bootstrap: string;
  /** The run's seed. Grader-only: the program never sees it, so it cannot predict the input. */
  seed: number;
  /** Deterministic randomness derived from the seed. */
  rng: Rng;
  /** The environment the learner's program gets (KAFKA_BROKERS, topics, ids, ...). */
  env: Readonly<Record<string, string>>;
  program: ProgramControl;
  broker: {
    /** Restarts the broker (same ports and data); recorded in the fault schedule. */
    restart(): Promise<void>;
  };
  faults: {
    /**
     * Arms a fault on what the relay observes. It fires on the first response matching `when`
     * (before the program hears back): `lose-response` drops it and breaks the connection (the
     * broker did the work), `kill` SIGKILLs the instance first, `pause` SIGSTOPs it first and then
     * delivers. Recorded in the fault schedule when it fires. Resolves with the event it fired on,
     * or null when nothing matched within `timeoutMs` (then the fault never hit in-flight work,
     * and the check it exists for must fail).
     */
    arm(opts: { kind: 'lose-response' | 'kill' | 'pause'; describe: string; when: (event: WireEvent, events: readonly WireEvent[]) => boolean; instances?: number[]; timeoutMs: number }): Promise<WireEvent | null>;
  };
  /** The wire log of every instance so far (see wire.ts); `overflowed` when it hit its size cap. */
  wire: { events(): readonly WireEvent[]; overflowed(): boolean };
  /** Produces records (plain, or inside one transaction that is committed or aborted). */
  produce(topic: string, records: { key: string | null; value: string; headers?: Record<string, string>; partition?: number }[], opts?: { transaction?: 'commit' | 'abort' }): Promise<void>;
  /** Every record currently in the topic, per partition in offset order. */
  readTopic(topic: string, opts?: ReadOptions): Promise<ObservedRecord[]>;
  /** The topic's whole log without a consumer group: data records with their transaction state, markers, log start and end. */
  readLog(topic: string): Promise<TopicLog>;
  /** High watermark per partition (a cheap progress probe). */
  endOffsets(topic: string): Promise<Map<number, number>>;
  /** The group's committed offsets for the topic (-1 where nothing was committed). */
  committedOffsets(groupId: string, topic: string): Promise<CommittedOffset[]>;
  /** Every offset commit the broker recorded for the group, from __consumer_offsets. */
  offsetCommitLog(groupId: string): Promise<OffsetCommitRecord[]>;
  /** Polls `probe` every `intervalMs` until it returns true; false on timeout (recorded as a note). */
  waitFor(description: string, probe: () => Promise<boolean> | boolean, opts: { timeoutMs: number; intervalMs?: number }): Promise<boolean>;
  sleep(ms: number): Promise<void>;
  /** Records a fault in the schedule (program and broker controls do this themselves). */
  recordFault(kind: FaultKind, detail: string): void;
  /** Adds a line to the run's notes (shown with the results). */
  note(text: string): void;
  /** Data the scenario wants to hand to the checks (e.g. a snapshot taken at kill time). */
  shared: Record<string, unknown>;
}

/** One graded statement about the run. The name is the learner's feedback when it fails. */
export interface Check {
  /** A plain sentence that is true when the learner succeeded ("Every key's records stay in order"). */
  name: string;
  /** The lab.mdx task this check belongs to. */
  taskId: string;
  run(ctx: GraderContext): Promise<CheckOutcome> | CheckOutcome;
}

/** A topic the run creates before the program starts. */
export interface TopicSpec {
  name: string;
  partitions: number;
}

/** A complete grader definition. */
export interface Grader {
  topics: TopicSpec[];
  /** Environment for the program besides KAFKA_BROKERS (which the runner adds). */
  env: Record<string, string>;
  /** Consumer groups the program may use (the relay refuses every other group). Default: none. */
  groups?: string[];
  /** APIs from the relay's deny list this lab needs (e.g. "CreateTopics"). Default: none. */
  allowApis?: string[];
  /** Seeds input before the program starts. */
  setup?(ctx: GraderContext): Promise<void>;
  /** Starts the program, injects faults and waits for it to finish its work. */
  scenario(ctx: GraderContext): Promise<void>;
  /** Ordered checks; the results list them in this order. */
  checks: Check[];
}

/** Declares a grader; validates the shape so a broken grader fails loudly in the lab proofs. */
export function defineGrader(grader: Grader): Grader {
  if (grader.checks.length === 0) throw new Error('A grader needs at least one check: zero checks can never be a pass.');
  const names = new Set<string>();
  for (const c of grader.checks) {
    if (names.has(c.name)) throw new Error(`Duplicate check name: ${c.name}`);
    names.add(c.name);
  }
  return grader;
}
