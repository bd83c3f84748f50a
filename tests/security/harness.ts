// Shared set-up for the security tests: the real app over a temporary SQLite database, an injected
// clock the test moves by hand, a Kafka stand-in (no test here touches Kafka), and request helpers
// that send what a browser on this site would send (Origin, JSON, the session cookie).
import { loadLabRegistry } from '../../labs/_kit/registry.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../server/app.ts';
import { loadConfig } from '../../server/config.ts';
import { openDb, type Db } from '../../server/db/index.ts';
import type { KafkaRuntime } from '../../server/kafka/types.ts';

export const ORIGIN = 'http://localhost';

const noKafka: KafkaRuntime = {
  status: () => ({
    mode: 'unavailable',
    provisioned: false,
    version: null,
    source: null,
    javaVersion: null,
    poolSize: 0,
    warmBrokers: 0,
    startingBrokers: 0,
    missing: [],
    fix: [],
  }),
  acquire: () => Promise.reject(new Error('Kafka is not used by the security tests')),
  shutdown: async () => {},
} as unknown as KafkaRuntime;

export interface Harness {
  app: ReturnType<typeof createApp>;
  db: Db;
  clock: { now: number; advance(ms: number): void };
  /** A request from a browser on this site; `ip` becomes the socket address. */
  call(method: string, path: string, opts?: { body?: unknown; cookie?: string; ip?: string; headers?: Record<string, string> }): Promise<Response>;
  /** Closes the database and builds a new app over the same file, like a server restart. */
  restart(): void;
  close(): void;
}

/** Builds the app over a fresh database in a temp dir; `production` switches on Secure cookies. */
export function makeHarness(opts: { production?: boolean; trustProxy?: boolean } = {}): Harness {
  const dir = mkdtempSync(join(tmpdir(), 'lz-sec-'));
  const db = openDb(dir);
  const config = {
    ...loadConfig({ DATA_DIR: dir, NODE_ENV: opts.production ? 'production' : 'test', TRUST_PROXY: opts.trustProxy ? '1' : '0' }, dir),
  };
  const clock = {
    now: Date.UTC(2026, 0, 5, 9, 0, 0),
    advance(ms: number) {
      this.now += ms;
    },
  };
  const build = (database: Db) => createApp({ config, db: database, kafka: noKafka, labs: loadLabRegistry(), now: () => clock.now });
  const h: Harness = {
    app: build(db),
    db,
    clock,
    call(method, path, o = {}) {
      const headers: Record<string, string> = { origin: ORIGIN, ...(o.headers ?? {}) };
      if (o.body !== undefined && !('content-type' in headers)) headers['content-type'] = 'application/json';
      if (o.cookie) headers.cookie = o.cookie;
      const body = o.body === undefined ? undefined : typeof o.body === 'string' ? o.body : JSON.stringify(o.body);
      const env = { incoming: { socket: { remoteAddress: o.ip ?? '198.51.100.7', remotePort: 40000, remoteFamily: 'IPv4' } } };
      return Promise.resolve(h.app.request(path, { method, headers, body }, env));
    },
    restart() {
      h.db.close();
      h.db = openDb(dir);
      h.app = build(h.db);
    },
    close() {
      h.db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return h;
}

/** The `name=value` pair of the session cookie a response sets (empty value = cleared), or undefined. */
export function sessionCookie(res: Response): string | undefined {
  for (const line of res.headers.getSetCookie()) {
    const pair = line.split(';')[0];
    if (/^(__Host-)?lz_session=/.test(pair)) return pair;
  }
  return undefined;
}

/** Signs up a user and returns the cookie header value for their session. */
export async function signUp(h: Harness, email = 'ada@example.com', password = 'correct horse battery'): Promise<string> {
  const res = await h.call('POST', '/api/auth/signup', { body: { email, password, timezone: 'Europe/Berlin' } });
  if (res.status !== 201) throw new Error(`sign-up failed: ${res.status} ${await res.text()}`);
  const cookie = sessionCookie(res);
  if (!cookie) throw new Error('sign-up set no session cookie');
  return cookie;
}
