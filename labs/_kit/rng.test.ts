import { expect, it } from 'vitest';
import { checkCommitsAt } from './checks.ts';
import { partitionForKey } from './partitioner.ts';
import { accountIds, createRng } from './rng.ts';

it('accountIds can put its first accounts on every partition, for any seed', () => {
  for (let seed = 1; seed <= 50; seed++) {
    const ids = accountIds(createRng(seed), 6, 3);
    expect(new Set(ids).size).toBe(6);
    expect(ids.slice(0, 3).map((id) => partitionForKey(id, 3))).toEqual([0, 1, 2]);
  }
});

it('checkCommitsAt needs no commit for a partition that never held a record, but does for one that did', () => {
  expect(checkCommitsAt([], new Map([[0, 0]]), 'in').pass).toBe(true);
  expect(checkCommitsAt([], new Map([[0, 4]]), 'in').pass).toBe(false);
  expect(checkCommitsAt([{ topic: 'in', partition: 0, offset: 3 }], new Map([[0, 4]]), 'in').pass).toBe(false);
});
