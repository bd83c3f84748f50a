// Deterministic randomness for graders: the same seed always yields the same input data, so a
// failing run can be reproduced exactly by grading again with the same seed. The seed never reaches
// the program: ids and amounts drawn from it are unpredictable to learner code.
import { partitionForKey } from './partitioner.ts';

/** A seeded pseudo-random generator (mulberry32) with small helpers. */
export interface Rng {
  /** Uniform float in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max] inclusive. */
  int(min: number, max: number): number;
  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T;
  /** A copy of the array in a random order. */
  shuffle<T>(items: readonly T[]): T[];
}

/** Creates a generator from a 32-bit seed. */
export function createRng(seed: number): Rng {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  return {
    next,
    int,
    pick: (items) => items[int(0, items.length - 1)],
    shuffle: (items) => {
      const out = [...items];
      for (let i = out.length - 1; i > 0; i--) {
        const j = int(0, i);
        [out[i], out[j]] = [out[j], out[i]];
      }
      return out;
    },
  };
}

/** A payment-like business event used as lab input. */
export interface PaymentEvent {
  id: string;
  account: string;
  /** 1-based position of this event among its account's events. */
  seq: number;
  amountCents: number;
}

/** `count` payment events spread over `accounts` account ids, each account's seq counting up from 1. */
export function paymentEvents(rng: Rng, count: number, accounts: number, prefix = 'pay'): PaymentEvent[] {
  const ids = Array.from({ length: accounts }, (_, i) => `acct-${String(i + 1).padStart(2, '0')}`);
  const seqs = new Map<string, number>();
  const out: PaymentEvent[] = [];
  for (let i = 0; i < count; i++) {
    const account = rng.pick(ids);
    const seq = (seqs.get(account) ?? 0) + 1;
    seqs.set(account, seq);
    out.push({ id: `${prefix}-${String(i + 1).padStart(4, '0')}`, account, seq, amountCents: rng.int(100, 99_999) });
  }
  return out;
}

/** `n` random lowercase hex digits: ids the program cannot predict (the seed stays with the grader). */
export function hex(rng: Rng, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += '0123456789abcdef'[rng.int(0, 15)];
  return s;
}

/** Distinct random account ids like `acct-3f9a`. */
export function accountIds(rng: Rng, count: number, partitions?: number): string[] {
  const out = new Set<string>();
  if (partitions !== undefined) {
    // The first `partitions` accounts land on partitions 0, 1, … (default partitioner), so input that
    // starts with them touches every partition: no partition goes untested.
    if (count < partitions) throw new Error(`need at least ${partitions} accounts to cover ${partitions} partitions`);
    for (let p = 0; p < partitions; p++) {
      let id: string;
      do id = `acct-${hex(rng, 4)}`;
      while (out.has(id) || partitionForKey(id, partitions) !== p);
      out.add(id);
    }
  }
  while (out.size < count) out.add(`acct-${hex(rng, 4)}`);
  return [...out];
}

/** Distinct random ids with a prefix, like `pay-7c01e9a2b4`. */
export function uniqueIds(rng: Rng, count: number, prefix: string): string[] {
  const out = new Set<string>();
  while (out.size < count) out.add(`${prefix}-${hex(rng, 10)}`);
  return [...out];
}
