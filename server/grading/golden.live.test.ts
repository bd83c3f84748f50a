// Golden results: each fixtures/<case>/submission.ts is graded through the real pipeline and its
// results, normalised for timing-dependent values (see fixtures/README.md), must equal
// expected_results.json. Guards the results contract (Exercism v3 plus evidence, faults, program
// exits) against accidental changes.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadGrader, loadLabs } from '../../labs/_kit/load.ts';
import { loadConfig } from '../config.ts';
import { createKafkaRuntime } from '../kafka/runtime.ts';
import { bundleLearnerCode, startSandboxedProgram } from '../sandbox/index.ts';
import { gradeSubmission } from './pipeline.ts';
import type { RunResults } from './types.ts';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
const labs = loadLabs();
const kafka = createKafkaRuntime({ ...loadConfig(), kafkaPoolSize: 1 });
afterAll(() => kafka.shutdown());

const scrub = (s: string) => s.replace(/(Last lines of its stderr:)[\s\S]*?(\n\n|$)/, '$1 <stderr tail>$2').replace(/\b(partition|offset) \d+/g, '$1 #').replace(/\bpartitions \d+(, \d+)*/g, 'partitions #').replace(/\bcorrelation id \d+/g, 'correlation id #').replace(/\b(acct|evt|pay|order)-[0-9a-f]{4,}\b/g, '$1-#');

/** Replaces timing-dependent values so two runs of the same case compare equal. */
export function normaliseResults(r: RunResults): unknown {
  const walk = (v: unknown): unknown => (typeof v === 'string' ? scrub(v) : Array.isArray(v) ? v.map(walk) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)])) : v);
  return walk({
    ...r,
    timings: Object.fromEntries(Object.keys(r.timings).map((k) => [k, 0])),
    faults: r.faults.map((f) => ({ ...f, atMs: 0, ...(f.durationMs !== undefined ? { durationMs: 0 } : {}) })),
    program: { instances: r.program.instances.map((i) => ({ ...i, wallMs: 0, stderrTail: '' })) },
    // How many marks of each kind depends on timing (fetch polls, retries); which kinds appear does not.
    timeline: [...new Set((r.timeline ?? []).map((m) => (typeof m === 'string' ? m : m.kind)))].sort(),
    tests: r.tests.map((t) => ({
      ...t,
      output: t.output === null ? null : '<learner output>',
      evidence: t.evidence.map((e) => ({ ...e, ...(e.partition !== undefined ? { partition: '#' } : {}), ...(e.offset !== undefined ? { offset: '#' } : {}), ...(typeof e.key === 'string' ? { key: scrub(e.key) } : {}) })),
    })),
  });
}

describe('golden results', () => {
  for (const name of readdirSync(FIXTURES).filter((d) => existsSync(join(FIXTURES, d, 'submission.ts')))) {
    it(name, async () => {
      const expectedPath = join(FIXTURES, name, 'expected_results.json');
      const expected = existsSync(expectedPath) ? (JSON.parse(readFileSync(expectedPath, 'utf8')) as RunResults) : null;
      const slug = expected?.lab ?? process.env.GOLDEN_LAB ?? 'keyed-producer';
      const lab = labs.find((l) => l.slug === slug)!;
      const results = await gradeSubmission(lab, await loadGrader(lab), readFileSync(join(FIXTURES, name, 'submission.ts'), 'utf8'), { seed: expected?.seed ?? 1, runId: `golden-${name}`, bundle: (c) => bundleLearnerCode(c) }, { kafka, launch: startSandboxedProgram });
      if (process.env.UPDATE_GOLDEN === '1' || !expected) {
        writeFileSync(expectedPath, `${JSON.stringify(normaliseResults(results), null, 2)}\n`);
        return;
      }
      expect(normaliseResults(results)).toEqual(normaliseResults(expected));
    });
  }
});
