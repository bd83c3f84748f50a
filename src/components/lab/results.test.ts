// How finished runs are labelled and how API refusals are worded on the lab page.
import { describe, expect, it } from 'vitest';
import { badExits, checkMessage, evidenceColumns, programOutput, summaryLine, verdictOf, type RunResults, type TestResult } from './results.ts';
import { describeFailure } from '../../lib/api-client.ts';

const base = (over: Partial<RunResults>): RunResults => ({
  version: 3, status: 'fail', kind: 'checks-failed', lab: 'keyed-producer', seed: 1, tests: [], faults: [], notes: [],
  program: { instances: [] }, timings: { totalMs: 0 }, ...over,
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

describe('summaryLine', () => {
  it('counts passed checks, and says when none ran', () => {
    expect(summaryLine(base({ tests: [check('pass'), check('fail'), check('pass'), check('error')] }))).toBe('2 of 4 checks passed.');
    expect(summaryLine(base({ tests: [check('pass')] }))).toBe('1 of 1 check passed.');
    expect(summaryLine(base({ kind: 'compile-error' }))).toMatch(/did not compile/);
  });
});

describe('programOutput', () => {
  it('prefers the run-level output and falls back to the first check that carried it', () => {
    expect(programOutput(base({ output: 'hello\n', tests: [{ ...check('fail'), output: 'old' }] }))).toBe('hello\n');
    expect(programOutput(base({ tests: [check('fail'), { ...check('fail'), output: 'from check 2' }] }))).toBe('from check 2');
    expect(programOutput(base({ output: null, tests: [check('fail')] }))).toBeNull();
  });
});

describe('checkMessage', () => {
  const failed = (message: string, evidence: TestResult['evidence'] = [{ topic: 't', key: 'k', expected: 1, actual: 2 }]): TestResult => ({ ...check('fail'), message, evidence });
  // The shape the grader wrote before the one-sentence contract: crash report, sentence, bullets.
  const crashed = 'Your program (instance 1) crashed (exit code 1) before the grader finished.\nLast lines of its stderr: TypeError: boom\n\nNo records were found, so partitioning could not be checked.\n- the topic is empty';

  it('keeps one sentence and drops bullets that repeat the evidence table', () => {
    const msg = 'account-events does not match the input (40 expected): 40 missing.\n- topic account-events, key "acct-04": expected id pay-0001, got missing\n- …and 37 more';
    expect(checkMessage(failed(msg), { crashShown: false })).toBe('account-events does not match the input (40 expected): 40 missing.');
  });

  it('leaves the crash report out of each check once it is shown for the whole run', () => {
    expect(checkMessage(failed(crashed), { crashShown: true })).toBe('No records were found, so partitioning could not be checked.');
    expect(checkMessage(failed(crashed), { crashShown: false })).toMatch(/^Your program \(instance 1\) crashed/);
  });

  it('keeps bullets when there is no table to carry them, and says nothing for a pass', () => {
    expect(checkMessage(failed('Offsets were wrong:\n- partition 0 at 5', []), { crashShown: false })).toBe('Offsets were wrong: - partition 0 at 5');
    expect(checkMessage({ ...check('pass'), message: 'fine' }, { crashShown: false })).toBeNull();
  });
});

describe('evidenceColumns', () => {
  it('shows only the columns some row fills in', () => {
    expect(evidenceColumns([{ note: 'the topic is empty' }])).toEqual(['note']);
    expect(evidenceColumns([{ topic: 'a', key: 'k', expected: 'x', actual: 'missing' }, { topic: 'a', partition: 0, offset: '3' }])).toEqual(['topic', 'partition', 'offset', 'key', 'expected', 'actual']);
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
