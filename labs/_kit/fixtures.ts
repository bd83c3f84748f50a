// A lab's proof programs: fixtures/<name>/main.ts (or Main.java, main.py) with fixtures/<name>/fixture.json saying whether
// the program is a known-wrong one (and which task ids it must fail) or another correct solution
// (which must pass). The lab proofs and `npm run grade:audit` both read them from here.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { Language, RunResults } from './results.ts';

export const fixtureMetaSchema = z
  .object({
    verdict: z.enum(['fail', 'pass']),
    /** For a wrong program: the task ids whose checks must fail. */
    targets: z.array(z.string().min(1)).min(1).optional(),
    /** What the program does, and why it is wrong or right. */
    why: z.string().min(20),
  })
  .strict()
  .refine((m) => m.verdict === 'pass' || m.targets !== undefined, { message: 'a wrong fixture names the task ids it must fail (targets)' });
export type FixtureMeta = z.infer<typeof fixtureMetaSchema>;

export interface LabFixture {
  name: string;
  /** The program's file: main.ts, Main.java or main.py. */
  file: string;
  language: Language;
  meta: FixtureMeta;
}

/** The program file per language (the same names as in starter/ and solution/). */
const FILES: readonly [Language, string][] = [['typescript', 'main.ts'], ['java', 'Main.java'], ['python', 'main.py']];

/** Every fixture of a lab, sorted by name; throws naming the file when a fixture.json is missing or invalid. */
export function labFixtures(lab: { dir: string; slug: string }): LabFixture[] {
  const dir = join(lab.dir, 'fixtures');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => FILES.some(([, f]) => existsSync(join(dir, name, f))))
    .sort()
    .map((name) => {
      const found = FILES.filter(([, f]) => existsSync(join(dir, name, f)));
      if (found.length > 1) throw new Error(`labs/${lab.slug}/fixtures/${name} holds programs in ${found.length} languages; give each its own fixture folder`);
      const [language, fileName] = found[0];
      const metaPath = join(dir, name, 'fixture.json');
      if (!existsSync(metaPath)) throw new Error(`labs/${lab.slug}/fixtures/${name}/fixture.json is missing: say whether the program must pass or fail, and why`);
      const parsed = fixtureMetaSchema.safeParse(JSON.parse(readFileSync(metaPath, 'utf8')));
      if (!parsed.success) throw new Error(`labs/${lab.slug}/fixtures/${name}/fixture.json: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
      return { name, file: join(dir, name, fileName), language, meta: parsed.data };
    });
}

/** Evidence names something on the broker: a topic, partition, offset or key. */
export const NAMES_BROKER_EVIDENCE = /topic \S+|partition \d+|offset \d+|key "|instance \d+/;

/** How a graded fixture measured up to its fixture.json: null when it did, else what went wrong. */
export function judgeFixture(meta: FixtureMeta, r: Pick<RunResults, 'status' | 'tests'>): string | null {
  if (meta.verdict === 'pass') {
    if (r.status === 'pass') return null;
    const failed = r.tests.filter((t) => t.status !== 'pass').map((t) => t.task_id);
    return `a correct program did not pass (status ${r.status}; failed ${failed.join(', ') || 'no check'})`;
  }
  if (r.status === 'pass') return 'a wrong program passed every check';
  const missed = (meta.targets ?? []).filter((id) => !r.tests.some((t) => t.task_id === id && t.status !== 'pass'));
  if (missed.length) return `failed, but not on its target task(s) ${missed.join(', ')}`;
  const names = (e: Record<string, unknown>) => ['topic', 'partition', 'offset', 'key'].some((k) => e[k] !== undefined && e[k] !== null);
  const explained = r.tests.some((t) => t.status !== 'pass' && t.evidence.length > 0 && (NAMES_BROKER_EVIDENCE.test(t.message ?? '') || t.evidence.some(names)));
  if (!explained && r.tests.some((t) => t.status !== 'pass')) return 'failed without evidence that names a topic, partition, offset or key';
  return null;
}
