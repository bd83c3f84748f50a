// The relay and its wire decoding, without a broker: requests are encoded with our protocol codec
// (the same one the log reader uses against real Kafka), and a small TCP server stands in for the
// broker, answering every frame with a frame that carries the request's correlation id. What real
// Kafka does with the traffic (idempotent resends de-duplicated, fenced zombies) is proved by the
// lab proofs, which run every lab against a real broker.
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { decodeResponse, encodeRequest } from '../kafka/protocol/codec.ts';
import { encodeBatch } from '../kafka/protocol/records.ts';
import { apiSpecs } from '../kafka/protocol/schema.ts';
import { FrameSplitter, startBrokerRelay, type BrokerRelay } from './relay.ts';
import { inspectRequest, type WireEvent, type WirePolicy } from './wire.ts';
import { createWireLog } from './wire-log.ts';

const policy: WirePolicy = { groups: ['lab-group'], topicIds: new Map() };
const body = (frame: Buffer) => frame.subarray(4);
const rec = (key: string, value: string, headers = 0) => ({
  key: Buffer.from(key), value: Buffer.from(value),
  headers: Array.from({ length: headers }, (_, i) => ({ key: `h${i}`, value: null })),
});

function produce(correlationId: number, records: ReturnType<typeof rec>[], opts: { acks?: number; transactionalId?: string | null; producerId?: bigint } = {}): Buffer {
  return encodeRequest('Produce', 9, correlationId, 'test-client', {
    transactionalId: opts.transactionalId ?? null, acks: opts.acks ?? -1, timeoutMs: 30_000,
    topicData: [{ name: 'payments', partitionData: [{ index: 2, records: encodeBatch(0n, records, { producerId: opts.producerId ?? 7n, producerEpoch: 0, baseSequence: 0, transactional: Boolean(opts.transactionalId) }) }] }],
  });
}
const deleteRecords = (correlationId: number) =>
  encodeRequest('DeleteRecords', 2, correlationId, 'test-client', { topics: [{ name: 'payments', partitions: [{ partitionIndex: 0, offset: -1n }, { partitionIndex: 1, offset: -1n }] }], timeoutMs: 1000 });
const offsetCommit = (correlationId: number, groupId: string) =>
  encodeRequest('OffsetCommit', 8, correlationId, 'test-client', {
    groupId, generationIdOrMemberEpoch: 3, memberId: 'member-1', groupInstanceId: null,
    topics: [{ name: 'payments', partitions: [{ partitionIndex: 0, committedOffset: 42n, committedLeaderEpoch: -1, committedMetadata: null }] }],
  });
const metadata = (correlationId: number) => encodeRequest('Metadata', 12, correlationId, 'test-client', { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });

describe('FrameSplitter', () => {
  it('reassembles frames split across chunks and separates frames that share a chunk', () => {
    const a = metadata(1);
    const b = metadata(2);
    const both = Buffer.concat([a, b]);
    const s = new FrameSplitter(1024);
    expect(s.push(both.subarray(0, 3))).toEqual([]);
    expect(s.push(both.subarray(3, a.length + 5)).map((f) => f.readInt32BE(4))).toEqual([1]);
    expect(s.push(both.subarray(a.length + 5)).map((f) => f.readInt32BE(4))).toEqual([2]);
  });

  it('refuses a frame over its limit before buffering it', () => {
    const s = new FrameSplitter(100);
    const huge = Buffer.alloc(8);
    huge.writeInt32BE(1_000_000);
    expect(() => s.push(huge)).toThrow(/over the 100-byte limit/);
  });
});

