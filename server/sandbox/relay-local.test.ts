// The relay as local mode uses it: on a loopback TCP port, pointing every broker address a client
// learns (Metadata, FindCoordinator) at itself, so the client never leaves the relay and faults and
// refusals still apply. A small TCP server stands in for the broker and answers with real encoded
// responses that name its own address.
import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { decodeResponse, encodeRequest, encodeResponse, type Message } from '../kafka/protocol/codec.ts';
import { apiSpecs } from '../kafka/protocol/schema.ts';
import { FrameSplitter, startTcpBrokerRelay, type TcpBrokerRelay } from './relay.ts';
import { createWireLog } from './wire-log.ts';

let broker: Server;
let brokerPort: number;
let relay: TcpBrokerRelay | undefined;
const seen: string[] = [];

function readFrames(socket: Socket, onFrame: (frame: Buffer) => void): void {
  const s = new FrameSplitter(1 << 20);
  socket.on('data', (chunk: Buffer) => s.push(chunk).forEach(onFrame));
}

/** The stand-in broker's answer to each request it understands; names its own address everywhere. */
function answer(apiKey: number, version: number, correlationId: number): Buffer {
  const spec = apiSpecs(apiKey)!.response;
  if (apiKey === 3) {
    return encodeResponse(spec, version, correlationId, {
      throttleTimeMs: 0, brokers: [{ nodeId: 1, host: '127.0.0.1', port: brokerPort, rack: null }], clusterId: 'c', controllerId: 1, topics: [],
    });
  }
  if (apiKey === 10) {
    return encodeResponse(spec, version, correlationId, {
      throttleTimeMs: 0,
      coordinators: [
        { key: 'lab-group', nodeId: 1, host: 'localhost', port: brokerPort, errorCode: 0, errorMessage: null },
        { key: 'missing', nodeId: -1, host: '', port: -1, errorCode: 15, errorMessage: 'not available' },
      ],
    });
  }
  // Anything else: a frame that is not a valid response body (the relay must not pass it off as one).
  const out = Buffer.alloc(9);
  out.writeInt32BE(5);
  out.writeInt32BE(correlationId, 4);
  return out;
}

beforeAll(async () => {
  broker = createServer((s) => {
    s.on('error', () => {});
    readFrames(s, (f) => {
      seen.push(`${f.readInt16BE(0)}`);
      if (!s.destroyed) s.write(answer(f.readInt16BE(0), f.readInt16BE(2), f.readInt32BE(4)));
    });
  });
  await new Promise<void>((r) => broker.listen(0, '127.0.0.1', r));
  brokerPort = (broker.address() as { port: number }).port;
});
afterEach(async () => {
  await relay?.close();
  relay = undefined;
  seen.length = 0;
});
afterAll(() => new Promise<void>((r) => broker.close(() => r())));

async function exchange(port: number, request: Buffer): Promise<Buffer | 'closed'> {
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((r, j) => socket.once('connect', r).once('error', j));
  return new Promise((resolve) => {
    readFrames(socket, (f) => {
      resolve(f);
      socket.destroy();
    });
    socket.once('close', () => resolve('closed'));
    socket.write(request);
  });
}

const tap = () => createWireLog({ groups: ['lab-group'] }).tapFor(1, { kill: async () => {}, pause: async () => {} });

describe('the relay on a loopback TCP port (local mode)', () => {
  it('listens on its own port, not the broker\'s', async () => {
    relay = await startTcpBrokerRelay(brokerPort, 4, tap());
    expect(relay.port).toBeGreaterThan(0);
    expect(relay.port).not.toBe(brokerPort);
  });

  it('points the brokers of a Metadata response at itself', async () => {
    relay = await startTcpBrokerRelay(brokerPort, 4, tap());
    const res = await exchange(relay.port, encodeRequest('Metadata', 12, 7, 'c', { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false }));
    expect(res).not.toBe('closed');
    const body = decodeResponse(res as Buffer, apiSpecs(3)!.response, 12);
    expect(body.correlationId).toBe(7);
    expect((body.body.brokers as Message[]).map((b) => [b.nodeId, b.host, b.port])).toEqual([[1, '127.0.0.1', relay.port]]);
  });

  it('points a FindCoordinator answer at itself and leaves an error entry as "no coordinator"', async () => {
    relay = await startTcpBrokerRelay(brokerPort, 4, tap());
    const res = await exchange(relay.port, encodeRequest('FindCoordinator', 4, 8, 'c', { keyType: 0, coordinatorKeys: ['lab-group', 'missing'] }));
    const body = decodeResponse(res as Buffer, apiSpecs(10)!.response, 4);
    expect((body.body.coordinators as Message[]).map((c) => [c.key, c.host, c.port])).toEqual([['lab-group', '127.0.0.1', relay.port], ['missing', '', -1]]);
  });

  it('still refuses admin mutations itself', async () => {
    relay = await startTcpBrokerRelay(brokerPort, 4, tap());
    const res = await exchange(relay.port, encodeRequest('DeleteTopics', 6, 9, 'c', { topics: [{ name: 'input', topicId: '00000000000000000000000000000000' }], timeoutMs: 1000 }));
    expect(res).not.toBe('closed');
    expect(seen).toEqual([]);
  });

  it('cuts the connection rather than pass on an address response it cannot read', async () => {
    relay = await startTcpBrokerRelay(brokerPort, 4, tap());
    // DescribeCluster: the stand-in answers garbage, which must not reach the client as if rewritten.
    const res = await exchange(relay.port, encodeRequest('DescribeCluster', 0, 10, 'c', { includeClusterAuthorizedOperations: false }));
    expect(res).toBe('closed');
    expect(seen).toEqual(['60']);
  });
});
