// The Python 3 toolchain as the sandbox sees it: the project venv with confluent-kafka (made by
// npm install, see provision.mjs) bound read-only at /lagzero/python/venv, and of the base
// interpreter only its executable, libpython and the standard library (same paths, read-only),
// plus the system libraries those load. The interpreter runs isolated (-I: no PYTHON* variables,
// no user site, no script folder on sys.path), unbuffered, in UTF-8 mode, writing no .pyc files.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { REPO_ROOT } from '../kafka/version.ts';
import { CONFLUENT_KAFKA_VERSION, HOW_TO_GET, pythonPaths } from './provision.mjs';

/** Where the learner's source appears inside the sandbox. */
export const PYTHON_MAIN_INSIDE = '/sandbox/main.py';
const VENV_INSIDE = '/lagzero/python/venv';
/** Isolated (no PYTHON* variables, no user site), no .pyc files, unbuffered, UTF-8. */
const PYTHON_FLAGS = ['-I', '-B', '-u', '-X', 'utf8'];

/** The Python toolchain ready for the sandbox. */
export interface PythonToolchain {
  version: string;
  confluentKafka: string;
  /** Interpreter and flags, as run inside the sandbox (append a script path). */
  command: string[];
  /** Read-only binds: [host path, inside path]. */
  binds: Array<[string, string]>;
  /** The same interpreter and flags by host path, for local mode (no sandbox). */
  hostCommand: string[];
}

/** The Python toolchain, or why there is none and how to get it. */
export type PythonToolchainResult = { ok: true; toolchain: PythonToolchain } | { ok: false; problem: string; fix: string };

let cached: PythonToolchainResult | undefined;

function lddOutside(files: string[], inside: string[]): string[] {
  const out = new Set<string>();
  for (const file of files) {
    let text: string;
    try {
      text = execFileSync('/usr/bin/ldd', [file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    } catch {
      continue; // not a dynamic object
    }
    for (const line of text.split('\n')) {
      const m = /=>\s+(\/\S+)/.exec(line) ?? /^\s*(\/\S+)\s+\(/.exec(line);
      if (m && !inside.some((dir) => resolve(m[1]).startsWith(`${dir}/`))) out.add(m[1]);
    }
  }
  return [...out];
}

function sharedObjects(dir: string): string[] {
  const found: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (/\.so(\.\d+)*$/.test(e.name)) found.push(join(d, e.name));
    }
  };
  if (existsSync(dir)) walk(dir);
  return found;
}

/** Finds the provisioned venv and its base interpreter; cached after the first successful call. */
export function pythonToolchain(root = REPO_ROOT): PythonToolchainResult {
  if (cached?.ok && root === REPO_ROOT) return cached;
  const p = pythonPaths(root);
  if (!existsSync(p.stamp) || !readFileSync(p.stamp, 'utf8').startsWith(`${p.want} `) || !existsSync(p.python)) {
    return { ok: false, problem: `the Python venv with confluent-kafka ${CONFLUENT_KAFKA_VERSION} is not provisioned (${p.venv})`, fix: HOW_TO_GET.python };
  }
  const cfg = readFileSync(join(p.venv, 'pyvenv.cfg'), 'utf8');
  const home = /^home\s*=\s*(.+)$/m.exec(cfg)?.[1].trim();
  const version = /^version(?:_info)?\s*=\s*(.+)$/m.exec(cfg)?.[1].trim();
  if (!home || !version) return { ok: false, problem: `${p.venv}/pyvenv.cfg names no base interpreter`, fix: HOW_TO_GET.python };
  const [major, minor] = version.split('.');
  const basePrefix = dirname(home);
  const stdlib = join(basePrefix, 'lib', `python${major}.${minor}`);
  const venv = realpathSync(p.venv);
  const executable = realpathSync(p.python);
  // The venv's python3 is a symlink to the base interpreter; every path of that chain must exist inside.
  const binds: Array<[string, string]> = [[venv, VENV_INSIDE], [executable, executable], [stdlib, stdlib]];
  for (let link = join(p.venv, 'bin', 'python3'), hops = 0; hops < 8; hops++) {
    let target: string;
    try {
      target = readlinkSync(link);
    } catch {
      break;
    }
    const abs = isAbsolute(target) ? target : resolve(dirname(link), target);
    if (!abs.startsWith(`${p.venv}/`)) binds.push([executable, abs]);
    link = abs;
  }
  const inside = [venv, realpathSync(basePrefix)];
  const libs = lddOutside([executable, ...sharedObjects(join(stdlib, 'lib-dynload')), ...sharedObjects(join(venv, 'lib'))], inside);
  for (const lib of libs) binds.push([realpathSync(lib), lib]);
  // libpython (when the interpreter is built shared) lives beside the stdlib, inside the base prefix.
  for (const lib of lddOutside([executable], [])) if (lib.startsWith(`${basePrefix}/`)) binds.push([realpathSync(lib), lib]);
  const result: PythonToolchainResult = {
    ok: true,
    toolchain: {
      version, confluentKafka: CONFLUENT_KAFKA_VERSION, command: [`${VENV_INSIDE}/bin/python3`, ...PYTHON_FLAGS], binds,
      hostCommand: [join(venv, 'bin', 'python3'), ...PYTHON_FLAGS],
    },
  };
  if (root === REPO_ROOT) cached = result;
  return result;
}
