// The lab registry reads lab folders and refuses a lab that would confuse a learner: a language
// with a starter but no solution, or a hint with no text for one of the lab's languages. The hint
// a learner sees is the one for the language they write in.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { loadLabRegistry } from './registry.ts';
import { hintFor } from './schema.ts';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function labsWith(files: Record<string, string>, hints: string): string {
  const root = mkdtempSync(join(tmpdir(), 'lz-registry-'));
  dirs.push(root);
  const lab = join(root, 'demo-lab');
  const all: Record<string, string> = {
    'lab.mdx': ['---', 'title: Demo lab', 'summary: A lab that exists only for the registry tests.', 'pattern: producer', 'level: beginner', 'order: 1', 'timeLimitSeconds: 30', 'tasks:', '  - id: do-it', '    title: Do the one thing asked.', hints, '---', 'Instructions.'].join('\n'),
    'grader.ts': '// never imported here\n',
    'starter/main.ts': '// ts starter\n',
    'solution/main.ts': '// ts solution\n',
    ...files,
  };
  for (const [path, text] of Object.entries(all)) {
    mkdirSync(join(lab, path, '..'), { recursive: true });
    writeFileSync(join(lab, path), text);
  }
  return root;
}

it('finds the languages a lab has from its starter and solution files, and serves each hint per language', () => {
  const hints = ['hints:', '  - A hint that holds for every language.', '  - typescript: Use kafkajs idempotent producers.', '    python: Set enable.idempotence in librdkafka.'].join('\n');
  const lab = loadLabRegistry(labsWith({ 'starter/main.py': '# py\n', 'solution/main.py': '# py\n' }, hints)).get('demo-lab')!;
  expect(lab.languages).toEqual(['typescript', 'python']);
  expect(lab.frontmatter.hints.map((h) => hintFor(h, 'python'))).toEqual(['A hint that holds for every language.', 'Set enable.idempotence in librdkafka.']);
  expect(lab.frontmatter.hints.map((h) => hintFor(h, 'typescript'))[1]).toBe('Use kafkajs idempotent producers.');
});

it('refuses a language with a starter but no reference solution', () => {
  const root = labsWith({ 'starter/Main.java': 'class Main {}\n' }, 'hints: []');
  expect(() => loadLabRegistry(root)).toThrow(/starter\/Main.java exists but solution\/Main.java does not/);
});

it('refuses a per-language hint that leaves out one of the lab\'s languages', () => {
  const hints = ['hints:', '  - typescript: Only the TypeScript learners get this one.'].join('\n');
  const root = labsWith({ 'starter/main.py': '# py\n', 'solution/main.py': '# py\n' }, hints);
  expect(() => loadLabRegistry(root)).toThrow(/hints.0 has no text for python/);
});
