// Password hashing (Argon2id with OWASP's m=19456 KiB, t=2, p=1 through @node-rs/argon2) and the
// password policy: 8-128 characters, not one of the common passwords in common-passwords.txt.
import { hash, verify, type Options } from '@node-rs/argon2';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** OWASP Password Storage Cheat Sheet: Argon2id, 19 MiB, 2 iterations, 1 lane. */
export const ARGON2_OPTIONS: Options = { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 };

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;

/** How many Argon2 computations ran; the security tests use it to prove a dummy hash is computed. */
export const argon2Stats = { hashes: 0, verifies: 0 };

/** Hashes a password into a PHC string. */
export async function hashPassword(password: string): Promise<string> {
  argon2Stats.hashes++;
  return hash(password, ARGON2_OPTIONS);
}

/** True when `password` matches the stored PHC hash; a malformed hash counts as no match. */
export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  argon2Stats.verifies++;
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

let dummyHash: Promise<string> | undefined;

/** Computes the dummy hash ahead of time, so even the first unknown-email sign-in costs one verify, not hash + verify. */
export function prepareDummyHash(): Promise<string> {
  dummyHash ??= hash(crypto.randomUUID(), ARGON2_OPTIONS);
  return dummyHash;
}

/**
 * Spends the same Argon2 work as a real check for an email with no account, so the response time
 * does not reveal which emails are registered. Always resolves to false.
 */
export async function verifyDummy(password: string): Promise<false> {
  await verifyPassword(await prepareDummyHash(), password);
  return false;
}

let blocklist: Set<string> | undefined;

/** The common-password list, lower-cased. */
export function commonPasswords(): Set<string> {
  if (!blocklist) {
    const file = join(dirname(fileURLToPath(import.meta.url)), 'common-passwords.txt');
    blocklist = new Set(
      readFileSync(file, 'utf8')
        .split('\n')
        .map((l) => l.trim().toLowerCase())
        .filter((l) => l && !l.startsWith('#')),
    );
  }
  return blocklist;
}

/** Why a new password is not acceptable (a sentence the person can act on), or null when it is fine. */
export function passwordProblem(password: string, email: string): string | null {
  const length = [...password].length;
  if (length < PASSWORD_MIN) return `The password is too short: use at least ${PASSWORD_MIN} characters (a few unrelated words work well).`;
  if (length > PASSWORD_MAX) return `The password is too long: use at most ${PASSWORD_MAX} characters.`;
  const lower = password.toLowerCase();
  if (commonPasswords().has(lower)) return 'That password is one of the most commonly used ones and is easy to guess. Choose a different one.';
  const local = email.toLowerCase().split('@')[0];
  if (lower === email.toLowerCase() || (local.length >= 4 && lower === local)) return 'The password must not be your email address. Choose a different one.';
  return null;
}
