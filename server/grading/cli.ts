// `npm run grade -- <lab-slug> <main.ts|Main.java|main.py> [--seed N] [--labs-dir DIR]`: grades one program through the same pipeline
// as the API (bundle in the sandbox's compiler, fresh broker, sandboxed program, checks) and prints
// the results JSON. Exit code: 0 pass, 1 fail (a check failed, the program crashed, timed out or did
// not compile), 2 infrastructure error or bad usage.
import { readFileSync } from 'node:fs';
import { loadConfig } from '../config.ts';
import { loadLabRegistry } from '../../labs/_kit/registry.ts';
import { createKafkaRuntime } from '../kafka/runtime.ts';
import { configureSandbox, currentSandboxMode, startSandboxedProgram } from '../sandbox/index.ts';
import type { Language } from '../../labs/_kit/results.ts';
import { gradeSubmission } from './pipeline.ts';
import type { RunResults } from '../../labs/_kit/results.ts';

function usage(message: string): never {
  console.error(`${message}\nUsage: npm run grade -- <lab-slug> <file.ts> [--seed N] [--labs-dir DIR]\n       npm run grade -- --list [--labs-dir DIR]`);
  process.exit(2);
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const seedAt = args.indexOf('--seed');
  const seed = seedAt >= 0 ? Number(args.splice(seedAt, 2)[1]) : 1;
  if (!Number.isInteger(seed) || seed < 1) usage('--seed must be a positive integer.');
  const dirAt = args.indexOf('--labs-dir');
  const labsDir = dirAt >= 0 ? args.splice(dirAt, 2)[1] : undefined;
  if (dirAt >= 0 && !labsDir) usage('--labs-dir needs a folder.');
  const labs = loadLabRegistry(labsDir);
  if (args[0] === '--list') {
    for (const l of labs.list()) console.log(`${l.slug}\t${l.frontmatter.title}\t${l.languages.join(',')}`);
    return 0;
  }
  const [slug, file] = args;
  if (!slug || !file) usage('Missing arguments.');
  const lab = labs.get(slug);
  if (!lab) usage(`Unknown lab "${slug}". Labs: ${labs.list().map((l) => l.slug).join(', ')}`);
  let code: string;
  try {
    code = readFileSync(file, 'utf8');
  } catch (err) {
    usage(`Cannot read ${file}: ${(err as Error).message}`);
  }
  // The language is the file's: main.ts, Main.java or main.py.
  const language: Language | undefined = file.endsWith('.java') ? 'java' : file.endsWith('.py') ? 'python' : /\.(ts|mts|js|mjs)$/.test(file) ? 'typescript' : undefined;
  if (!language) usage(`Cannot tell the language of ${file}: name it main.ts, Main.java or main.py.`);
  if (!lab.languages.includes(language)) usage(`The lab "${slug}" has no ${language} version; it has ${lab.languages.join(', ')}.`);
  const grader = await labs.grader(lab);
  const config = loadConfig();
  // LAB_SANDBOX (and HOST) apply here as in the server: local mode where there is no sandbox.
  configureSandbox(config);
  // A one-off run needs no warm pool: the broker starts on demand and is stopped afterwards.
  const kafka = createKafkaRuntime({ ...config, kafkaPoolSize: 0 });
  let results: RunResults;
  try {
    results = await gradeSubmission(lab, grader, code, { seed, runId: `cli-${process.pid}`, language },  { kafka, launch: startSandboxedProgram, refusal: () => currentSandboxMode().refusal }, (e) => {
      if (e.type === 'state') console.error(`[${e.state}]`);
      else if (e.type === 'fault') console.error(`[fault] ${e.fault.kind} at ${e.fault.atMs} ms: ${e.fault.detail}`);
    });
  } finally {
    await kafka.shutdown();
  }
  console.log(JSON.stringify(results, null, 2));
  return results.status === 'pass' ? 0 : results.status === 'fail' ? 1 : 2;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(2);
  },
);
