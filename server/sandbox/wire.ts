// What the relay understands of the Kafka traffic between a learner's program and its broker.
// Every request frame is decoded from the vendored Apache Kafka message specs; the ones that
// matter for grading become WireEvents (Produce with its records, Fetch isolation, offset commits,
// transactions, group membership), with their responses attached as they come back. A policy
// refuses the admin mutations a lab does not need (the relay answers them itself with an
// authorization error, so the request never reaches the broker) and the use of consumer groups
// other than the lab's. Decoding is bounded: oversized frames, too many headers and decompression
// bombs are refused, never expanded.
import { ProtocolError, Reader, decodeRequest, decodeResponse, encodeResponse, type Message } from '../kafka/protocol/codec.ts';
import { API_NAMES } from '../kafka/protocol/api-names.ts';
import { decodeBatches, RecordLimitError, type DecodedBatch } from '../kafka/protocol/records.ts';
import { apiSpecs, inRange, type FieldSpec, type MessageSpec } from '../kafka/protocol/schema.ts';

/** Largest request frame the relay accepts from a program (the broker's own default is 100 MiB). */
export const MAX_REQUEST_BYTES = 16 * 1024 * 1024;
/** Largest response frame the relay passes on. */
export const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;
/** Most events kept per run; after that the log says it overflowed (checks that need it then fail). */
export const MAX_WIRE_EVENTS = 50_000;
/** Bytes of one record key or value kept in the log. */
const MAX_KEPT_BYTES = 4096;

export type { WireEvent, WireEventBody, WireEventType, WireProducePartition, WireRecord, WireResponse } from '../../labs/_kit/wire.ts';
import type { WireEventBody, WireProducePartition } from '../../labs/_kit/wire.ts';

/** What the lab allows besides producing, consuming and its own groups. */
export interface WirePolicy {
  /** Consumer groups the program may join, commit for and use in transactions. */
  groups: readonly string[];
  /** Extra API names the lab needs (e.g. "CreateTopics"); everything in DENIED_APIS is refused otherwise. */
  allowApis?: readonly string[];
  /** Topic id (hex) → name, so requests that name topics by id can be logged by name. */
  topicIds: ReadonlyMap<string, string>;
}

/** APIs a learner program never needs in our labs: they rewrite history, topics, configs or security. */
export const DENIED_APIS: Readonly<Record<string, { code: number; why: string }>> = {
  CreateTopics: { code: 29, why: 'the lab creates every topic the program needs' },
  DeleteTopics: { code: 29, why: 'deleting topics would erase what the grader checks' },
  DeleteRecords: { code: 29, why: 'deleting records would rewrite the log the grader checks' },
  CreatePartitions: { code: 29, why: 'adding partitions would move keys to other partitions' },
  AlterConfigs: { code: 31, why: 'topic and broker configuration belongs to the lab' },
  IncrementalAlterConfigs: { code: 31, why: 'topic and broker configuration belongs to the lab' },
  DeleteGroups: { code: 30, why: 'deleting a group would erase its committed offsets' },
  OffsetDelete: { code: 30, why: 'deleting committed offsets would rewrite the group\'s progress' },
  CreateAcls: { code: 31, why: 'security settings belong to the lab' },
  DeleteAcls: { code: 31, why: 'security settings belong to the lab' },
  AlterPartitionReassignments: { code: 31, why: 'replica placement belongs to the lab' },
  ElectLeaders: { code: 31, why: 'leadership belongs to the lab' },
  AlterReplicaLogDirs: { code: 31, why: 'log directories belong to the lab' },
  AlterClientQuotas: { code: 31, why: 'quotas belong to the lab' },
  AlterUserScramCredentials: { code: 31, why: 'credentials belong to the lab' },
  UpdateFeatures: { code: 31, why: 'cluster features belong to the lab' },
  UnregisterBroker: { code: 31, why: 'the cluster belongs to the lab' },
  AlterPartition: { code: 31, why: 'the cluster belongs to the lab' },
  WriteTxnMarkers: { code: 31, why: 'transaction markers are written by the coordinator' },
};

