// Host side of the broker relay: a Unix socket inside the run's directory (bind-mounted into the
// sandbox) whose every connection is piped to the run's real broker on 127.0.0.1. The destination
// is fixed here, outside the sandbox, so nothing the learner sends can choose another target.
// Each connection dials the broker afresh, so a broker restart only drops current connections.
//
// The relay can also inject one realistic network fault on demand: the broker handles a Produce
// request but its response never reaches the client, because the connection breaks first. The
// client cannot tell whether the records were written, so it reconnects and sends the batch again;
// an idempotent producer's resend is recognised by the broker (same producer id, epoch and
// sequence), a plain producer's resend is written a second time. To find that response the relay
// follows Kafka's framing (an int32 size before every request and response) in both directions.
import { chmodSync, chownSync } from 'node:fs';
import { createServer, connect, type Socket } from 'node:net';

/** A Produce request whose response the relay dropped (the broker had written its records). */
export interface LostProduceResponse {
  /** Which Produce request of this relay it was, counting from 1 (retries count too). */
  request: number;
  correlationId: number;
  apiVersion: number;
  /** Topics named in the request, when the relay could read them. */
  topics: string[];
}

/** Which Produce request loses its response. */
export interface ProduceLossOptions {
  /** The Nth Produce request through this relay (from 1, acks=0 ones not counted); the next one when N has passed. Default: the next one. */
  atRequest?: number;
  /** Disarms (resolving null) if no such request came within this time. Default: no limit. */
  timeoutMs?: number;
}

/** A running relay. */
export interface BrokerRelay {
  close(): Promise<void>;
  /**
   * Arms the lost-response fault once: the chosen Produce request reaches the broker, its response
   * is dropped and both sides of that connection are closed. Resolves with what was lost, or null
   * when the relay closed or the timeout passed first. Throws if a loss is already armed.
   */
  loseProduceResponse(opts?: ProduceLossOptions): Promise<LostProduceResponse | null>;
}

const PRODUCE = 0;
/** Request bytes read per frame: header, client id, transactional id, acks and the first topic name. */
const REQUEST_HEAD_BYTES = 1024;
/** Response bytes held back at a frame start while a loss is pending: the size and the correlation id. */
const RESPONSE_HEAD_BYTES = 4;

/** What the relay reads from the start of a Produce request. */
export interface ProduceRequestHead {
  apiVersion: number;
  correlationId: number;
  /** null when the request was cut before the acks field. */
  acks: number | null;
  topics: string[];
}

/** Reads a Produce request's header and first fields from the start of its frame (size prefix included); null for other requests. */
export function parseProduceHead(frame: Buffer): ProduceRequestHead | null {
  if (frame.length < 12 || frame.readInt16BE(4) !== PRODUCE) return null;
  const apiVersion = frame.readInt16BE(6);
  const head: ProduceRequestHead = { apiVersion, correlationId: frame.readInt32BE(8), acks: null, topics: [] };
  const flexible = apiVersion >= 9;
  let pos = 12;
  const int16String = (): string | null | undefined => {
    if (pos + 2 > frame.length) return undefined;
    const len = frame.readInt16BE(pos);
    pos += 2;
    if (len < 0) return null;
    if (pos + len > frame.length) return undefined;
    pos += len;
    return frame.toString('utf8', pos - len, pos);
  };
  const varint = (): number | undefined => {
    let value = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      if (pos >= frame.length) return undefined;
      const b = frame[pos++];
      value |= (b & 0x7f) << shift;
      if ((b & 0x80) === 0) return value >>> 0;
    }
    return undefined;
  };
  const compactString = (): string | null | undefined => {
    const n = varint();
    if (n === undefined) return undefined;
    if (n === 0) return null;
    if (pos + n - 1 > frame.length) return undefined;
    pos += n - 1;
    return frame.toString('utf8', pos - (n - 1), pos);
  };
  const skipTaggedFields = (): boolean => {
    const count = varint();
    if (count === undefined) return false;
    for (let i = 0; i < count; i++) {
      if (varint() === undefined) return false;
      const size = varint();
      if (size === undefined) return false;
      pos += size;
    }
    return pos <= frame.length;
  };
  // Request header v1 (client id) or, from Produce v9, v2 (client id, then tagged fields).
  if (int16String() === undefined) return head;
  if (flexible && !skipTaggedFields()) return head;
  // transactional_id from v3, then acks, timeout and the topic array.
  if (apiVersion >= 3 && (flexible ? compactString() : int16String()) === undefined) return head;
  if (pos + 2 > frame.length) return head;
  head.acks = frame.readInt16BE(pos);
  pos += 2 + 4;
  const topicCount = flexible ? (varint() ?? 0) - 1 : pos + 4 <= frame.length ? frame.readInt32BE(pos) : 0;
  if (!flexible) pos += 4;
  if (topicCount > 0) {
    const name = flexible ? compactString() : int16String();
    if (typeof name === 'string') head.topics.push(name);
  }
  return head;
}

/**
 * Follows size-prefixed frames in one direction of a connection. Each frame's first `headBytes`
 * bytes (after the size) go to `onHead`. When `hold()` is true as a frame starts, those bytes are
 * forwarded only after `onHead` returns true, so that frame can be dropped whole; otherwise bytes
 * pass at once (nothing is delayed while no fault is pending). Anything after a frame that could
 * not be framed (negative size) passes through untouched: the broker closes such connections itself.
 */
export class FrameScanner {
  private head: Buffer[] = [];
  private headLength = 0;
  private want = 4;
  private size = -1;
  private rest = 0;
  private lost = false;
  private holding = false;

  constructor(
    private readonly headBytes: number,
    private readonly hold: () => boolean,
    private readonly onHead: (head: Buffer) => boolean,
  ) {}

