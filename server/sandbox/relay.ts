// Host side of the broker relay: a Unix socket inside the run's directory (bind-mounted into the
// sandbox) whose every connection is piped to the run's real broker on 127.0.0.1. The destination
// is fixed here, outside the sandbox, so nothing the learner sends can choose another target.
// Each connection dials the broker afresh, so a broker restart only drops current connections.
import { chmodSync, chownSync } from 'node:fs';
import { createServer, connect, type Socket } from 'node:net';

/** A running relay. */
export interface BrokerRelay {
  close(): Promise<void>;
}

/** Listens on `socketPath` (group `gid` may connect) and relays to 127.0.0.1:`port`. */
export function startBrokerRelay(socketPath: string, gid: number, port: number, maxConnections: number): Promise<BrokerRelay> {
  const open = new Set<Socket>();
  const server = createServer((inner) => {
    if (open.size >= maxConnections * 2) {
      inner.destroy();
      return;
    }
    const outer = connect({ host: '127.0.0.1', port });
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
    inner.pipe(outer);
    outer.pipe(inner);
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
            for (const s of open) s.destroy();
            open.clear();
            server.close(() => done());
          }),
      });
    });
  });
}
