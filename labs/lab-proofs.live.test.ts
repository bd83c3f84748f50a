// Lab proofs, for every lab folder found under labs/: the frontmatter validates, every check's task
// id exists in lab.mdx, the reference solution passes, the starter fails, and every wrong variant in
// fixtures/ fails with a message that names broker evidence (topic, partition, offset or key).
// Runs the real pipeline: a real broker from the Kafka runtime and the real sandbox.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadGrader, loadLabs, splitFrontmatter } from './_kit/load.ts';
import { labSchema } from './_kit/schema.ts';
import { loadConfig } from '../server/config.ts';
import { createKafkaRuntime } from '../server/kafka/runtime.ts';
import { bundleLearnerCode, startSandboxedProgram } from '../server/sandbox/index.ts';
import { gradeRun } from '../server/grading/pipeline.ts';
import type { RunResults } from '../server/grading/types.ts';

const labs = loadLabs();
const kafka = createKafkaRuntime({ ...loadConfig(), kafkaPoolSize: 1 });
afterAll(() => kafka.shutdown());

async function grade(slug: string, file: string, seed = 11): Promise<RunResults> {
  const lab = labs.find((l) => l.slug === slug)!;
  const bundled = await bundleLearnerCode(readFileSync(file, 'utf8'));
  if (!bundled.ok) throw new Error(`${file} does not compile: ${bundled.error}`);
  return gradeRun({ runId: `proof-${slug}`, lab, grader: await loadGrader(lab), js: bundled.js, seed }, { kafka, launch: startSandboxedProgram });
}

const summary = (r: RunResults) => JSON.stringify({ status: r.status, kind: r.kind, message: r.message, tests: r.tests.map((t) => [t.status, t.task_id, t.message?.slice(0, 300)]), notes: r.notes }, null, 1);

it('finds the three labs the lessons link to', () => {
  expect(labs.map((l) => l.slug)).toEqual(expect.arrayContaining(['keyed-producer', 'at-least-once-consumer', 'exactly-once-pipeline']));
});

for (const lab of labs) {
  describe(lab.slug, () => {
    it('has valid frontmatter, a starter, a solution and checks whose task ids exist in lab.mdx', async () => {
      const { data, body } = splitFrontmatter(readFileSync(join(lab.dir, 'lab.mdx'), 'utf8'));
      expect(labSchema.safeParse(data).success).toBe(true);
      expect(existsSync(join(lab.dir, 'starter', 'main.ts'))).toBe(true);
      expect(existsSync(join(lab.dir, 'solution', 'main.ts'))).toBe(true);
      const grader = await loadGrader(lab);
      const taskIds = new Set(lab.frontmatter.tasks.map((t) => t.id));
      expect(grader.checks.length).toBeGreaterThan(0);
      for (const check of grader.checks) {
        expect(taskIds, `check "${check.name}"`).toContain(check.taskId);
        expect(body, `task ${check.taskId} is explained in the instructions`).toContain(check.taskId);
      }
      for (const v of ['KAFKA_BROKERS', ...Object.keys(grader.env)]) expect(body, `env var ${v} is documented`).toContain(v);
    });

    it('passes the reference solution', async () => {
      const r = await grade(lab.slug, join(lab.dir, 'solution', 'main.ts'));
      expect(r.status, summary(r)).toBe('pass');
      expect(r.tests.every((t) => t.status === 'pass')).toBe(true);
      expect(r.faults.length, 'the grader injected at least one fault').toBeGreaterThan(0);
    });

    it('fails the starter with a check message', async () => {
      const r = await grade(lab.slug, join(lab.dir, 'starter', 'main.ts'));
      expect(r.status, summary(r)).toBe('fail');
      expect(r.tests.some((t) => t.status === 'fail' && (t.message ?? '').length > 20)).toBe(true);
    });

    const fixturesDir = join(lab.dir, 'fixtures');
    const variants = existsSync(fixturesDir) ? readdirSync(fixturesDir).filter((v) => existsSync(join(fixturesDir, v, 'main.ts'))) : [];
    it('has at least one wrong variant', () => expect(variants.length).toBeGreaterThan(0));
    for (const variant of variants) {
      it(`fails the wrong variant "${variant}" naming the evidence`, async () => {
        const r = await grade(lab.slug, join(fixturesDir, variant, 'main.ts'));
        expect(r.status, summary(r)).toBe('fail');
        const failed = r.tests.filter((t) => t.status === 'fail');
        expect(failed.length).toBeGreaterThan(0);
        expect(failed.some((t) => /topic \S+|partition \d+|offset \d+|key "/.test(t.message ?? '') && t.evidence.length > 0), summary(r)).toBe(true);
      });
    }
  });
}
