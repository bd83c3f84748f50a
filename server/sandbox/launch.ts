// What runs inside the sandbox for each language: the files written into the run's read-only box,
// the extra host paths bound read-only (a JDK and the client jars, a Python venv), the command the
// launcher starts, and the per-language default limits. The supervisor (run.ts) is the same for all.
import { chownSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { INSIDE } from './command.ts';
import { javaAppCds, JAVA_CDS_INSIDE } from './java-cds.ts';
import type { JavaClasses } from './java-compile.ts';
import type { Limits } from './limits.ts';
import { javaToolchain, jvmFlags } from '../toolchains/java.ts';
import { pythonToolchain, PYTHON_MAIN_INSIDE } from '../toolchains/python.ts';

/** The program to run: a TypeScript bundle, compiled Java classes, or a Python source. */
export type ProgramLaunch =
  | { language: 'typescript'; js: string }
  | { language: 'java'; classes: JavaClasses }
  | { language: 'python'; source: string };

/** A language of learner programs. */
export type Language = ProgramLaunch['language'];

/**
 * Defaults that differ from DEFAULT_LIMITS per language. Tasks: a JVM running kafka-clients has
 * 13-20 threads of its own (JVM threads plus each client's network and heartbeat threads);
 * librdkafka starts 4-6 threads per client (main, internal, one per broker) and a Python program
 * may hold a producer, a consumer and an admin client; beside that the relaying launcher has ~10 and
 * bwrap 2. Java's heap is -Xmx (heapMb) and every other JVM region is capped by jvmFlags(), so
 * the default 2 GiB of address space only stops a runaway.
 */
export function languageLimits(language: Language): Partial<Limits> {
  if (language === 'java') return { processes: 64 };
  if (language === 'python') return { processes: 48 };
  return {};
}

/** Where the classes go inside the sandbox. */
const CLASSES_INSIDE = `${INSIDE.box}/classes`;

/** Writes a root-owned file the slot's group may read, creating its folders the same way. */
function writeBoxFile(boxDir: string, rel: string, data: string | Uint8Array, gid: number): void {
  const path = join(boxDir, rel);
  mkdirSync(dirname(path), { recursive: true, mode: 0o750 });
  for (let dir = dirname(path); dir.length > boxDir.length; dir = dirname(dir)) chownSync(dir, 0, gid);
  writeFileSync(path, data, { mode: 0o640 });
  chownSync(path, 0, gid);
}

/** A compiled class's path under the classpath root, refused unless it is a plain relative `.class` path (no `..`, nothing absolute). */
export function classFilePath(rel: string): string {
  const clean = normalize(rel);
  if (!/^[\w$/-]+\.class$/.test(clean) || clean.startsWith('/') || clean.split('/').includes('..')) throw new Error(`bad class file name ${JSON.stringify(rel)}`);
  return clean;
}

/** Writes the program into the box and returns the launcher's `exec` command (none for TypeScript) and the binds it needs. */
export async function prepareLaunch(launch: ProgramLaunch, boxDir: string, gid: number, limits: Limits): Promise<{ exec?: string[]; roBinds: Array<[string, string]> }> {
  switch (launch.language) {
    case 'typescript':
      writeBoxFile(boxDir, 'main.mjs', launch.js, gid);
      return { roBinds: [] };
    case 'java': {
      const tc = javaToolchain();
      if (!tc.ok) throw new Error(`Java is not available: ${tc.problem}. ${tc.fix}`);
      const t = tc.toolchain;
      for (const [rel, bytes] of Object.entries(launch.classes.files)) writeBoxFile(boxDir, join('classes', classFilePath(rel)), bytes, gid);
      const cds = await javaAppCds();
      return {
        roBinds: [[t.home, t.home], ...t.binds, ...(cds ? [[cds, JAVA_CDS_INSIDE] as [string, string]] : [])],
        exec: [t.java, ...jvmFlags({ heapMb: limits.heapMb, processors: 1 }), ...(cds ? [`-XX:SharedArchiveFile=${JAVA_CDS_INSIDE}`] : []), ...t.nativeProperties, '-cp', [...t.classpath, CLASSES_INSIDE].join(':'), launch.classes.mainClass],
      };
    }
    case 'python': {
      const tc = pythonToolchain();
      if (!tc.ok) throw new Error(`Python is not available: ${tc.problem}. ${tc.fix}`);
      writeBoxFile(boxDir, 'main.py', launch.source, gid);
      return { roBinds: tc.toolchain.binds, exec: [...tc.toolchain.command, PYTHON_MAIN_INSIDE] };
    }
  }
}
