// A small Kafka client built on the message specs: one TCP connection per broker, ApiVersions
// negotiation (each API at the highest version both sides know, optionally capped), optional
// SASL/SCRAM authentication, and request/response matching by correlation id. The grader reads
// topics and the run manager writes ACLs, credentials and quotas through it; no client library
// decodes learner-controlled records in between.
import { connect, type Socket } from 'node:net';
import { apiSpecs, messageSpec, type MessageSpec } from './schema.ts';
import { decodeResponse, encodeRequest, type Message } from './codec.ts';
import { ScramClient, type ScramMechanism } from './scram.ts';

/** SASL credentials for a connection. */
export interface SaslCredentials {
  mechanism: ScramMechanism;
  username: string;
  password: string;
}

export interface ConnectOptions {
  host: string;
  port: number;
  clientId?: string;
  sasl?: SaslCredentials;
  /** Connect and per-request timeout (default 10 s). */
  timeoutMs?: number;
  /** Largest response accepted, in bytes (default 64 MiB). */
  maxResponseBytes?: number;
}

/** A Kafka error code in a response, with the API and a readable name. */
export class KafkaError extends Error {
  override name = 'KafkaError';
  constructor(readonly api: string, readonly code: number, detail?: string | null) {
    super(`${api} failed: ${errorName(code)} (${code})${detail ? `: ${detail}` : ''}`);
  }
}

const ERROR_NAMES: Record<number, string> = {
  [-1]: 'UNKNOWN_SERVER_ERROR', 1: 'OFFSET_OUT_OF_RANGE', 3: 'UNKNOWN_TOPIC_OR_PARTITION', 5: 'LEADER_NOT_AVAILABLE',
  6: 'NOT_LEADER_OR_FOLLOWER', 7: 'REQUEST_TIMED_OUT', 14: 'COORDINATOR_LOAD_IN_PROGRESS', 15: 'COORDINATOR_NOT_AVAILABLE',
  16: 'NOT_COORDINATOR', 22: 'ILLEGAL_GENERATION', 25: 'UNKNOWN_MEMBER_ID', 27: 'REBALANCE_IN_PROGRESS',
  29: 'TOPIC_AUTHORIZATION_FAILED', 30: 'GROUP_AUTHORIZATION_FAILED', 31: 'CLUSTER_AUTHORIZATION_FAILED',
  33: 'UNSUPPORTED_SASL_MECHANISM', 34: 'ILLEGAL_SASL_STATE', 35: 'UNSUPPORTED_VERSION', 36: 'TOPIC_ALREADY_EXISTS',
  41: 'NOT_CONTROLLER', 42: 'INVALID_REQUEST', 44: 'POLICY_VIOLATION', 45: 'OUT_OF_ORDER_SEQUENCE_NUMBER',
  46: 'DUPLICATE_SEQUENCE_NUMBER', 47: 'INVALID_PRODUCER_EPOCH', 48: 'INVALID_TXN_STATE', 49: 'INVALID_PRODUCER_ID_MAPPING',
  51: 'CONCURRENT_TRANSACTIONS', 53: 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED', 58: 'SASL_AUTHENTICATION_FAILED',
  67: 'INVALID_TRANSACTION_TIMEOUT', 69: 'GROUP_ID_NOT_FOUND', 72: 'LISTENER_NOT_FOUND', 73: 'TOPIC_DELETION_DISABLED',
  79: 'MEMBER_ID_REQUIRED', 82: 'FENCED_INSTANCE_ID', 86: 'UNSTABLE_OFFSET_COMMIT', 87: 'THROTTLING_QUOTA_EXCEEDED', 88: 'PRODUCER_FENCED',
  89: 'RESOURCE_NOT_FOUND', 90: 'DUPLICATE_RESOURCE', 91: 'UNACCEPTABLE_CREDENTIAL', 100: 'UNKNOWN_TOPIC_ID', 110: 'FENCED_MEMBER_EPOCH',
  111: 'UNRELEASED_INSTANCE_ID', 112: 'UNSUPPORTED_ASSIGNOR', 113: 'STALE_MEMBER_EPOCH',
};

/** The name of a Kafka error code ("TOPIC_AUTHORIZATION_FAILED"). */
export function errorName(code: number): string {
  return ERROR_NAMES[code] ?? `ERROR_${code}`;
}

interface Pending {
  spec: MessageSpec;
  version: number;
  api: string;
  resolve(m: Message): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

/** One authenticated connection to one broker. */
export class KafkaConnection {
  private nextCorrelation = 1;
  private readonly pending = new Map<number, Pending>();
  private buffer: Buffer = Buffer.alloc(0);
  private closedError: Error | undefined;
  /** Broker-supported version range per API key (after connect). */
  readonly versions = new Map<number, { min: number; max: number }>();

  private constructor(private readonly socket: Socket, private readonly opts: ConnectOptions) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    const fail = (err: Error) => this.failAll(err);
    socket.on('error', fail);
    socket.on('close', () => fail(new Error(`connection to ${opts.host}:${opts.port} closed`)));
  }

