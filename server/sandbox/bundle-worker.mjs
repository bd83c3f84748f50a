// Child process that turns a learner's TypeScript into one ES module file with kafkajs inlined.
// ESM rather than CommonJS so learners can use top-level await (`await producer.connect()`); a
// createRequire banner lets the inlined CommonJS kafkajs load Node's built-in modules.
// It runs outside the server process (under a timeout and memory limits set by bundle.ts) so a
// pathological input cannot hang or bloat the server. esbuild only parses and prints: nothing in
// the input is executed. A program that bundles is then type-checked (strict, kafkajs' and Node's
// own types, the options the lab editor uses) by a TypeScript language service kept warm here, so
// type errors block the run with line and column, as the editor shows them. Imports are restricted
// to kafkajs and Node's built-in modules, so a submission cannot pull repository files (graders,
// solutions) into its bundle.
// Protocol: it lives for many requests (saving a Node and esbuild start per submission); each stdin
// line is {id,source}, each stdout line {id,ok:true,js} or {id,ok:false,error[,fatal]}; after a
// fatal reply the worker exits.
import { builtinModules } from 'node:module';
import { createInterface } from 'node:readline';
import { dirname, join, sep } from 'node:path';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const kafkajsDir = realpathSync(join(repoRoot, 'node_modules', 'kafkajs'));
const entryName = 'main.ts';
const entryPath = join(repoRoot, entryName);
const builtins = new Set(builtinModules);
const SERVICE_DEAD = /service (was stopped|is no longer running)/i;

const guard = {
  name: 'lagzero-import-guard',
  setup(build) {
    build.onResolve({ filter: /.*/ }, (args) => {
      if (args.path.startsWith('node:') || builtins.has(args.path)) return { path: args.path, external: true };
      if (args.importer === entryPath) {
        if (args.path === 'kafkajs') return undefined;
        return { errors: [{ text: `Only 'kafkajs' and Node's built-in modules can be imported; '${args.path}' is not available in the lab` }] };
      }
      if (args.importer.startsWith(kafkajsDir + sep) && args.path.startsWith('.')) return undefined;
      return { errors: [{ text: `import of '${args.path}' is not allowed here` }] };
    });
    build.onLoad({ filter: /.*/ }, (args) => {
      if (args.path === entryPath || args.path.startsWith(kafkajsDir + sep)) return undefined;
      return { errors: [{ text: `loading ${args.path} is not allowed` }] };
    });
  },
};

/**
 * The type checker: one language service over main.ts, kafkajs' index.d.ts and @types/node, kept
 * for the worker's life (the libraries are parsed once, about a second; a check then takes tens of
 * milliseconds). Null when TypeScript is not installed (npm install --omit=dev): then only the
 * bundle's syntax check applies.
 */
const typeChecker = (() => {
  let ts;
  try {
    ts = createRequire(import.meta.url)('typescript');
  } catch {
    return null;
  }
  const options = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    // Every program is a module, as esbuild bundles it (top-level await works without an import).
    moduleDetection: ts.ModuleDetectionKind.Force,
    lib: ['lib.es2022.d.ts'],
    strict: true,
    noEmit: true,
    esModuleInterop: true,
    skipLibCheck: true,
    types: ['node'],
    typeRoots: [join(repoRoot, 'node_modules', '@types')],
  };
  let current = '';
  let version = 0;
  const host = {
    getScriptFileNames: () => [entryPath],
    getScriptVersion: (f) => (f === entryPath ? String(version) : '1'),
    getScriptSnapshot: (f) => (f === entryPath ? ts.ScriptSnapshot.fromString(current) : existsSync(f) ? ts.ScriptSnapshot.fromString(readFileSync(f, 'utf8')) : undefined),
    getCurrentDirectory: () => repoRoot,
    getCompilationSettings: () => options,
    getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
    fileExists: (f) => f === entryPath || ts.sys.fileExists(f),
    readFile: (f) => (f === entryPath ? current : ts.sys.readFile(f)),
    readDirectory: ts.sys.readDirectory,
    directoryExists: ts.sys.directoryExists,
    getDirectories: ts.sys.getDirectories,
  };
  const service = ts.createLanguageService(host, ts.createDocumentRegistry());
  /** The type errors of `source` as `main.ts:L:C: message` entries with the line and a caret; empty when it checks. */
  return (source) => {
    current = source;
    version++;
    const lines = source.split('\n');
    return [...service.getSyntacticDiagnostics(entryPath), ...service.getSemanticDiagnostics(entryPath)]
      .filter((d) => d.category === ts.DiagnosticCategory.Error && d.file && d.start !== undefined)
      .slice(0, 10)
      .map((d) => {
        const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
        const text = hidePaths(ts.flattenDiagnosticMessageText(d.messageText, ' '));
        return `${entryName}:${line + 1}:${character + 1}: ${text}\n    ${lines[line] ?? ''}\n    ${' '.repeat(character)}^`;
      });
  };
})();
// Parse the libraries now, while no learner waits.
typeChecker?.('export {};');

