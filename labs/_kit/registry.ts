// The lab registry: the one reader of labs/*/. A folder with a lab.mdx is a lab (no manifest). The
// registry validates its frontmatter, finds its starter and reference solution per language and its
// proof fixtures, and loads its grader on demand. The API, the lab page, progress, the CLI, the lab
// proofs and the audit all take a registry; none of them reads a lab folder itself. Callers decide
// what they expose: the API never sends a grader, and a solution only once it is unlocked.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { labFixtures, type LabFixture } from './fixtures.ts';
import type { Grader } from './grader.ts';
import { LANGUAGES, type Language } from './results.ts';
import { hintFor, labSchema, type LabFrontmatter } from './schema.ts';

/** The labs/ folder of this repository. */
export const LABS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Lab slugs are kebab-case folder names under labs/ (folders starting with `_` or `.` are not labs). */
export const LAB_SLUG_RE = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** The learner's file per language, in starter/ and solution/. */
export const SOURCE_FILES: Readonly<Record<Language, string>> = { typescript: 'main.ts', java: 'Main.java', python: 'main.py' };

/** A lab as found on disk. */
export interface Lab {
  slug: string;
  dir: string;
  frontmatter: LabFrontmatter;
  /** The MDX body after the frontmatter: the instructions. */
  body: string;
  /** The languages this lab can be solved in: those with both a starter and a solution. */
  languages: Language[];
  /** Starter code per language. */
  starters: Partial<Record<Language, string>>;
  /** Reference solutions per language (never sent before they are unlocked). */
  solutions: Partial<Record<Language, string>>;
  /** Known-wrong programs and alternative correct solutions (fixtures/<name>/). */
  fixtures: LabFixture[];
}

/** Every lab, looked up by slug, with graders loaded on first use. */
export interface LabRegistry {
  /** The folder the labs were read from. */
  dir: string;
  /** Every lab, sorted by frontmatter order then slug. */
  list(): Lab[];
  /** One lab, or undefined when the slug names none (or is not a valid slug). */
  get(slug: string): Lab | undefined;
  /** The lab's grader (imported once, on first use; server side only). */
  grader(lab: Pick<Lab, 'dir' | 'slug'>): Promise<Grader>;
}

/** Splits `---\nyaml\n---\nbody`; throws when the frontmatter fence is missing. */
export function splitFrontmatter(source: string): { data: unknown; body: string } {
  const m = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/.exec(source);
  if (!m) throw new Error('lab.mdx must start with a --- frontmatter block');
  return { data: parseYaml(m[1]), body: m[2] };
}

function sources(dir: string): Partial<Record<Language, string>> {
  const out: Partial<Record<Language, string>> = {};
  for (const lang of LANGUAGES) {
    const file = join(dir, SOURCE_FILES[lang]);
    if (existsSync(file)) out[lang] = readFileSync(file, 'utf8');
  }
  return out;
}

/** Reads and validates one lab folder; throws with the slug and the offending field or file. */
export function loadLab(dir: string, slug: string): Lab {
  const { data, body } = splitFrontmatter(readFileSync(join(dir, 'lab.mdx'), 'utf8'));
  const parsed = labSchema.safeParse(data);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new Error(`labs/${slug}/lab.mdx: ${i.path.join('.') || '(frontmatter)'}: ${i.message}`);
  }
  const starters = sources(join(dir, 'starter'));
  const solutions = sources(join(dir, 'solution'));
  for (const lang of LANGUAGES) {
    if ((starters[lang] === undefined) !== (solutions[lang] === undefined)) {
      const [has, lacks] = starters[lang] !== undefined ? ['starter', 'solution'] : ['solution', 'starter'];
      throw new Error(`labs/${slug}: ${has}/${SOURCE_FILES[lang]} exists but ${lacks}/${SOURCE_FILES[lang]} does not; a language needs both`);
    }
  }
  const languages = LANGUAGES.filter((l) => starters[l] !== undefined);
  if (languages.length === 0) throw new Error(`labs/${slug}: no starter/ and solution/ program (main.ts, Main.java or main.py)`);
  parsed.data.hints.forEach((hint, i) => {
    const missing = languages.filter((l) => hintFor(hint, l) === null);
    if (missing.length) throw new Error(`labs/${slug}/lab.mdx: hints.${i} has no text for ${missing.join(', ')}; give one text for all languages or one per language`);
  });
  if (!existsSync(join(dir, 'grader.ts'))) throw new Error(`labs/${slug}: grader.ts is missing`);
  return { slug, dir, frontmatter: parsed.data, body, languages, starters, solutions, fixtures: labFixtures({ dir, slug }) };
}

/** Reads every lab under `labsDir`; throws on the first invalid lab, naming it. */
export function loadLabRegistry(labsDir = LABS_DIR): LabRegistry {
  const labs: Lab[] = [];
  for (const entry of readdirSync(labsDir, { withFileTypes: true })) {
    if (!entry.isDirectory() || !LAB_SLUG_RE.test(entry.name)) continue;
    const dir = join(labsDir, entry.name);
    if (!existsSync(join(dir, 'lab.mdx'))) continue;
    labs.push(loadLab(dir, entry.name));
  }
  labs.sort((a, b) => a.frontmatter.order - b.frontmatter.order || a.slug.localeCompare(b.slug));
  const bySlug = new Map(labs.map((l) => [l.slug, l]));
  const graders = new Map<string, Promise<Grader>>();
  return {
    dir: labsDir,
    list: () => labs,
    get: (slug) => (LAB_SLUG_RE.test(slug) ? bySlug.get(slug) : undefined),
    grader(lab) {
      let g = graders.get(lab.dir);
      if (!g) {
        g = importGrader(lab);
        graders.set(lab.dir, g);
        g.catch(() => graders.delete(lab.dir));
      }
      return g;
    },
  };
}

async function importGrader(lab: Pick<Lab, 'dir' | 'slug'>): Promise<Grader> {
  const mod = (await import(pathToFileURL(join(lab.dir, 'grader.ts')).href)) as { default?: Grader };
  if (!mod.default || !Array.isArray(mod.default.checks)) throw new Error(`labs/${lab.slug}/grader.ts must export default defineGrader({...})`);
  return mod.default;
}
