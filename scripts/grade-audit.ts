// `npm run grade:audit [-- --lab <slug>] [--only <fixture>] [--verdict pass|fail] [--seeds N]`: grades every lab's
// reference solution and every fixture (known-wrong programs and alternative correct solutions)
// through the real pipeline, on N seeds each, and prints per lab how many wrong programs were
// caught on their target tasks and how many correct ones passed. Exit code 1 when any verdict is
// not what fixture.json says.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { judgeFixture, type FixtureMeta } from '../labs/_kit/fixtures.ts';
import { loadLabRegistry, SOURCE_FILES } from '../labs/_kit/registry.ts';
import type { Language } from '../labs/_kit/results.ts';
import { loadConfig } from '../server/config.ts';
import { gradeSubmission } from '../server/grading/pipeline.ts';
import { createKafkaRuntime } from '../server/kafka/runtime.ts';
import { startSandboxedProgram } from '../server/sandbox/index.ts';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<number> {
  const seeds = Number(arg('seeds') ?? 1);
  if (!Number.isInteger(seeds) || seeds < 1 || seeds > 20) throw new Error('--seeds must be an integer from 1 to 20');
  const registry = loadLabRegistry();
  const labs = registry.list().filter((l) => !arg('lab') || l.slug === arg('lab'));
  if (labs.length === 0) throw new Error(`no lab called "${arg('lab')}"`);
  if (arg('verdict') && !['pass', 'fail'].includes(arg('verdict')!)) throw new Error('--verdict must be pass or fail');
  const kafka = createKafkaRuntime({ ...loadConfig(), kafkaPoolSize: 1 });
  const rows: { lab: string; name: string; expected: string; seed: number; got: string; failed: string; ok: boolean; problem: string | null }[] = [];
  try {
    for (const lab of labs) {
      const grader = await registry.grader(lab);
      const programs: { name: string; file: string; language: Language; meta: FixtureMeta }[] = [
        ...lab.languages.map((language) => ({ name: `(solution ${language})`, file: join(lab.dir, 'solution', SOURCE_FILES[language]), language, meta: { verdict: 'pass' as const, why: 'the reference solution' } })),
        ...lab.fixtures,
      ].filter((p) => (!arg('only') || p.name === arg('only')) && (!arg('verdict') || p.meta.verdict === arg('verdict')));
      for (const p of programs) {
        for (let seed = 1; seed <= seeds; seed++) {
          const r = await gradeSubmission(lab, grader, readFileSync(p.file, 'utf8'), { seed, runId: `audit-${lab.slug}-${p.name}-${seed}`, language: p.language }, { kafka, launch: startSandboxedProgram });
          const problem = judgeFixture(p.meta, r);
          const failed = r.tests.filter((t) => t.status !== 'pass').map((t) => t.task_id);
          rows.push({ lab: lab.slug, name: p.name, expected: p.meta.verdict, seed, got: r.status, failed: [...new Set(failed)].join(',') || '-', ok: problem === null, problem });
          const last = rows[rows.length - 1];
          console.error(`${last.ok ? 'ok  ' : 'BAD '} ${lab.slug} ${p.name} seed ${seed}: ${r.status} (${last.failed})${problem ? ` — ${problem}` : ''}`);
        }
      }
    }
  } finally {
    await kafka.shutdown();
  }
  console.log('\nlab                        wrong caught        correct passed');
  for (const lab of labs) {
    const mine = rows.filter((r) => r.lab === lab.slug);
    const wrong = mine.filter((r) => r.expected === 'fail');
    const right = mine.filter((r) => r.expected === 'pass');
    const pct = (n: number, d: number) => (d ? `${((100 * n) / d).toFixed(0)}%` : '-');
    const caught = wrong.filter((r) => r.ok).length;
    const passed = right.filter((r) => r.ok).length;
    console.log(`${lab.slug.padEnd(26)} ${`${caught}/${wrong.length} (${pct(caught, wrong.length)})`.padEnd(19)} ${passed}/${right.length} (${pct(passed, right.length)})`);
  }
  const bad = rows.filter((r) => !r.ok);
  for (const b of bad) console.log(`  ${b.lab} ${b.name} seed ${b.seed}: ${b.problem}`);
  return bad.length ? 1 : 0;
}

main().then((code) => process.exit(code), (err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(2);
});