/** Group-scoped APIs and where their group id is. */
const GROUP_APIS: Readonly<Record<string, (b: Message) => string[]>> = {
  JoinGroup: (b) => [String(b.groupId)],
  SyncGroup: (b) => [String(b.groupId)],
  Heartbeat: (b) => [String(b.groupId)],
  LeaveGroup: (b) => [String(b.groupId)],
  OffsetCommit: (b) => [String(b.groupId)],
  TxnOffsetCommit: (b) => [String(b.groupId)],
  AddOffsetsToTxn: (b) => [String(b.groupId)],
  ConsumerGroupHeartbeat: (b) => [String(b.groupId)],
  ShareGroupHeartbeat: (b) => [String(b.groupId)],
};

const text = (b: Buffer | null): string | null => (b === null ? null : b.subarray(0, MAX_KEPT_BYTES).toString('utf8'));
const str = (v: unknown): string => (v === null || v === undefined ? '' : String(v));
const arr = (v: unknown): Message[] => (Array.isArray(v) ? (v as Message[]) : []);

/** The decision for one request. */
export type RequestVerdict =
  | { forward: true; event?: WireEventBody }
  | { forward: false; reply: Buffer; event: WireEventBody };

/** A request the relay has let through, kept until its response comes back. */
export interface InFlight {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  event?: import('../../labs/_kit/wire.ts').WireEvent;
}

function topicName(t: Message, policy: WirePolicy, nameField = 'name'): string {
  const name = t[nameField];
  if (typeof name === 'string' && name !== '') return name;
  const id = t.topicId;
  return typeof id === 'string' ? policy.topicIds.get(id) ?? `topic-id:${id}` : '';
}

/**
 * Decodes one request frame (after its size prefix) and decides what happens to it: forwarded
 * (with a WireEvent when it matters for grading) or answered by the relay with a refusal.
 */
export function inspectRequest(frame: Buffer, policy: WirePolicy): { apiKey: number; apiVersion: number; correlationId: number; verdict: RequestVerdict } {
  if (frame.length < 8) throw new ProtocolError('request frame shorter than its header');
  const apiKey = frame.readInt16BE(0);
  const apiVersion = frame.readInt16BE(2);
  const correlationId = frame.readInt32BE(4);
  const api = API_NAMES[apiKey] ?? `api-${apiKey}`;
  const specs = apiSpecs(apiKey);
  const head = { correlationId, apiVersion, clientId: null as string | null };
  const denied = DENIED_APIS[api];
  const grouped = GROUP_APIS[api];
  const interesting = denied || grouped || [0, 1, 22, 24, 26].includes(apiKey);
  if (!interesting || !specs) return { apiKey, apiVersion, correlationId, verdict: { forward: true } };
  let body: Message;
  try {
    if (!inRange(specs.request.valid, apiVersion)) throw new ProtocolError(`${api} version ${apiVersion} is not one Kafka 4 accepts`);
    const decoded = decodeRequest(frame, () => specs.request);
    body = decoded.body ?? {};
    head.clientId = decoded.header.clientId;
  } catch (err) {
    // The broker rejects what it cannot parse itself; the log notes that we could not read it.
    return { apiKey, apiVersion, correlationId, verdict: { forward: true, event: { ...head, type: 'undecodable', api, reason: (err as Error).message } } };
  }
  if (denied && !policy.allowApis?.includes(api) && !policy.allowApis?.includes('*')) {
    const reason = `${api} is not allowed in this lab: ${denied.why}`;
    return { apiKey, apiVersion, correlationId, verdict: { forward: false, reply: refusal(specs.request, specs.response, apiVersion, correlationId, body, denied.code, reason), event: { ...head, type: 'refused', api, reason } } };
  }
  if (grouped) {
    const other = policy.groups.includes('*') ? undefined : grouped(body).find((g) => !policy.groups.includes(g));
    if (other !== undefined) {
      const allowed = policy.groups.length ? `only ${policy.groups.map((g) => JSON.stringify(g)).join(', ')}` : 'no consumer group';
      const reason = `${api} for group ${JSON.stringify(other)} is not allowed: this lab's program may use ${allowed}`;
      return { apiKey, apiVersion, correlationId, verdict: { forward: false, reply: refusal(specs.request, specs.response, apiVersion, correlationId, body, 30, reason), event: { ...head, type: 'refused', api, reason } } };
    }
  }
  let event: RequestVerdict['event'];
  try {
    event = toEvent(api, body, head, policy);
  } catch (err) {
    if (!(err instanceof RecordLimitError) && !(err instanceof ProtocolError)) throw err;
    const reason = `${api} request could not be read: ${(err as Error).message}`;
    if (apiKey === 0) {
      // A Produce the grader cannot read would be a record it cannot check: refuse it, say why.
      return { apiKey, apiVersion, correlationId, verdict: { forward: false, reply: refusal(specs.request, specs.response, apiVersion, correlationId, body, 87, reason), event: { ...head, type: 'refused', api, reason } } };
    }
    event = { ...head, type: 'undecodable', api, reason };
  }
  return { apiKey, apiVersion, correlationId, verdict: { forward: true, event } };
}

