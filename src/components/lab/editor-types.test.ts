// The lab editor's type environment (Monaco's TypeScript options, kafkajs' types and the small Node
// shim, as monaco-setup.ts configures them) accepts every TypeScript program the labs ship: starters,
// solutions and fixtures. The server type-checks with the full @types/node, so a program the editor
// marks clean also runs; this keeps the editor from marking a starter red that the server accepts.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { NODE_SHIM } from './node-shim.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const KAFKAJS = readFileSync(join(root, 'node_modules', 'kafkajs', 'types', 'index.d.ts'), 'utf8');

function programs(): string[] {
  const out: string[] = [];
  for (const lab of readdirSync(join(root, 'labs'))) {
    if (lab.startsWith('_')) continue;
    for (const d of ['starter', 'solution']) if (existsSync(join(root, 'labs', lab, d, 'main.ts'))) out.push(join('labs', lab, d, 'main.ts'));
    const fx = join(root, 'labs', lab, 'fixtures');
    if (existsSync(fx)) for (const f of readdirSync(fx)) if (existsSync(join(fx, f, 'main.ts'))) out.push(join('labs', lab, 'fixtures', f, 'main.ts'));
  }
  return out;
}

/** Type errors of `source` in the editor's environment, as "line:col message". */
function editorErrors(source: string): string[] {
  const files: Record<string, string> = {
    '/main.ts': source,
    '/node_modules/kafkajs/index.d.ts': KAFKAJS,
    '/node_modules/@types/node/index.d.ts': NODE_SHIM,
  };
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ESNext,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    moduleDetection: ts.ModuleDetectionKind.Force,
    lib: ['lib.es2022.d.ts'],
    strict: true,
    noEmit: true,
    esModuleInterop: true,
    typeRoots: ['/node_modules/@types'],
  };
  const libDir = dirname(ts.getDefaultLibFilePath(options));
  const host = ts.createCompilerHost(options);
  host.getCurrentDirectory = () => '/';
  host.fileExists = (f) => f in files || (f.startsWith(libDir) && ts.sys.fileExists(f));
  host.readFile = (f) => files[f] ?? (f.startsWith(libDir) ? ts.sys.readFile(f) : undefined);
  host.directoryExists = (d) => d === '/' || Object.keys(files).some((f) => f.startsWith(`${d.replace(/\/$/, '')}/`)) || d.startsWith(libDir);
  host.getDirectories = (d) => (d === '/node_modules/@types' || d === '/node_modules/@types/' ? ['node'] : []);
  host.getSourceFile = (f, lang) => {
    const text = host.readFile(f);
    return text === undefined ? undefined : ts.createSourceFile(f, text, lang);
  };
  const program = ts.createProgram(['/main.ts'], options, host);
  // Monaco marks only the learner's own file.
  return ts.getPreEmitDiagnostics(program).filter((d) => d.file?.fileName === '/main.ts').map((d) => {
    const pos = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : { line: -1, character: -1 };
    return `${d.file?.fileName ?? '?'}:${pos.line + 1}:${pos.character + 1} ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
  });
}

describe("the lab editor's types", () => {
  const all = programs();

  it('find the labs', () => {
    expect(all.length).toBeGreaterThanOrEqual(9);
  });

  it.each(all)('%s has no errors in the editor', (file) => {
    expect(editorErrors(readFileSync(join(root, file), 'utf8'))).toEqual([]);
  });

  it('still mark a real mistake', () => {
    expect(editorErrors(`import { Kafka } from 'kafkajs';\nnew Kafka({ brokers: [] }).producer().sendd();\n`)).toEqual([expect.stringMatching(/^\/main\.ts:2:39 Property 'sendd' does not exist/)]);
  });
});
