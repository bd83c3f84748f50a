import { describe, expect, it } from 'vitest';
import type { WireEvent } from './wire.ts';
import { checkAcksAll, checkCommitsFollowResults, checkMemberCommits, checkTransactionalIds, checkTransactionsCarryOffsets } from './wire-checks.ts';

let seq = 0;
const head = (instance = 1) => ({ seq: ++seq, atMs: seq * 10, instance, conn: 1, correlationId: seq, apiVersion: 9, clientId: 'c' });
const okResponse = () => ({ seq: ++seq, atMs: seq * 10, errorCode: 0, delivered: true, body: {} });
const produce = (ids: string[], opts: { acks?: number; txn?: string | null; pid?: string; topic?: string } = {}): WireEvent => ({
  ...head(), type: 'produce', transactionalId: opts.txn ?? null, acks: opts.acks ?? -1,
  partitions: [{ topic: opts.topic ?? 'out', partition: 0, producerId: opts.pid ?? '5', producerEpoch: 0, baseSequence: 0, transactional: Boolean(opts.txn), records: ids.map((id) => ({ key: 'k', value: JSON.stringify({ id }) })) }],
});
const answered = (e: WireEvent): WireEvent => ({ ...e, response: okResponse() });
const commit = (offset: number, member = 'm-1', generationId = 1): WireEvent => ({ ...head(), type: 'offset-commit', groupId: 'g', generationId, memberId: member, offsets: [{ topic: 'in', partition: 0, offset }], response: okResponse() });
const input = [0, 1, 2].map((o) => ({ partition: 0, offset: o, id: `p${o}` }));
const opts = { group: 'g', inputTopic: 'in', outputTopic: 'out', input };

describe('checkCommitsFollowResults', () => {
  it('passes commits that follow the acknowledgement of every result below them', () => {
    const events = [answered(produce(['p0'])), commit(1), answered(produce(['p1', 'p2'])), commit(3)];
    expect(checkCommitsFollowResults(events, opts).pass).toBe(true);
  });

  it('fails a commit sent before the result it covers was acknowledged, naming partition and offset', () => {
    // The request goes out, the commit is sent, and only then does the broker acknowledge the result.
    const p = produce(['p0']);
    const c = commit(1);
    const events = [{ ...p, response: okResponse() }, c];
    events[0].response!.seq = c.seq + 1;
    const r = checkCommitsFollowResults(events, opts);
    expect(r.pass).toBe(false);
    expect(r.evidence[0]).toMatchObject({ topic: 'in', partition: 0, offset: '0' });
  });

  it('fails a commit whose result was never acknowledged, and a program that never commits', () => {
    expect(checkCommitsFollowResults([produce(['p0']), commit(1)], opts).pass).toBe(false);
    expect(checkCommitsFollowResults([answered(produce(['p0']))], opts).pass).toBe(false);
  });
});

describe('checkMemberCommits', () => {
  it('fails offsets set from outside the group, as the admin API sets them', () => {
    expect(checkMemberCommits([commit(3)], 'g').pass).toBe(true);
    expect(checkMemberCommits([commit(3, '', -1)], 'g').pass).toBe(false);
  });
});

describe('checkAcksAll', () => {
  it('fails a Produce with acks=1 and a program that never produced', () => {
    expect(checkAcksAll([produce(['a'])], 'out').pass).toBe(true);
    expect(checkAcksAll([produce(['a']), produce(['b'], { acks: 1 })], 'out').pass).toBe(false);
    expect(checkAcksAll([], 'out').pass).toBe(false);
  });
});

describe('checkTransactionalIds', () => {
  const init = (txn: string | null, instance = 1): WireEvent => ({ ...head(instance), type: 'init-producer-id', transactionalId: txn });
  it("passes the lab's id, fails another id or none", () => {
    const want = new Map([[1, 'tx-1']]);
    expect(checkTransactionalIds([init('tx-1')], want).pass).toBe(true);
    expect(checkTransactionalIds([init('tx-1-4711')], want).pass).toBe(false);
    expect(checkTransactionalIds([init(null)], want).pass).toBe(false);
  });
});

describe('checkTransactionsCarryOffsets', () => {
  const txnOffsets = (): WireEvent => ({ ...head(), type: 'txn-offset-commit', transactionalId: 'tx', groupId: 'g', producerId: '9', producerEpoch: 0, offsets: [{ topic: 'in', partition: 0, offset: 3 }], response: okResponse() });
  const end = (committed = true): WireEvent => ({ ...head(), type: 'end-txn', transactionalId: 'tx', producerId: '9', producerEpoch: 0, committed, response: okResponse() });
  it('passes output and offsets in one transaction', () => {
    expect(checkTransactionsCarryOffsets([answered(produce(['o1'], { txn: 'tx', pid: '9' })), txnOffsets(), end()], 'g', 'out').pass).toBe(true);
  });
  it('fails output committed in one transaction and offsets in the next', () => {
    const r = checkTransactionsCarryOffsets([answered(produce(['o1'], { txn: 'tx', pid: '9' })), end(), txnOffsets(), end()], 'g', 'out');
    expect(r.pass).toBe(false);
    expect(r.evidence[0]).toMatchObject({ topic: 'out' });
  });
  it('fails a plain OffsetCommit for the group', () => {
    expect(checkTransactionsCarryOffsets([answered(produce(['o1'], { txn: 'tx', pid: '9' })), txnOffsets(), end(), commit(3)], 'g', 'out').pass).toBe(false);
  });
});
