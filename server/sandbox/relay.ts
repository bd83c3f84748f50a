// Host side of the broker relay: a Unix socket inside the run's directory (bind-mounted into the
// sandbox) whose every connection is piped to the run's real broker on 127.0.0.1. The destination
// is fixed here, outside the sandbox, so nothing the learner sends can choose another target.
// Each connection dials the broker afresh, so a broker restart only drops current connections.
//
// The relay reads Kafka's framing (an int32 size before every request and response) in both
// directions and hands whole frames to a WireTap (wire.ts decodes them):
// - requests the lab refuses (admin mutations, foreign consumer groups) are answered by the relay
//   itself, in order, and never reach the broker;
// - the requests that matter for grading are logged, and their responses attached to them;
// - before a logged response is forwarded, the tap may apply a fault: lose the response (the
//   broker did the work, the connection breaks), kill the program first, or pause it first.
//
// In local mode (no sandbox, mode.ts) the program runs on the host, so the relay listens on a
// loopback TCP port of its own instead and rewrites the broker addresses in Metadata,
// FindCoordinator and DescribeCluster responses to that port: the client then sends everything
// through the relay, and faults and refusals apply as in the sandbox.
import { chmodSync, chownSync } from 'node:fs';
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';
import type { Message } from '../kafka/protocol/codec.ts';
import {
  MAX_REQUEST_BYTES, MAX_RESPONSE_BYTES, decodeLoggedResponse, firstErrorCode, inspectRequest, rewriteBrokerAddresses,
  type InFlight, type WireEvent, type WireEventBody, type WirePolicy,
} from './wire.ts';

/** What happens to a response the tap looked at. */
export interface ResponseAction {
  /** False: the response is dropped and the connection closed (the client never hears back). */
  deliver: boolean;
  /** Runs before the response is delivered or dropped (e.g. kill or pause the program). */
  before?: () => Promise<void>;
}

/** The run-side observer of one instance's traffic. */
export interface WireTap {
  policy: WirePolicy;
  /** Logs a request; `dropRequest` closes the connection without forwarding it (a fault on an acks=0 Produce). */
  request(conn: number, event: WireEventBody): { event: WireEvent; dropRequest?: boolean };
  /** A logged request's response arrived (body null when unreadable); decides what happens to it. */
  response(event: WireEvent, body: Message | null, errorCode: number): ResponseAction;
  /** A logged request's connection closed before its response came. */
  unanswered?(event: WireEvent): void;
}

/** A running relay. */
export interface BrokerRelay {
  close(): Promise<void>;
}

/** Splits a byte stream into whole frames (size prefix removed). */
export class FrameSplitter {
  private parts: Buffer[] = [];
  private length = 0;

  constructor(private readonly maxFrame: number) {}

  /** Returns the frames completed by `chunk`; throws when a frame is negative or over the limit. */
  push(chunk: Buffer): Buffer[] {
    this.parts.push(chunk);
    this.length += chunk.length;
    const frames: Buffer[] = [];
    if (this.length < 4) return frames;
    let buf = this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts);
    let pos = 0;
    while (buf.length - pos >= 4) {
      const size = buf.readInt32BE(pos);
      if (size < 0 || size > this.maxFrame) throw new Error(`a frame of ${size} bytes is over the ${this.maxFrame}-byte limit`);
      if (buf.length - pos < 4 + size) break;
      frames.push(buf.subarray(pos + 4, pos + 4 + size));
      pos += 4 + size;
    }
    buf = buf.subarray(pos);
    this.parts = buf.length ? [buf] : [];
    this.length = buf.length;
    return frames;
  }
}

const sizePrefix = (frame: Buffer) => {
  const b = Buffer.allocUnsafe(4);
  b.writeInt32BE(frame.length);
  return b;
};

/** A tap that logs nothing and lets everything through (no policy): the plain pipe. */
export function passThroughTap(): WireTap {
  let seq = 0;
  return {
    policy: { groups: [], allowApis: ['*'], topicIds: new Map() },
    request: (conn, e) => ({ event: { ...e, seq: ++seq, atMs: 0, instance: 0, conn } as WireEvent }),
    response: () => ({ deliver: true }),
  };
}

/** A relay on a loopback TCP port (local mode): clients bootstrap from `127.0.0.1:<port>`. */
export interface TcpBrokerRelay extends BrokerRelay {
  port: number;
}

/** Listens on `socketPath` (group `gid` may connect) and relays to 127.0.0.1:`port` through `tap`. */
export function startBrokerRelay(socketPath: string, gid: number, port: number, maxConnections: number, tap: WireTap): Promise<BrokerRelay> {
  const { server, close } = relayServer(port, maxConnections, tap);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => {
      server.off('error', reject);
      chownSync(socketPath, 0, gid);
      chmodSync(socketPath, 0o660);
      resolve({ close });
    });
  });
}

/**
 * Listens on 127.0.0.1 at a free port and relays to 127.0.0.1:`port` through `tap`, pointing every
 * broker address the broker hands out at itself.
 */
