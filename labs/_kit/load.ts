// Finds labs by scanning labs/*/ (no manifest): a folder with a lab.mdx is a lab. Used by the server,
// the CLI and the lab proofs. Only the loader touches grader.ts and solution/; callers decide what
// they expose (the API never sends the solution or the grader).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parse as parseYaml } from 'yaml';
import type { Grader } from './grader.ts';
import { labSchema, type LabFrontmatter } from './schema.ts';

/** The labs/ folder of this repository. */
export const LABS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');

/** A lab as found on disk. */
export interface LabInfo {
  slug: string;
  dir: string;
  frontmatter: LabFrontmatter;
  /** The MDX body after the frontmatter: the instructions. */
  body: string;
  starter: string;
}

/** Splits `---\nyaml\n---\nbody`; throws when the frontmatter fence is missing. */
export function splitFrontmatter(source: string): { data: unknown; body: string } {
  const m = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/.exec(source);
  if (!m) throw new Error('lab.mdx must start with a --- frontmatter block');
  return { data: parseYaml(m[1]), body: m[2] };
}

/** Reads and validates one lab folder; throws with the slug and the offending field. */
export function loadLab(dir: string, slug: string): LabInfo {
  const { data, body } = splitFrontmatter(readFileSync(join(dir, 'lab.mdx'), 'utf8'));
  const parsed = labSchema.safeParse(data);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new Error(`labs/${slug}/lab.mdx: ${i.path.join('.') || '(frontmatter)'}: ${i.message}`);
  }
  const starterPath = join(dir, 'starter', 'main.ts');
  return { slug, dir, frontmatter: parsed.data, body, starter: existsSync(starterPath) ? readFileSync(starterPath, 'utf8') : '' };
}

/** Every lab under `labsDir`, sorted by frontmatter order then slug. Folders starting with _ are skipped. */
export function loadLabs(labsDir = LABS_DIR): LabInfo[] {
  const labs: LabInfo[] = [];
  for (const entry of readdirSync(labsDir, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith('_') || entry.name.startsWith('.')) continue;
    const dir = join(labsDir, entry.name);
    if (!existsSync(join(dir, 'lab.mdx'))) continue;
    labs.push(loadLab(dir, entry.name));
  }
  return labs.sort((a, b) => a.frontmatter.order - b.frontmatter.order || a.slug.localeCompare(b.slug));
}

/** Imports a lab's grader (server side only). */
export async function loadGrader(lab: Pick<LabInfo, 'dir' | 'slug'>): Promise<Grader> {
  const mod = (await import(pathToFileURL(join(lab.dir, 'grader.ts')).href)) as { default?: Grader };
  if (!mod.default || !Array.isArray(mod.default.checks)) throw new Error(`labs/${lab.slug}/grader.ts must export default defineGrader({...})`);
  return mod.default;
}
