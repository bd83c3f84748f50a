// How finished runs are labelled and how API refusals are worded on the lab page.
import { describe, expect, it } from 'vitest';
import { badExits, verdictOf, type RunResults } from './results.ts';
import { describeFailure } from './api.ts';

const base = (over: Partial<RunResults>): RunResults => ({
  version: 3, status: 'fail', kind: 'checks-failed', lab: 'keyed-producer', seed: 1, tests: [], faults: [], notes: [],
  program: { instances: [] }, timings: { queuedMs: 0, brokerMs: 0, setupMs: 0, scenarioMs: 0, checksMs: 0, totalMs: 0 }, ...over,
});
const check = (status: 'pass' | 'fail' | 'error') => ({ name: 'n', status, message: null, output: null, task_id: 't', evidence: [] });

describe('verdictOf', () => {
  it('tells a failed check, a learner timeout or crash and an infrastructure error apart', () => {
    expect(verdictOf('pass', base({ status: 'pass', kind: 'passed', tests: [check('pass'), check('pass')] }))).toBe('pass');
    expect(verdictOf('fail', base({ tests: [check('pass'), check('fail')] }))).toBe('fail');
    expect(verdictOf('fail', base({ kind: 'program-timed-out', tests: [check('fail')] }))).toBe('learner-error');
    expect(verdictOf('fail', base({ kind: 'program-crashed' }))).toBe('learner-error');
    expect(verdictOf('fail', base({ kind: 'compile-error' }))).toBe('learner-error');
    expect(verdictOf('error', base({ status: 'error', kind: 'infrastructure-error', message: 'broker did not start' }))).toBe('infra-error');
  });

  it('never calls a run with zero checks a pass', () => {
    expect(verdictOf('pass', base({ status: 'pass', kind: undefined, tests: [] }))).toBe('fail');
  });

  it('ignores program instances the grader stopped on purpose', () => {
    const exit = { instance: 1, reason: 'killed' as const, code: null, signal: 'SIGKILL', wallMs: 100, stderrTail: '' };
    expect(badExits(base({ program: { instances: [{ ...exit, byGrader: true }, { ...exit, instance: 2, reason: 'crashed', byGrader: false }] } })).map((p) => p.instance)).toEqual([2]);
  });
});

describe('describeFailure', () => {
  const res = (status: number, body: unknown, headers: Record<string, string> = {}) =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

  it('keeps the retry time of a 429 so the Run button can count down', async () => {
    const f = await describeFailure(res(429, { error: { code: 'too_many_runs', message: 'You can start 6 runs a minute. Wait 12 s and submit again.' } }, { 'retry-after': '12' }));
    expect(f.retryAfter).toBe(12);
    expect(f.message).toContain('Wait 12 s');
  });

  it('explains a 413 and a non-JSON error page', async () => {
    expect((await describeFailure(new Response('<html>too big</html>', { status: 413 }))).message).toMatch(/too large/);
    expect((await describeFailure(new Response('bad gateway', { status: 502 }))).message).toMatch(/HTTP 502/);
  });
});
