// A server that refuses every run (LAB_SANDBOX and HOST, server/sandbox/mode.ts) says so in the
// run's results, as an infrastructure error a person can act on, before any broker is leased.
import { expect, it } from 'vitest';
import { loadLabRegistry } from '../../labs/_kit/registry.ts';
import type { KafkaRuntime } from '../kafka/types.ts';
import { chooseSandboxMode } from '../sandbox/mode.ts';
import { RunsRefusedError } from '../sandbox/index.ts';
import { gradeRun } from './pipeline.ts';

const labs = loadLabRegistry();
const lab = labs.get('keyed-producer')!;
const refusal = chooseSandboxMode({ setting: 'auto', host: '0.0.0.0', bwrapProblems: ['/usr/bin/bwrap is missing.'] }).refusal!;

function countingKafka() {
  const calls = { acquire: 0 };
  const kafka: KafkaRuntime = {
    status: () => ({ mode: 'local', provisioned: true, version: 'x', source: null, javaVersion: null, poolSize: 0, warmBrokers: 0, startingBrokers: 0, missing: [], fix: [] }),
    acquire: () => {
      calls.acquire++;
      return Promise.reject(new Error('no broker in this test'));
    },
    shutdown: async () => {},
  };
  return { kafka, calls };
}

it('a refused server fails the run with why and what to do, and leases no broker', async () => {
  const { kafka, calls } = countingKafka();
  const launch = () => Promise.reject(new RunsRefusedError(refusal));
  const r = await gradeRun({ runId: 'refused', lab, grader: await labs.grader(lab), program: { language: 'typescript', js: 'void 0' }, seed: 1 }, { kafka, launch, refusal: () => refusal });
  expect(r.status).toBe('error');
  expect(r.kind).toBe('infrastructure-error');
  expect(r.message).toContain('not isolated');
  expect(r.message).toContain('apt-get install -y bubblewrap');
  expect(r.message).toContain('HOST=127.0.0.1');
  expect(r.message).toMatch(/how this server is set up, not a problem in your code/);
  expect(r.message).not.toMatch(/try again/);
  expect(calls.acquire).toBe(0);
});
