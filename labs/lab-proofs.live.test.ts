// Lab proofs, for every lab the registry finds under labs/ (or LAB_PROOFS_DIR, for a lab being
// written elsewhere): the frontmatter validates, every check's task
// id exists in lab.mdx, the reference solution passes, the starter fails, and every wrong variant in
// fixtures/ fails on the tasks its fixture.json targets, with evidence that names a topic, partition,
// offset or key, and every alternative correct solution there passes.
// Runs the real pipeline: a real broker from the Kafka runtime and the real sandbox.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { judgeFixture } from './_kit/fixtures.ts';
import { loadLabRegistry, SOURCE_FILES, splitFrontmatter } from './_kit/registry.ts';
import { labSchema } from './_kit/schema.ts';
import { loadConfig } from '../server/config.ts';
import { createKafkaRuntime } from '../server/kafka/runtime.ts';
import { startSandboxedProgram } from '../server/sandbox/index.ts';
import { compileSubmission } from '../server/grading/compile.ts';
import { gradeRun } from '../server/grading/pipeline.ts';
import type { Language, RunResults } from './_kit/results.ts';

const registry = loadLabRegistry(process.env.LAB_PROOFS_DIR || undefined);
const labs = registry.list();
const kafka = createKafkaRuntime({ ...loadConfig(), kafkaPoolSize: 1 });
afterAll(() => kafka.shutdown());

/** Compiles (a proof program must compile) and grades through the real pipeline. */
async function grade(slug: string, language: Language, code: string, seed = 11): Promise<RunResults> {
  const lab = registry.get(slug)!;
  const compiled = await compileSubmission(code, language);
  if (!compiled.ok) throw new Error(`labs/${slug} (${language}) does not compile: ${compiled.message}`);
  return gradeRun({ runId: `proof-${slug}`, lab, grader: await registry.grader(lab), program: compiled.launch, seed }, { kafka, launch: startSandboxedProgram });
}

const summary = (r: RunResults) => JSON.stringify({ status: r.status, kind: r.kind, message: r.message, tests: r.tests.map((t) => [t.status, t.task_id, t.message?.slice(0, 300)]), notes: r.notes }, null, 1);

it.skipIf(process.env.LAB_PROOFS_DIR)('finds the three labs the lessons link to', () => {
  expect(labs.map((l) => l.slug)).toEqual(expect.arrayContaining(['keyed-producer', 'at-least-once-consumer', 'exactly-once-pipeline']));
});

for (const lab of labs) {
  describe(lab.slug, () => {
    it('has valid frontmatter, a starter, a solution and checks whose task ids exist in lab.mdx', async () => {
      const { data, body } = splitFrontmatter(readFileSync(join(lab.dir, 'lab.mdx'), 'utf8'));
      expect(labSchema.safeParse(data).success).toBe(true);
      expect(lab.languages, 'every lab ships in TypeScript').toContain('typescript');
      for (const language of lab.languages) {
        expect(existsSync(join(lab.dir, 'starter', SOURCE_FILES[language])), `starter/${SOURCE_FILES[language]}`).toBe(true);
        expect(existsSync(join(lab.dir, 'solution', SOURCE_FILES[language])), `solution/${SOURCE_FILES[language]}`).toBe(true);
      }
      const grader = await registry.grader(lab);
      const taskIds = new Set(lab.frontmatter.tasks.map((t) => t.id));
      expect(grader.checks.length).toBeGreaterThan(0);
      for (const check of grader.checks) {
        expect(taskIds, `check "${check.name}"`).toContain(check.taskId);
        expect(body, `task ${check.taskId} is explained in the instructions`).toContain(check.taskId);
      }
      for (const v of ['KAFKA_BROKERS', ...Object.keys(grader.env)]) expect(body, `env var ${v} is documented`).toContain(v);
    });

    for (const language of lab.languages) {
      it(`passes the reference solution (${language})`, async () => {
        const r = await grade(lab.slug, language, lab.solutions[language]!);
        expect(r.status, summary(r)).toBe('pass');
        expect(r.language).toBe(language);
        expect(r.tests.every((t) => t.status === 'pass')).toBe(true);
        expect(r.faults.length, 'the grader injected at least one fault').toBeGreaterThan(0);
      });

      it(`fails the starter with a check message (${language})`, async () => {
        const r = await grade(lab.slug, language, lab.starters[language]!);
        expect(r.status, summary(r)).toBe('fail');
        expect(r.tests.some((t) => t.status === 'fail' && (t.message ?? '').length > 20)).toBe(true);
      });
    }

    const fixtures = lab.fixtures;
    const wrong = fixtures.filter((f) => f.meta.verdict === 'fail');
    const correct = fixtures.filter((f) => f.meta.verdict === 'pass');
    it('carries known-wrong programs and another correct solution, each aimed at tasks the lab has', () => {
      expect(wrong.length, 'known-wrong fixtures').toBeGreaterThanOrEqual(2);
      expect(correct.length, 'alternative correct solutions').toBeGreaterThanOrEqual(1);
      const taskIds = new Set(lab.frontmatter.tasks.map((t) => t.id));
      for (const f of wrong) for (const t of f.meta.targets ?? []) expect(taskIds, `${f.name} targets ${t}`).toContain(t);
    });
    for (const f of fixtures) {
      const title = f.meta.verdict === 'pass' ? `passes the other correct solution "${f.name}"` : `fails the wrong program "${f.name}" on ${f.meta.targets?.join(', ')}, naming the evidence`;
      it(title, async () => {
        // Alternatives run on another seed than the reference solution, so one lucky input cannot carry both.
        const r = await grade(lab.slug, f.language, readFileSync(f.file, 'utf8'), f.meta.verdict === 'pass' ? 12 : 11);
        expect(judgeFixture(f.meta, r), summary(r)).toBeNull();
      });
    }
  });
}