describe('inspectRequest', () => {
  it('logs a Produce with its decoded records, acks and producer id', () => {
    const { verdict } = inspectRequest(body(produce(5, [rec('acct-1', '{"id":"evt-1"}'), rec('acct-2', '{"id":"evt-2"}')])), policy);
    expect(verdict.forward).toBe(true);
    const e = verdict.event;
    expect(e?.type).toBe('produce');
    if (e?.type !== 'produce') return;
    expect(e.acks).toBe(-1);
    expect(e.correlationId).toBe(5);
    expect(e.partitions).toEqual([expect.objectContaining({ topic: 'payments', partition: 2, producerId: '7', records: [{ key: 'acct-1', value: '{"id":"evt-1"}' }, { key: 'acct-2', value: '{"id":"evt-2"}' }] })]);
  });

  it('answers DeleteRecords itself with a per-partition error the client can read, and never forwards it', () => {
    const { verdict } = inspectRequest(body(deleteRecords(9)), policy);
    expect(verdict.forward).toBe(false);
    if (verdict.forward) return;
    expect(verdict.event).toMatchObject({ type: 'refused', api: 'DeleteRecords' });
    const res = decodeResponse(body(verdict.reply), apiSpecs(21)!.response, 2);
    expect(res.correlationId).toBe(9);
    const parts = (res.body.topics as { partitions: { partitionIndex: number; errorCode: number }[] }[])[0].partitions;
    expect(parts.map((p) => [p.partitionIndex, p.errorCode])).toEqual([[0, 29], [1, 29]]);
  });

  it('lets a lab that allows an API through', () => {
    const { verdict } = inspectRequest(body(deleteRecords(9)), { ...policy, allowApis: ['DeleteRecords'] });
    expect(verdict.forward).toBe(true);
  });

  it("refuses commits for a group that is not the lab's, and logs commits for the lab's group", () => {
    const foreign = inspectRequest(body(offsetCommit(3, 'my-shadow-group')), policy).verdict;
    expect(foreign.forward).toBe(false);
    if (!foreign.forward) {
      expect(foreign.event).toMatchObject({ type: 'refused', api: 'OffsetCommit' });
      expect((foreign.event as { reason: string }).reason).toMatch(/"my-shadow-group" is not allowed.*only "lab-group"/);
      const res = decodeResponse(body(foreign.reply), apiSpecs(8)!.response, 8);
      expect((res.body.topics as { partitions: { errorCode: number }[] }[])[0].partitions[0].errorCode).toBe(30);
    }
    const own = inspectRequest(body(offsetCommit(4, 'lab-group')), policy).verdict;
    expect(own.forward).toBe(true);
    expect(own.event).toMatchObject({ type: 'offset-commit', groupId: 'lab-group', generationId: 3, memberId: 'member-1', offsets: [{ topic: 'payments', partition: 0, offset: 42 }] });
  });

  it('refuses a Produce whose records the grader could not read (a header bomb)', () => {
    const { verdict } = inspectRequest(body(produce(6, [rec('k', 'v', 15_000)])), policy);
    expect(verdict.forward).toBe(false);
    if (!verdict.forward) expect((verdict.event as { reason: string }).reason).toMatch(/headers/);
  });

  it('forwards requests that do not matter for grading without logging them', () => {
    expect(inspectRequest(body(metadata(1)), policy).verdict).toEqual({ forward: true });
  });
});

/** A stand-in broker: answers each frame with [correlation id] after `delayMs`, counting what it handled. */
let broker: Server;
let brokerPort: number;
const handled: number[] = [];
let dir: string;
let relay: BrokerRelay | undefined;

function readFrames(socket: Socket, onFrame: (frame: Buffer) => void): void {
  const s = new FrameSplitter(1 << 20);
  socket.on('data', (chunk: Buffer) => s.push(chunk).forEach(onFrame));
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lz-relay-test-'));
  broker = createServer((s) => {
    s.on('error', () => {});
    readFrames(s, (f) => {
      const correlationId = f.readInt32BE(4);
      handled.push(correlationId);
      // Answer out of the relay's sight of time: later requests may be answered after a delay.
      setTimeout(() => {
        const out = Buffer.alloc(8);
        out.writeInt32BE(4);
        out.writeInt32BE(correlationId, 4);
        if (!s.destroyed) s.write(out);
      }, 20);
    });
  });
  await new Promise<void>((r) => broker.listen(0, '127.0.0.1', r));
  brokerPort = (broker.address() as { port: number }).port;
});
afterEach(async () => {
  await relay?.close();
  relay = undefined;
  handled.length = 0;
});
afterAll(async () => {
  await new Promise((r) => broker.close(r));
  rmSync(dir, { recursive: true, force: true });
});