function toEvent(api: string, b: Message, head: { correlationId: number; apiVersion: number; clientId: string | null }, policy: WirePolicy): RequestVerdict['event'] {
  switch (api) {
    case 'Produce': {
      const partitions: WireProducePartition[] = [];
      for (const t of arr(b.topicData)) {
        const topic = topicName(t, policy);
        for (const p of arr(t.partitionData)) {
          const batches: DecodedBatch[] = decodeBatches((p.records as Buffer | null) ?? null);
          for (const batch of batches) {
            partitions.push({
              topic, partition: Number(p.index), producerId: String(batch.producerId), producerEpoch: batch.producerEpoch,
              baseSequence: batch.baseSequence, transactional: batch.transactional,
              records: batch.records.map((r) => ({ key: text(r.key), value: text(r.value) })),
            });
          }
        }
      }
      return { ...head, type: 'produce', transactionalId: (b.transactionalId as string | null) ?? null, acks: Number(b.acks), partitions };
    }
    case 'Fetch': {
      const partitions: { topic: string; partition: number; fetchOffset: number }[] = [];
      for (const t of arr(b.topics)) {
        const topic = topicName(t, policy, 'topic');
        for (const p of arr(t.partitions)) partitions.push({ topic, partition: Number(p.partition), fetchOffset: Number(p.fetchOffset) });
      }
      return { ...head, type: 'fetch', isolation: Number(b.isolationLevel ?? 0) === 1 ? 'read_committed' : 'read_uncommitted', partitions };
    }
    case 'OffsetCommit':
      return {
        ...head, type: 'offset-commit', groupId: str(b.groupId), generationId: Number(b.generationIdOrMemberEpoch ?? -1), memberId: str(b.memberId),
        offsets: arr(b.topics).flatMap((t) => arr(t.partitions).map((p) => ({ topic: topicName(t, policy), partition: Number(p.partitionIndex), offset: Number(p.committedOffset) }))),
      };
    case 'TxnOffsetCommit':
      return {
        ...head, type: 'txn-offset-commit', transactionalId: str(b.transactionalId), groupId: str(b.groupId), producerId: String(b.producerId), producerEpoch: Number(b.producerEpoch),
        offsets: arr(b.topics).flatMap((t) => arr(t.partitions).map((p) => ({ topic: str(t.name), partition: Number(p.partitionIndex), offset: Number(p.committedOffset) }))),
      };
    case 'AddOffsetsToTxn':
      return { ...head, type: 'add-offsets-to-txn', transactionalId: str(b.transactionalId), groupId: str(b.groupId), producerId: String(b.producerId), producerEpoch: Number(b.producerEpoch) };
    case 'AddPartitionsToTxn': {
      const txns = b.transactions !== undefined
        ? arr(b.transactions).map((t) => ({ id: str(t.transactionalId), pid: String(t.producerId), epoch: Number(t.producerEpoch), topics: arr(t.topics) }))
        : [{ id: str(b.v3AndBelowTransactionalId), pid: String(b.v3AndBelowProducerId), epoch: Number(b.v3AndBelowProducerEpoch), topics: arr(b.v3AndBelowTopics) }];
      const t0 = txns[0] ?? { id: '', pid: '-1', epoch: -1, topics: [] };
      return {
        ...head, type: 'add-partitions-to-txn', transactionalId: t0.id, producerId: t0.pid, producerEpoch: t0.epoch,
        partitions: t0.topics.flatMap((t) => (Array.isArray(t.partitions) ? (t.partitions as number[]) : []).map((p) => ({ topic: str(t.name), partition: Number(p) }))),
      };
    }
    case 'EndTxn':
      return { ...head, type: 'end-txn', transactionalId: str(b.transactionalId), producerId: String(b.producerId), producerEpoch: Number(b.producerEpoch), committed: Boolean(b.committed) };
    case 'InitProducerId':
      return { ...head, type: 'init-producer-id', transactionalId: (b.transactionalId as string | null) ?? null };
    case 'JoinGroup':
      return { ...head, type: 'join-group', groupId: str(b.groupId), memberId: str(b.memberId) };
    case 'SyncGroup':
      return { ...head, type: 'sync-group', groupId: str(b.groupId), generationId: Number(b.generationId), memberId: str(b.memberId) };
    case 'ConsumerGroupHeartbeat':
      return { ...head, type: 'consumer-group-heartbeat', groupId: str(b.groupId), memberId: str(b.memberId), memberEpoch: Number(b.memberEpoch) };
    case 'LeaveGroup':
      return { ...head, type: 'leave-group', groupId: str(b.groupId) };
    default:
      return undefined;
  }
}

