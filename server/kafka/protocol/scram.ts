// SCRAM (RFC 5802 / 7677) on the client side, as Kafka's SASL/SCRAM-SHA-256 and -512 mechanisms
// use it: client-first, server-first (nonce, salt, iterations), client-final with the proof, and
// the server signature check. Also the salted credential the broker stores (for
// AlterUserScramCredentials), so a user can be created without the password crossing the wire.
import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

export type ScramMechanism = 'SCRAM-SHA-256' | 'SCRAM-SHA-512';

const hashOf = (m: ScramMechanism) => (m === 'SCRAM-SHA-256' ? 'sha256' : 'sha512');
const keyLength = (m: ScramMechanism) => (m === 'SCRAM-SHA-256' ? 32 : 64);

/** Kafka's mechanism id in AlterUserScramCredentials. */
export const MECHANISM_ID: Record<ScramMechanism, number> = { 'SCRAM-SHA-256': 1, 'SCRAM-SHA-512': 2 };

const saltedCache = new Map<string, Buffer>();

function saltedPassword(m: ScramMechanism, password: string, salt: Buffer, iterations: number): Buffer {
  const key = `${m}|${password}|${salt.toString('base64')}|${iterations}`;
  let v = saltedCache.get(key);
  if (!v) {
    v = pbkdf2Sync(password, salt, iterations, keyLength(m), hashOf(m));
    if (saltedCache.size > 512) saltedCache.clear();
    saltedCache.set(key, v);
  }
  return v;
}

const hmac = (m: ScramMechanism, key: Buffer, data: string | Buffer) => createHmac(hashOf(m), key).update(data).digest();
const xor = (a: Buffer, b: Buffer) => Buffer.from(a.map((x, i) => x ^ b[i]));

/** The broker-side credential for a password: what AlterUserScramCredentials upserts. */
export function saltedCredential(m: ScramMechanism, password: string, iterations = 4096): { salt: Buffer; saltedPassword: Buffer; iterations: number } {
  const salt = randomBytes(24);
  return { salt, saltedPassword: saltedPassword(m, password, salt, iterations), iterations };
}

/** One client-side SCRAM exchange. */
export class ScramClient {
  private readonly nonce = randomBytes(18).toString('base64');
  private clientFirstBare = '';
  private serverSignature?: Buffer;

  constructor(private readonly mechanism: ScramMechanism, private readonly user: string, private readonly password: string) {}

  /** The client-first message. */
  first(): Buffer {
    const name = this.user.replace(/=/g, '=3D').replace(/,/g, '=2C');
    this.clientFirstBare = `n=${name},r=${this.nonce}`;
    return Buffer.from(`n,,${this.clientFirstBare}`);
  }

  /** Answers the server-first message with the client-final message. */
  final(serverFirst: Buffer): Buffer {
    const text = serverFirst.toString('utf8');
    const attrs = new Map(text.split(',').map((kv) => [kv.slice(0, 1), kv.slice(2)] as const));
    const nonce = attrs.get('r');
    const salt = attrs.get('s');
    const iterations = Number(attrs.get('i'));
    if (!nonce || !nonce.startsWith(this.nonce) || !salt || !Number.isInteger(iterations) || iterations < 1) {
      throw new Error(`SCRAM: unexpected server-first message "${text.slice(0, 120)}"`);
    }
    const salted = saltedPassword(this.mechanism, this.password, Buffer.from(salt, 'base64'), iterations);
    const clientKey = hmac(this.mechanism, salted, 'Client Key');
    const storedKey = createHash(hashOf(this.mechanism)).update(clientKey).digest();
    const withoutProof = `c=biws,r=${nonce}`;
    const authMessage = `${this.clientFirstBare},${text},${withoutProof}`;
    const signature = hmac(this.mechanism, storedKey, authMessage);
    const serverKey = hmac(this.mechanism, salted, 'Server Key');
    this.serverSignature = hmac(this.mechanism, serverKey, authMessage);
    return Buffer.from(`${withoutProof},p=${xor(clientKey, signature).toString('base64')}`);
  }

  /** Verifies the server-final message (proves the broker knows the credential). */
  verify(serverFinal: Buffer): void {
    const text = serverFinal.toString('utf8');
    if (text.startsWith('e=')) throw new Error(`SCRAM: the broker refused the credentials (${text.slice(2)})`);
    const v = text.startsWith('v=') ? Buffer.from(text.slice(2).split(',')[0], 'base64') : Buffer.alloc(0);
    if (!this.serverSignature || v.length !== this.serverSignature.length || !timingSafeEqual(v, this.serverSignature)) {
      throw new Error('SCRAM: the broker signature does not match');
    }
  }
}