export function startTcpBrokerRelay(port: number, maxConnections: number, tap: WireTap): Promise<TcpBrokerRelay> {
  let self = 0;
  const { server, close } = relayServer(port, maxConnections, tap, (frame, req) => rewriteBrokerAddresses(frame, req, '127.0.0.1', self));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      self = (server.address() as AddressInfo).port;
      resolve({ close, port: self });
    });
  });
}

/** Rewrites a broker response before the client gets it; null closes the connection instead. */
type ResponseRewrite = (frame: Buffer, req: InFlight) => Buffer | null;

function relayServer(port: number, maxConnections: number, tap: WireTap, rewrite?: ResponseRewrite): { server: Server; close: () => Promise<void> } {
  const open = new Set<Socket>();
  let connections = 0;

  const server = createServer((inner) => {
    if (open.size >= maxConnections * 2) {
      inner.destroy();
      return;
    }
    const conn = ++connections;
    const outer = connect({ host: '127.0.0.1', port });
    // Requests can arrive in pieces; without this, Nagle would hold a piece for the broker's delayed ACK.
    outer.setNoDelay(true);
    open.add(inner);
    open.add(outer);
    /** Requests sent to the broker, by correlation id, until their responses come back. */
    const inFlight = new Map<number, InFlight>();
    /** What the client is owed, in request order: a broker response, or a reply of the relay's own. */
    const owed: ({ kind: 'broker'; correlationId: number } | { kind: 'local'; bytes: Buffer })[] = [];
    let closed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      inner.destroy();
      outer.destroy();
      open.delete(inner);
      open.delete(outer);
      for (const f of inFlight.values()) if (f.event) tap.unanswered?.(f.event);
      inFlight.clear();
    };
    inner.on('error', close).on('close', close);
    outer.on('error', close).on('close', close);

    const toClient = (b: Buffer) => {
      if (!inner.destroyed) inner.write(b);
    };
    const flushLocal = () => {
      while (owed.length && owed[0].kind === 'local') toClient((owed.shift() as { bytes: Buffer }).bytes);
    };

    const requests = new FrameSplitter(MAX_REQUEST_BYTES);
    inner.on('data', (chunk: Buffer) => {
      let frames: Buffer[];
      try {
        frames = requests.push(chunk);
      } catch {
        close();
        return;
      }
      for (const frame of frames) {
        let inspected: ReturnType<typeof inspectRequest>;
        try {
          inspected = inspectRequest(frame, tap.policy);
        } catch {
          close();
          return;
        }
        const { verdict } = inspected;
        const logged = verdict.event ? tap.request(conn, verdict.event) : undefined;
        if (!verdict.forward) {
          if (owed.length === 0) toClient(verdict.reply);
          else owed.push({ kind: 'local', bytes: verdict.reply });
          continue;
        }
        if (logged?.dropRequest) {
          close();
          return;
        }
        // An acks=0 Produce gets no response from the broker.
        const noResponse = inspected.apiKey === 0 && logged?.event.type === 'produce' && logged.event.acks === 0;
        if (!noResponse) {
          inFlight.set(inspected.correlationId, { apiKey: inspected.apiKey, apiVersion: inspected.apiVersion, correlationId: inspected.correlationId, event: logged?.event });
          owed.push({ kind: 'broker', correlationId: inspected.correlationId });
        }
        if (!outer.destroyed && !outer.write(Buffer.concat([sizePrefix(frame), frame]))) {
          inner.pause();
          outer.once('drain', () => inner.resume());
        }
      }
    });
    inner.on('end', () => outer.end());

    const responses = new FrameSplitter(MAX_RESPONSE_BYTES);
    let chain: Promise<void> = Promise.resolve();
    const handle = async (frame: Buffer) => {
      if (closed || frame.length < 4) return;
      const correlationId = frame.readInt32BE(0);
      const req = inFlight.get(correlationId);
      inFlight.delete(correlationId);
      const i = owed.findIndex((o) => o.kind === 'broker' && o.correlationId === correlationId);
      if (i >= 0) owed.splice(i, 1);
      let action: ResponseAction = { deliver: true };
      if (req?.event) {
        const body = decodeLoggedResponse(frame, req);
        action = tap.response(req.event, body, body ? firstErrorCode(body) : -1);
      }
      if (action.before) await action.before().catch(() => {});
      if (!action.deliver) {
        close();
        return;
      }
      const out = rewrite && req ? rewrite(frame, req) : frame;
      if (!out) {
        close();
        return;
      }
      toClient(Buffer.concat([sizePrefix(out), out]));
      flushLocal();
    };
    outer.on('data', (chunk: Buffer) => {
      let frames: Buffer[];
      try {
        frames = responses.push(chunk);
      } catch {
        close();
        return;
      }
      for (const frame of frames) chain = chain.then(() => handle(frame));
      if (inner.writableLength > 4 * 1024 * 1024) {
        outer.pause();
        inner.once('drain', () => outer.resume());
      }
    });
    outer.on('end', () => void chain.then(() => inner.end()));
  });

  return {
    server,
    close: () =>
      new Promise<void>((done) => {
        for (const s of open) s.destroy();
        open.clear();
        server.close(() => done());
      }),
  };
}