/** Opens a client through the relay and collects the correlation ids of the responses it gets. */
async function client(path: string): Promise<{ socket: Socket; got: number[]; closed: Promise<void> }> {
  const socket = connect(path);
  await new Promise<void>((r, j) => socket.once('connect', r).once('error', j));
  const got: number[] = [];
  readFrames(socket, (f) => got.push(f.readInt32BE(0)));
  const closed = new Promise<void>((r) => socket.once('close', () => r()));
  return { socket, got, closed };
}
const until = async (cond: () => boolean, ms = 3000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('the relay', () => {
  it("keeps responses in request order when it answers some requests itself, and the broker never sees those", async () => {
    const log = createWireLog({ groups: ['lab-group'] });
    const path = join(dir, 'order.sock');
    relay = await startBrokerRelay(path, process.getgid?.() ?? 0, brokerPort, 4, log.tapFor(1, { kill: async () => {}, pause: async () => {} }));
    const c = await client(path);
    c.socket.write(Buffer.concat([metadata(1), deleteRecords(2), metadata(3), offsetCommit(4, 'other-group'), metadata(5)]));
    await until(() => c.got.length === 5);
    expect(c.got).toEqual([1, 2, 3, 4, 5]);
    expect(handled).toEqual([1, 3, 5]);
    expect(log.events.filter((e) => e.type === 'refused').map((e) => (e as { api: string }).api)).toEqual(['DeleteRecords', 'OffsetCommit']);
    c.socket.destroy();
  });

  it('loses the response an armed fault matches: the broker did the work, the client hears nothing and is cut off', async () => {
    const log = createWireLog({ groups: [] });
    const path = join(dir, 'lose.sock');
    relay = await startBrokerRelay(path, process.getgid?.() ?? 0, brokerPort, 4, log.tapFor(1, { kill: async () => {}, pause: async () => {} }));
    const fault = log.arm({ kind: 'lose-response', when: (e: WireEvent) => e.type === 'produce' && e.correlationId === 11 });
    const c = await client(path);
    c.socket.write(produce(10, [rec('a', '1')]));
    await until(() => c.got.length === 1);
    c.socket.write(produce(11, [rec('a', '2')]));
    await c.closed;
    const hit = await fault;
    expect(hit?.event.correlationId).toBe(11);
    expect(handled).toEqual([10, 11]);
    expect(c.got).toEqual([10]);
    const lost = log.events.find((e) => e.correlationId === 11);
    expect(lost?.response?.delivered).toBe(false);
  });

  it('runs a kill fault before the response would reach the program', async () => {
    const log = createWireLog({ groups: [] });
    const path = join(dir, 'kill.sock');
    let killedAfter = -1;
    const c0: { got: number[] } = { got: [] };
    relay = await startBrokerRelay(path, process.getgid?.() ?? 0, brokerPort, 4, log.tapFor(1, { kill: async () => { killedAfter = c0.got.length; }, pause: async () => {} }));
    void log.arm({ kind: 'kill', when: (e) => e.type === 'produce' });
    const c = await client(path);
    c0.got = c.got;
    c.socket.write(produce(20, [rec('a', '1')]));
    await c.closed;
    expect(killedAfter).toBe(0);
    expect(c.got).toEqual([]);
  });

  it('cuts off a client that announces a frame over the request limit', async () => {
    const log = createWireLog({ groups: [] });
    const path = join(dir, 'huge.sock');
    relay = await startBrokerRelay(path, process.getgid?.() ?? 0, brokerPort, 4, log.tapFor(1, { kill: async () => {}, pause: async () => {} }));
    const c = await client(path);
    const head = Buffer.alloc(4);
    head.writeInt32BE(0x7fff0000);
    c.socket.write(head);
    await c.closed;
    expect(handled).toEqual([]);
  });
});