/** Host paths never reach the learner: the repository root and any absolute path are cut out. */
function hidePaths(text) {
  return String(text).split(repoRoot + sep).join('').split(repoRoot).join('.').replace(/(^|[\s'"(])\/(?:[^\s'"():]+\/)+([^\s'"():]+)/g, '$1$2');
}

function describe(message) {
  const loc = message.location;
  if (!loc) return hidePaths(message.text);
  const caret = loc.lineText ? `\n    ${loc.lineText}\n    ${' '.repeat(loc.column)}^` : '';
  const file = loc.file === entryPath || loc.file === entryName ? entryName : hidePaths(loc.file);
  return `${file}:${loc.line}:${loc.column + 1}: ${hidePaths(message.text)}${caret}`;
}

/**
 * import() or require() with anything but a plain string literal: esbuild would turn a template
 * literal into a glob over the host's files (slow, and its errors list host paths), so such calls
 * are refused before esbuild sees them. Comments are blanked first, keeping every position.
 */
function computedImport(source) {
  const blank = (m) => m.replace(/[^\n]/g, ' ');
  const code = source.replace(/\/\*[\s\S]*?\*\//g, blank).replace(/\/\/[^\n]*/g, blank);
  const re = /(?<![\w$.])(import|require)\s*\(\s*(?!(['"])[^'"`\\\n]*\2\s*[,)])/g;
  const m = re.exec(code);
  if (!m) return null;
  const before = code.slice(0, m.index);
  const line = before.split('\n').length;
  const column = m.index - before.lastIndexOf('\n');
  const lineText = source.split('\n')[line - 1] ?? '';
  return `${entryName}:${line}:${column}: ${m[1]}() needs a plain string naming 'kafkajs' or a Node built-in module (like '${m[1] === 'import' ? 'node:fs/promises' : 'node:os'}'); a computed or template-literal specifier is not allowed in the lab\n    ${lineText}\n    ${' '.repeat(column - 1)}^`;
}

async function bundle(source) {
  const computed = computedImport(source);
  if (computed) return { ok: false, error: computed };
  try {
    const result = await esbuild.build({
      stdin: { contents: source, loader: 'ts', sourcefile: entryName, resolveDir: repoRoot },
      absWorkingDir: repoRoot,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'esm',
      banner: { js: "import { createRequire as __lagzeroCreateRequire } from 'node:module'; const require = __lagzeroCreateRequire(import.meta.url);" },
      write: false,
      logLevel: 'silent',
      tsconfigRaw: '{}',
      legalComments: 'none',
      // An inline map (positions only, no sources) lets the launcher turn stack frames into the
      // learner's main.ts lines instead of positions in the bundle.
      sourcemap: 'inline',
      sourcesContent: false,
      plugins: [guard],
    });
    const typeErrors = typeChecker ? typeChecker(source) : [];
    if (typeErrors.length) return { ok: false, error: typeErrors.join('\n') };
    return { ok: true, js: result.outputFiles[0].text };
  } catch (err) {
    const errors = err && Array.isArray(err.errors) ? err.errors : [];
    // A crashed esbuild service also reports itself as an "error" message; that is not the
    // learner's syntax error, and this worker cannot compile anything any more.
    const serviceDead = errors.some((e) => SERVICE_DEAD.test(e.text)) || SERVICE_DEAD.test(String(err && err.message));
    if (errors.length && !serviceDead) return { ok: false, error: errors.slice(0, 10).map(describe).join('\n') };
    // esbuild itself died (e.g. a pathologically nested input exhausted its stack or memory): this
    // worker is unusable, so say so and let the parent start a fresh one.
    return { ok: false, fatal: true, error: `Compiling failed: the compiler crashed on this input (${String(err && err.message ? err.message : err)}); simplify the program, e.g. less deeply nested code` };
  }
}

// One request per line, answered in order; the parent sends the next only after the previous reply.
const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of lines) {
  const { id, source } = JSON.parse(line);
  const reply = await bundle(source);
  process.stdout.write(`${JSON.stringify({ id, ...reply })}\n`, () => {
    if (reply.fatal) process.exit(1);
  });
}
