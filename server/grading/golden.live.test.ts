// Golden results: each fixtures/<case>/submission.ts is graded through the real pipeline and its
// results, normalised for timing-dependent values (see fixtures/README.md), must equal
// expected_results.json. Guards the results contract (Exercism v3 plus evidence, faults, program
// exits) against accidental changes.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadLabRegistry } from '../../labs/_kit/registry.ts';
import { runResultsSchema, type RunResults } from '../../labs/_kit/results.ts';
import { loadConfig } from '../config.ts';
import { openDb } from '../db/index.ts';
import { createKafkaRuntime } from '../kafka/runtime.ts';
import { startSandboxedProgram } from '../sandbox/index.ts';
import { compileErrorResults } from './compile.ts';
import { gradeSubmission } from './pipeline.ts';
import { createGradingService } from './service.ts';

const here = dirname(fileURLToPath(import.meta.url));
const ROOT = join(here, '..', '..');
const FIXTURES = join(here, 'fixtures');
const labs = loadLabRegistry();
const kafka = createKafkaRuntime({ ...loadConfig(), kafkaPoolSize: 1 });
const dataDir = mkdtempSync(join(tmpdir(), 'lz-golden-'));
const db = openDb(dataDir);
afterAll(async () => {
  await kafka.shutdown();
  db.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** fixtures/<case>/case.json: which lab, which seed, and the program (a lab's own file, or the case's submission.ts). */
const caseSchema = z.object({ lab: z.string(), seed: z.number().int().positive(), program: z.string() }).strict();
const UPDATE = process.env.UPDATE_GOLDEN === '1';

const scrub = (s: string) => s.replace(/(Last lines of its stderr:)[\s\S]*?(\n\n|$)/, '$1 <stderr tail>$2').replace(/\b(partition|offset) \d+/g, '$1 #').replace(/\bpartitions \d+(, \d+)*/g, 'partitions #').replace(/\bcorrelation id \d+/g, 'correlation id #').replace(/\b(acct|evt|pay|order)-[0-9a-f]{4,}\b/g, '$1-#');

/** Replaces timing-dependent values so two runs of the same case compare equal. */
export function normaliseResults(r: RunResults): unknown {
  const walk = (v: unknown): unknown => (typeof v === 'string' ? scrub(v) : Array.isArray(v) ? v.map(walk) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)])) : v);
  return walk({
    ...r,
    timings: Object.fromEntries(Object.keys(r.timings).map((k) => [k, 0])),
    output: r.output === null ? null : '<learner output>',
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

/**
 * Grades a case the way the product does. A program that does not compile never reaches the
 * pipeline: the grading service refuses it (the API answers 422 with these diagnostics), and the
 * results document is what the CLI prints for that refusal.
 */
async function gradeCase(c: z.infer<typeof caseSchema>, code: string, name: string): Promise<RunResults> {
  const lab = labs.get(c.lab);
  if (!lab) throw new Error(`case.json names no lab "${c.lab}"`);
  const grader = await labs.grader(lab);
  const service = createGradingService({ db, kafka, labs, launch: startSandboxedProgram });
  const submitted = await service.submit({ labSlug: lab.slug, code, userId: null, clientKey: `golden:${name}` });
  if (!submitted.ok && (submitted.code === 'compile_error' || submitted.code === 'too_large')) {
    await service.close();
    return compileErrorResults(lab.slug, 'typescript', grader, submitted, c.seed);
  }
  await service.close(); // a compiling program is graded below, on the case's own seed
  return gradeSubmission(lab, grader, code, { seed: c.seed, runId: `golden-${name}` }, { kafka, launch: startSandboxedProgram });
}

describe('golden results', () => {
  const cases = readdirSync(FIXTURES, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
  it('has cases, each with a case.json', () => {
    expect(cases.length).toBeGreaterThan(0);
    for (const name of cases) expect(existsSync(join(FIXTURES, name, 'case.json')), `fixtures/${name}/case.json`).toBe(true);
  });
  for (const name of cases.filter((n) => existsSync(join(FIXTURES, n, 'case.json')))) {
    it(name, async () => {
      const c = caseSchema.parse(JSON.parse(readFileSync(join(FIXTURES, name, 'case.json'), 'utf8')));
      const programPath = c.program === 'submission.ts' ? join(FIXTURES, name, 'submission.ts') : join(ROOT, c.program);
      const expectedPath = join(FIXTURES, name, 'expected_results.json');
      if (!UPDATE && !existsSync(expectedPath)) throw new Error(`fixtures/${name}/expected_results.json is missing; create it with UPDATE_GOLDEN=1 and review it`);
      const results = await gradeCase(c, readFileSync(programPath, 'utf8'), name);
      // What the pipeline produced is a valid document of the run contract.
      runResultsSchema.parse(results);
      if (UPDATE) {
        writeFileSync(expectedPath, `${JSON.stringify(normaliseResults(results), null, 2)}\n`);
        return;
      }
      const expected = JSON.parse(readFileSync(expectedPath, 'utf8')) as RunResults;
      expect(normaliseResults(results)).toEqual(normaliseResults(expected));
    });
  }
});