/** Decodes a response for a request the relay logged; null when it cannot be read. */
export function decodeLoggedResponse(frame: Buffer, req: InFlight): Message | null {
  const specs = apiSpecs(req.apiKey);
  if (!specs) return null;
  try {
    return decodeResponse(frame, specs.response, req.apiVersion).body;
  } catch {
    return null;
  }
}

/** The first non-zero error code anywhere in a response body (top level first). */
export function firstErrorCode(body: Message): number {
  if (typeof body.errorCode === 'number' && body.errorCode !== 0) return body.errorCode;
  for (const v of Object.values(body)) {
    if (!Array.isArray(v)) continue;
    for (const item of v) {
      if (item && typeof item === 'object' && !Buffer.isBuffer(item)) {
        const c = firstErrorCode(item as Message);
        if (c !== 0) return c;
      }
    }
  }
  return 0;
}

/**
 * Decodes the consumer protocol's assignment bytes (SyncGroup): version, then [topic, partitions[]].
 * Returns null when the bytes are not a consumer assignment.
 */
export function decodeAssignment(bytes: Buffer | null): { topic: string; partitions: number[] }[] | null {
  if (!bytes || bytes.length < 2) return bytes && bytes.length === 0 ? [] : null;
  try {
    const r = new Reader(bytes);
    r.int16();
    const n = r.int32();
    const out: { topic: string; partitions: number[] }[] = [];
    for (let i = 0; i < n; i++) {
      const len = r.int16();
      const topic = r.bytesRaw(len).toString('utf8');
      const m = r.int32();
      const partitions: number[] = [];
      for (let j = 0; j < m; j++) partitions.push(r.int32());
      out.push({ topic, partitions });
    }
    return out;
  } catch {
    return null;
  }
}

// ---- refusals ----------------------------------------------------------------------------------

function defaultFor(f: FieldSpec, version: number): unknown {
  if (inRange(f.nullable, version) && (f.type === 'string' || f.type === 'bytes')) return null;
  switch (f.type) {
    case 'bool': return false;
    case 'int64': return f.name === 'producerId' ? -1n : 0n;
    case 'string': return '';
    case 'bytes': return Buffer.alloc(0);
    case 'uuid': return '00000000000000000000000000000000';
    case 'records': return null;
    default:
      if (['int8', 'int16', 'uint16', 'int32', 'uint32', 'float64'].includes(f.type)) return f.name.endsWith('Id') || f.name === 'generationId' ? -1 : 0;
      return undefined;
  }
}