  /** Returns the bytes to forward now, and whether the stream must stop (a frame was dropped). */
  feed(chunk: Buffer): { forward: Buffer[]; stop: boolean } {
    const forward: Buffer[] = [];
    let pos = 0;
    while (pos < chunk.length) {
      if (this.lost) {
        forward.push(chunk.subarray(pos));
        break;
      }
      if (this.rest > 0) {
        const n = Math.min(this.rest, chunk.length - pos);
        forward.push(chunk.subarray(pos, pos + n));
        this.rest -= n;
        pos += n;
        continue;
      }
      if (this.headLength === 0) this.holding = this.hold();
      const n = Math.min(this.want - this.headLength, chunk.length - pos);
      const piece = chunk.subarray(pos, pos + n);
      pos += n;
      this.head.push(piece);
      this.headLength += n;
      if (!this.holding) forward.push(piece);
      if (this.headLength < this.want) continue;
      if (this.size < 0) {
        this.size = Buffer.concat(this.head).readInt32BE(0);
        if (this.size < 0) {
          this.lost = true;
          if (this.holding) forward.push(...this.head);
          continue;
        }
        this.want = 4 + Math.min(this.size, this.headBytes);
        if (this.headLength < this.want) continue;
      }
      const head = Buffer.concat(this.head);
      if (!this.onHead(head)) return { forward, stop: true };
      if (this.holding) forward.push(head);
      this.rest = 4 + this.size - this.headLength;
      this.head = [];
      this.headLength = 0;
      this.want = 4;
      this.size = -1;
    }
    return { forward, stop: false };
  }
}

/** Listens on `socketPath` (group `gid` may connect) and relays to 127.0.0.1:`port`. */
export function startBrokerRelay(socketPath: string, gid: number, port: number, maxConnections: number): Promise<BrokerRelay> {
  const open = new Set<Socket>();
  let produceRequests = 0;
  let armed: { atRequest: number; resolve: (lost: LostProduceResponse | null) => void } | undefined;
  let closed = false;

  const server = createServer((inner) => {
    if (open.size >= maxConnections * 2) {
      inner.destroy();
      return;
    }
    const outer = connect({ host: '127.0.0.1', port });
    // Requests can arrive in pieces; without this, Nagle would hold a piece for the broker's delayed ACK.
    outer.setNoDelay(true);
    open.add(inner);
    open.add(outer);
    const close = () => {
      inner.destroy();
      outer.destroy();
      open.delete(inner);
      open.delete(outer);
    };
    inner.on('error', close).on('close', close);
    outer.on('error', close).on('close', close);

    // The Produce request on this connection whose response is to be lost.
    let target: (LostProduceResponse & { resolve: (lost: LostProduceResponse | null) => void }) | undefined;
    const requests = new FrameScanner(REQUEST_HEAD_BYTES, () => false, (head) => {
      const produce = parseProduceHead(head);
      // With acks=0 the broker sends no response, so there is nothing to lose.
      if (!produce || produce.acks === 0) return true;
      produceRequests++;
      if (armed && !target && produceRequests >= armed.atRequest) {
        target = { request: produceRequests, correlationId: produce.correlationId, apiVersion: produce.apiVersion, topics: produce.topics, resolve: armed.resolve };
        armed = undefined;
      }
      return true;
    });
    const responses = new FrameScanner(RESPONSE_HEAD_BYTES, () => target !== undefined, (head) => {
      if (!target || head.length < 8 || head.readInt32BE(4) !== target.correlationId) return true;
      const { resolve, ...lost } = target;
      target = undefined;
      resolve(lost);
      return false;
    });
    relayThrough(inner, outer, requests, close);
    relayThrough(outer, inner, responses, close);
    // A connection that ends before the response came back gives the fault to the next request.
    inner.once('close', () => {
      if (target && !armed && !closed) armed = { atRequest: 0, resolve: target.resolve };
      else target?.resolve(null);
      target = undefined;
    });
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => {
      server.off('error', reject);
      chownSync(socketPath, 0, gid);
      chmodSync(socketPath, 0o660);
      resolve({
        close: () =>
          new Promise<void>((done) => {
            closed = true;
            armed?.resolve(null);
            armed = undefined;
            for (const s of open) s.destroy();
            open.clear();
            server.close(() => done());
          }),
        loseProduceResponse(opts = {}) {
          if (closed) return Promise.resolve(null);
          if (armed) throw new Error('a lost Produce response is already armed on this relay');
          return new Promise((res) => {
            const timer = opts.timeoutMs === undefined ? undefined : setTimeout(() => {
              if (armed?.resolve !== done) return;
              armed = undefined;
              res(null);
            }, opts.timeoutMs);
            const done = (lost: LostProduceResponse | null) => {
              clearTimeout(timer);
              res(lost);
            };
            armed = { atRequest: opts.atRequest ?? 0, resolve: done };
          });
        },
      });
    });
  });
}

/** Copies `from` to `to` through `scanner`, with backpressure; `stop` ends the connection. */
function relayThrough(from: Socket, to: Socket, scanner: FrameScanner, stop: () => void): void {
  from.on('data', (chunk: Buffer) => {
    const { forward, stop: drop } = scanner.feed(chunk);
    let full = false;
    for (const b of forward) if (b.length > 0 && !to.destroyed) full = !to.write(b) || full;
    if (drop) {
      // What came before the dropped response still reaches the client; then the connection breaks.
      from.pause();
      if (to.destroyed) stop();
      else to.write(Buffer.alloc(0), () => stop());
      return;
    }
    if (full) {
      from.pause();
      to.once('drain', () => from.resume());
    }
  });
  from.on('end', () => to.end());
}