  /** Connects, negotiates API versions and authenticates. */
  static async open(opts: ConnectOptions): Promise<KafkaConnection> {
    const timeout = opts.timeoutMs ?? 10_000;
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = connect({ host: opts.host, port: opts.port });
      const timer = setTimeout(() => {
        s.destroy();
        reject(new Error(`could not connect to ${opts.host}:${opts.port} within ${timeout} ms`));
      }, timeout);
      s.once('connect', () => {
        clearTimeout(timer);
        s.setNoDelay(true);
        resolve(s);
      });
      s.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
    const conn = new KafkaConnection(socket, opts);
    try {
      const av = await conn.send('ApiVersions', 3, { clientSoftwareName: 'lag-zero-grader', clientSoftwareVersion: '1' });
      if (Number(av.errorCode) !== 0) throw new KafkaError('ApiVersions', Number(av.errorCode));
      for (const k of av.apiKeys as { apiKey: number; minVersion: number; maxVersion: number }[]) conn.versions.set(k.apiKey, { min: k.minVersion, max: k.maxVersion });
      if (opts.sasl) await conn.authenticate(opts.sasl);
      return conn;
    } catch (err) {
      conn.close();
      throw err;
    }
  }

  private async authenticate(sasl: SaslCredentials): Promise<void> {
    const hs = await this.request('SaslHandshake', { mechanism: sasl.mechanism });
    if (Number(hs.errorCode) !== 0) throw new KafkaError('SaslHandshake', Number(hs.errorCode), `the broker offers ${(hs.mechanisms as string[]).join(', ')}`);
    const scram = new ScramClient(sasl.mechanism, sasl.username, sasl.password);
    const first = await this.request('SaslAuthenticate', { authBytes: scram.first() });
    if (Number(first.errorCode) !== 0) throw new KafkaError('SaslAuthenticate', Number(first.errorCode), first.errorMessage as string);
    const final = await this.request('SaslAuthenticate', { authBytes: scram.final(first.authBytes as Buffer) });
    if (Number(final.errorCode) !== 0) throw new KafkaError('SaslAuthenticate', Number(final.errorCode), final.errorMessage as string);
    scram.verify(final.authBytes as Buffer);
  }

  /** The version this connection uses for an API: the highest both sides know, at most `cap`. */
  version(api: string, cap = Infinity): number {
    const spec = messageSpec(`${api}Request`);
    const broker = this.versions.get(spec.apiKey!);
    if (!broker) throw new Error(`the broker at ${this.opts.host}:${this.opts.port} does not support ${api}`);
    const v = Math.min(broker.max, spec.valid.max, cap);
    if (v < Math.max(broker.min, spec.valid.min)) throw new Error(`no common ${api} version (broker ${broker.min}-${broker.max}, ours ${spec.valid.min}-${spec.valid.max}, cap ${cap})`);
    return v;
  }

  /** Sends a request at the negotiated version (capped by `cap`) and resolves with the response body. */
  request(api: string, body: Message, cap?: number): Promise<Message> {
    return this.send(api, this.version(api, cap), body);
  }

  /** Sends a request at an exact version. */
  send(api: string, version: number, body: Message): Promise<Message> {
    if (this.closedError) return Promise.reject(this.closedError);
    const correlationId = this.nextCorrelation++;
    const frame = encodeRequest(api, version, correlationId, this.opts.clientId ?? 'lag-zero', body);
    const spec = apiSpecs(messageSpec(`${api}Request`).apiKey!)!.response;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(correlationId);
        reject(new Error(`${api} to ${this.opts.host}:${this.opts.port} timed out after ${this.opts.timeoutMs ?? 10_000} ms`));
      }, this.opts.timeoutMs ?? 10_000);
      this.pending.set(correlationId, { spec, version, api, resolve, reject, timer });
      this.socket.write(frame);
    });
  }

  private onData(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const max = this.opts.maxResponseBytes ?? 64 * 1024 * 1024;
    while (this.buffer.length >= 4) {
      const size = this.buffer.readInt32BE(0);
      if (size < 0 || size > max) {
        this.failAll(new Error(`response of ${size} bytes from ${this.opts.host}:${this.opts.port} is over the ${max}-byte limit`));
        this.socket.destroy();
        return;
      }
      if (this.buffer.length < 4 + size) return;
      const frame = this.buffer.subarray(4, 4 + size);
      this.buffer = this.buffer.subarray(4 + size);
      const correlationId = frame.readInt32BE(0);
      const p = this.pending.get(correlationId);
      if (!p) continue;
      this.pending.delete(correlationId);
      clearTimeout(p.timer);
      try {
        p.resolve(decodeResponse(frame, p.spec, p.version).body);
      } catch (err) {
        p.reject(new Error(`${p.api} response could not be decoded: ${(err as Error).message}`));
      }
    }
  }

  private failAll(err: Error): void {
    this.closedError ??= err;
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(err);
      this.pending.delete(id);
    }
  }

  /** Closes the connection; pending requests fail. */
  close(): void {
    this.failAll(new Error('connection closed by the client'));
    this.socket.destroy();
  }
}