/**
 * Builds a response body that mirrors the request's structure (its topics, partitions, groups or
 * resources) with `code` in every error field and `message` in every error message. Arrays are
 * paired by name, or, when a response has one array and the request one, with each other.
 */
function mirror(resFields: readonly FieldSpec[], req: Message | string | number, version: number, code: number, message: string): Message {
  const out: Message = {};
  const reqObj: Message = typeof req === 'object' ? req : {};
  const reqArrays = Object.entries(reqObj).filter(([, v]) => Array.isArray(v));
  const resArrays = resFields.filter((f) => f.array && inRange(f.versions, version));
  let firstString = true;
  for (const f of resFields) {
    if (!inRange(f.versions, version) || inRange(f.tagged, version)) continue;
    if (f.array) {
      const match = reqObj[f.name] ?? (resArrays.length === 1 && reqArrays.length === 1 ? reqArrays[0][1] : undefined);
      const items = Array.isArray(match) ? (match as (Message | string | number)[]) : [];
      out[f.name] = f.fields ? items.map((item) => mirror(f.fields!, item, version, code, message)) : items.filter((x) => typeof x !== 'object');
      continue;
    }
    if (f.fields) {
      out[f.name] = mirror(f.fields, (reqObj[f.name] as Message) ?? {}, version, code, message);
      continue;
    }
    if (f.name === 'errorCode') out[f.name] = code;
    else if (f.name === 'errorMessage') out[f.name] = message;
    else if (typeof req !== 'object' && f.type === 'string' && firstString) out[f.name] = String(req);
    else if (f.name in reqObj && reqObj[f.name] !== undefined) out[f.name] = reqObj[f.name];
    else if (f.name === 'partitionIndex' && 'index' in reqObj) out[f.name] = reqObj.index;
    else out[f.name] = defaultFor(f, version);
    if (f.type === 'string') firstString = false;
  }
  return out;
}

function refusal(_reqSpec: MessageSpec, resSpec: MessageSpec, version: number, correlationId: number, body: Message, code: number, message: string): Buffer {
  return encodeResponse(resSpec, version, correlationId, mirror(resSpec.fields, body, version, code, `Lag Zero: ${message}`));
}

/** The API name for a key, for messages. */
export function apiName(apiKey: number): string {
  return API_NAMES[apiKey] ?? `api-${apiKey}`;
}

// ---- broker addresses (local mode) -------------------------------------------------------------

/** Responses that tell a client where brokers are: Metadata, FindCoordinator, DescribeCluster. */
export const ADDRESS_APIS: ReadonlySet<number> = new Set([3, 10, 60]);

function pointAt(v: unknown, host: string, port: number): void {
  if (Array.isArray(v)) {
    for (const item of v) pointAt(item, host, port);
    return;
  }
  if (!v || typeof v !== 'object' || Buffer.isBuffer(v)) return;
  const m = v as Message;
  // An error answer carries host "" and port -1: left as it is, the client reads it as "none".
  if (typeof m.host === 'string' && typeof m.port === 'number' && m.port > 0) {
    m.host = host;
    m.port = port;
  }
  for (const child of Object.values(m)) if (typeof child === 'object') pointAt(child, host, port);
}

/**
 * Re-encodes a Metadata, FindCoordinator or DescribeCluster response (frame without its size
 * prefix) with every broker address replaced by `host:port` (the relay itself), so a client that
 * bootstrapped through the relay keeps talking through it. Other responses come back unchanged;
 * null when the response cannot be read (the caller closes the connection rather than leak the
 * broker's real address).
 */
export function rewriteBrokerAddresses(frame: Buffer, req: Pick<InFlight, 'apiKey' | 'apiVersion' | 'correlationId'>, host: string, port: number): Buffer | null {
  if (!ADDRESS_APIS.has(req.apiKey)) return frame;
  const specs = apiSpecs(req.apiKey);
  if (!specs) return null;
  try {
    const { body } = decodeResponse(frame, specs.response, req.apiVersion);
    pointAt(body, host, port);
    return encodeResponse(specs.response, req.apiVersion, req.correlationId, body).subarray(4);
  } catch {
    return null;
  }
}
