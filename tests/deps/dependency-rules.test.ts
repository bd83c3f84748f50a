// The import rules (dependency-rules.mjs) fire on the imports they forbid and only on those: a
// small repository is laid out in a temporary folder with one deliberate violation per rule next to
// the imports that are allowed, and the real dependency-cruiser CLI judges it. The real tree is
// checked by `npm run deps` in `npm test`.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const tree = mkdtempSync(join(tmpdir(), 'lz-deps-'));
afterAll(() => rmSync(tree, { recursive: true, force: true }));

const files: Record<string, string> = {
  'tsconfig.json': JSON.stringify({ compilerOptions: { module: 'esnext', moduleResolution: 'bundler', allowImportingTsExtensions: true, noEmit: true } }),
  'server/api.ts': "import { page } from '../src/page.ts';\nexport const api = page;\n",
  'server/types.ts': 'export interface User { id: number }\nexport const secret = 1;\n',
  'src/page.ts': "import type { User } from '../server/types.ts';\nexport const page = (u: User) => u.id;\n",
  'src/leak.ts': "import { secret } from '../server/types.ts';\nexport const leak = secret;\n",
  'src/uses-lab.ts': "import { grade } from '../labs/demo/grader.ts';\nexport const x = grade;\n",
  'src/page.test.ts': "import { secret } from '../server/types.ts';\nexport const t = secret;\n",
  'labs/_kit/schema.ts': 'export const schema = 1;\n',
  'labs/_kit/bad.ts': "import { api } from '../../server/api.ts';\nexport const bad = api;\n",
  'labs/demo/grader.ts': "import { schema } from '../_kit/schema.ts';\nimport { helper } from './helper.ts';\nexport const grade = schema + helper;\n",
  'labs/demo/helper.ts': 'export const helper = 2;\n',
  'labs/demo/cheat.ts': "import { helper } from '../other/helper.ts';\nimport { api } from '../../server/api.ts';\nexport const c = [helper, api];\n",
  'labs/other/helper.ts': 'export const helper = 3;\n',
  'content/lesson.ts': "import { schema } from '../labs/_kit/schema.ts';\nexport const l = schema;\n",
  'curriculum/a.ts': "import { b } from './b.ts';\nexport const a = () => b;\n",
  'curriculum/b.ts': "import { a } from './a.ts';\nexport const b = () => a;\n",
};
for (const [path, text] of Object.entries(files)) {
  mkdirSync(dirname(join(tree, path)), { recursive: true });
  writeFileSync(join(tree, path), text);
}

function violations(): string[] {
  const bin = join(ROOT, 'node_modules', '.bin', 'depcruise');
  let out: string;
  try {
    out = execFileSync(bin, ['--config', join(ROOT, 'dependency-rules.mjs'), '--output-type', 'json', 'server', 'src', 'labs', 'content', 'curriculum'], { cwd: tree, encoding: 'utf8' });
  } catch (err) {
    // depcruise exits non-zero when it finds errors; the report is still on stdout.
    out = (err as { stdout: string }).stdout;
  }
  const report = JSON.parse(out) as { summary: { violations: { rule: { name: string }; from: string; to: string }[] } };
  return report.summary.violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`).sort();
}

it('reports each deliberate violation under its rule, and nothing that is allowed', () => {
  expect(violations()).toEqual([
    'content-imports-nothing: content/lesson.ts -> labs/_kit/schema.ts',
    'kit-and-curriculum-stand-alone: labs/_kit/bad.ts -> server/api.ts',
    'lab-imports-only-the-kit: labs/demo/cheat.ts -> labs/other/helper.ts',
    'lab-imports-only-the-kit: labs/demo/cheat.ts -> server/api.ts',
    'no-circular: curriculum/a.ts -> curriculum/b.ts',
    'server-never-imports-the-site: server/api.ts -> src/page.ts',
    'site-imports-only-server-types: src/leak.ts -> server/types.ts',
    'site-uses-no-lab-folder: src/uses-lab.ts -> labs/demo/grader.ts',
  ]);
});
