// The host relay's lost-response fault, with a small TCP server standing in for the broker: it
// answers every framed request with a framed response carrying the request's correlation id. The
// real-Kafka behaviour (idempotent resends de-duplicated, plain resends doubled) is proved by the
// keyed-producer lab proofs.
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FrameScanner, parseProduceHead, startBrokerRelay, type BrokerRelay } from './relay.ts';

const int16 = (n: number) => {
  const b = Buffer.alloc(2);
  b.writeInt16BE(n);
  return b;
};
const int32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};
const str = (s: string | null) => (s === null ? int16(-1) : Buffer.concat([int16(Buffer.byteLength(s)), Buffer.from(s)]));
const frame = (body: Buffer) => Buffer.concat([int32(body.length), body]);

/** A Produce v7 request (header v1): client id, null transactional id, acks, timeout, one topic. */
function produceRequest(correlationId: number, topic: string, acks = -1): Buffer {
  const header = Buffer.concat([int16(0), int16(7), int32(correlationId), str('test-client')]);
  const body = Buffer.concat([str(null), int16(acks), int32(30_000), int32(1), str(topic), int32(1), int32(0), int32(3), Buffer.from('rec')]);
  return frame(Buffer.concat([header, body]));
}
const metadataRequest = (correlationId: number) => frame(Buffer.concat([int16(3), int16(5), int32(correlationId), str('test-client'), int32(-1)]));

/** Splits a byte stream into frames and hands each frame's body to `onFrame`. */
function frames(socket: Socket, onFrame: (body: Buffer) => void): void {
  let buf = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    buf = Buffer.concat([buf, chunk]);
    while (buf.length >= 4 && buf.length >= 4 + buf.readInt32BE(0)) {
      onFrame(buf.subarray(4, 4 + buf.readInt32BE(0)));
      buf = buf.subarray(4 + buf.readInt32BE(0));
    }
  });
}

let broker: Server;
let brokerPort: number;
/** Correlation ids of every Produce request the fake broker handled. */
const produced: number[] = [];
let dir: string;
let relay: BrokerRelay | undefined;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lz-relay-test-'));
  broker = createServer((s) => {
    s.on('error', () => {});
    frames(s, (body) => {
      const apiKey = body.readInt16BE(0);
      const correlationId = body.readInt32BE(4);
      if (apiKey === 0) {
        produced.push(correlationId);
        if (parseProduceHead(Buffer.concat([int32(body.length), body]))?.acks === 0) return;
      }
      // Byte by byte, so the relay must follow frames across chunk boundaries.
      const response = frame(Buffer.concat([int32(correlationId), Buffer.from('response-body')]));
      for (const byte of response) s.write(Buffer.from([byte]));
    });
  });
  await new Promise<void>((r) => broker.listen(0, '127.0.0.1', r));
  brokerPort = (broker.address() as { port: number }).port;
});
afterAll(async () => {
  await new Promise<void>((r) => broker.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});
afterEach(async () => {
  await relay?.close();
  relay = undefined;
  produced.length = 0;
});

/** A client connection through the relay that records response correlation ids and its close. */
async function client(socketPath: string) {
  const socket = connect(socketPath);
  await new Promise<void>((r, j) => socket.once('connect', r).once('error', j));
  const responses: number[] = [];
  const closed = new Promise<void>((r) => socket.once('close', () => r()));
  socket.on('error', () => {});
  frames(socket, (body) => responses.push(body.readInt32BE(0)));
  const until = async (n: number) => {
    for (let i = 0; i < 200 && responses.length < n && !socket.destroyed; i++) await new Promise((r) => setTimeout(r, 10));
  };
  return { socket, responses, closed, until };
}

describe('parseProduceHead', () => {
  it('reads correlation id, acks and topic of a Produce request and ignores other requests', () => {
    expect(parseProduceHead(produceRequest(42, 'account-events', -1))).toEqual({ apiVersion: 7, correlationId: 42, acks: -1, topics: ['account-events'] });
    expect(parseProduceHead(produceRequest(43, 'orders', 0))?.acks).toBe(0);
    expect(parseProduceHead(metadataRequest(44))).toBeNull();
    // Cut before acks: still a Produce request, acks unknown.
    expect(parseProduceHead(produceRequest(45, 'orders').subarray(0, 20))).toMatchObject({ correlationId: 45, acks: null });
  });
});

describe('FrameScanner', () => {
  it('passes every byte through, in order, when nothing is dropped', () => {
    const heads: number[] = [];
    const scanner = new FrameScanner(4, () => true, (head) => {
      heads.push(head.readInt32BE(4));
      return true;
    });
    const input = Buffer.concat([frame(Buffer.concat([int32(1), Buffer.from('a')])), frame(int32(2)), frame(Buffer.concat([int32(3), Buffer.alloc(300, 7)]))]);
    const out: Buffer[] = [];
    for (let i = 0; i < input.length; i += 3) out.push(...scanner.feed(input.subarray(i, i + 3)).forward);
    expect(Buffer.concat(out).equals(input)).toBe(true);
    expect(heads).toEqual([1, 2, 3]);
  });
});

describe('startBrokerRelay: lost Produce response', () => {
  it('lets the broker write the chosen Produce request, drops its response and closes the connection; later requests work again', async () => {
    const socketPath = join(dir, 'a.sock');
    relay = await startBrokerRelay(socketPath, 0, brokerPort, 8);
    const lost = relay.loseProduceResponse({ atRequest: 2 });

    const c = await client(socketPath);
    c.socket.write(metadataRequest(1));
    c.socket.write(produceRequest(2, 'account-events'));
    c.socket.write(produceRequest(3, 'account-events', 0));
    await c.until(2);
    expect(c.responses).toEqual([1, 2]);
    c.socket.write(produceRequest(4, 'account-events'));
    await c.closed;

    expect(await lost).toEqual({ request: 2, correlationId: 4, apiVersion: 7, topics: ['account-events'] });
    expect(c.responses, 'the response to correlation id 4 never reached the client').toEqual([1, 2]);
    expect(produced, 'yet the broker handled request 4').toEqual([2, 3, 4]);

    // The client reconnects and resends: the fault was one-shot, so this response arrives.
    const again = await client(socketPath);
    again.socket.write(produceRequest(1, 'account-events'));
    await again.until(1);
    expect(again.responses).toEqual([1]);
    expect(produced).toEqual([2, 3, 4, 1]);
    again.socket.destroy();
  });

  it('resolves null when the chosen request does not come in time or the relay closes', async () => {
    const socketPath = join(dir, 'b.sock');
    relay = await startBrokerRelay(socketPath, 0, brokerPort, 8);
    expect(await relay.loseProduceResponse({ atRequest: 5, timeoutMs: 50 })).toBeNull();
    const pending = relay.loseProduceResponse({ atRequest: 5 });
    expect(() => relay!.loseProduceResponse()).toThrow(/already armed/);
    await relay.close();
    expect(await pending).toBeNull();

    // A relay with nothing armed delays nothing: responses arrive for every request.
    relay = await startBrokerRelay(join(dir, 'c.sock'), 0, brokerPort, 8);
    const c = await client(join(dir, 'c.sock'));
    for (let id = 1; id <= 5; id++) c.socket.write(produceRequest(id, 't'));
    await c.until(5);
    expect(c.responses).toEqual([1, 2, 3, 4, 5]);
    c.socket.destroy();
  });
});
