// The AppCDS archive of sandboxed learner JVMs: the JDK's classes and kafka-clients' classes,
// parsed and verified once and memory-mapped by every run (bench/sandbox-languages.ts: ~250 ms less
// to a constructed producer, ~20 MiB less resident memory). Built once per JDK + classpath into the
// cache: a trusted training program (CdsTraining.java) lists the classes a client loads, then a
// static dump runs inside the sandbox, so the archive records the classpath exactly as a run sees
// it (/lagzero/java/libs/…). Learner classes are never archived; a run appends /sandbox/classes.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chownSync, copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { buildSandboxArgv, withOptionsOnFd } from './command.ts';
import { resolveLimits } from './limits.ts';
import { killAllOfUid } from './procs.ts';
import { acquireSlot, createRunDir, launcherPath, removeRunDir } from './slots.ts';
import { javaToolchain, jvmFlags, type JavaToolchain } from '../toolchains/java.ts';

/** Where the archive appears inside the sandbox. */
export const JAVA_CDS_INSIDE = '/lagzero/java/app.jsa';

let building: Promise<string | undefined> | undefined;
/** Set once a build failed: this process does not try again (each try costs seconds). */
let failed = false;

function run(argv: string[], payload?: string, timeoutMs = 120_000): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(argv[0], argv.slice(1), { env: {}, stdio: ['ignore', 'pipe', 'pipe', 'ignore', 'pipe'] });
    let output = '';
    child.stdout!.on('data', (d) => (output = (output + d).slice(-4000)));
    child.stderr!.on('data', (d) => (output = (output + d).slice(-4000)));
    const options = child.stdio[4] as NodeJS.WritableStream & { on(e: 'error', f: () => void): void };
    options.on('error', () => {});
    options.end(payload ?? '');
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

function archiveKey(t: JavaToolchain): string {
  const jars = readdirSync(t.libs).sort().map((j) => {
    const st = statSync(join(t.libs, j));
    return `${j}:${st.size}:${st.mtimeMs}`;
  });
  const modules = statSync(join(t.home, 'lib', 'modules'));
  return createHash('sha256').update([t.home, t.version, modules.mtimeMs, ...jars, t.compilerClasses, jvmFlags({ heapMb: 256, processors: 1 }).join(' ')].join('|')).digest('hex').slice(0, 12);
}

async function build(t: JavaToolchain, target: string): Promise<void> {
  const dir = join(t.libs, '..', 'cds');
  mkdirSync(dir, { recursive: true });
  const slot = await acquireSlot();
  const box = createRunDir(slot);
  try {
    // 1. The class list, from the trusted training program on the host (names only, no paths).
    const list = join(box.boxDir, 'classes.lst');
    const hostClasspath = [...readdirSync(t.libs).filter((j) => j.endsWith('.jar')).sort().map((j) => join(t.libs, j)), t.compilerClasses].join(':');
    const listed = await run([t.java, ...jvmFlags({ heapMb: 256, processors: 1 }), `-XX:DumpLoadedClassList=${list}`, '-cp', hostClasspath, 'CdsTraining', '127.0.0.1:9']);
    if (!existsSync(list)) throw new Error(`training exited ${listed.code}: ${listed.output}`);
    chownSync(list, 0, slot.gid);
    // 2. The static dump inside the sandbox, writing into a host folder bound at /tmp.
    const full = buildSandboxArgv({
      uid: slot.uid, gid: slot.gid, limits: resolveLimits({ processes: 64, fileSizeBytes: 512 * 1024 * 1024, addressSpaceMb: 8192 }) /* a dump reserves 3 GiB up front */, boxDir: box.boxDir, tmpDir: box.tmpDir, launcherPath: launcherPath(), env: {},
      roBinds: [[t.home, t.home], ...t.binds],
      command: [t.java, ...jvmFlags({ heapMb: 256, processors: 1 }).filter((f) => f !== '-Xshare:auto'), '-Xshare:dump', '-XX:SharedClassListFile=/sandbox/classes.lst', '-XX:SharedArchiveFile=/tmp/app.jsa', '-cp', t.classpath.join(':')],
    });
    const { argv, payload } = withOptionsOnFd(full, 4);
    const dumped = await run(argv, payload);
    const out = join(box.tmpDir, 'app.jsa');
    if (dumped.code !== 0 || !existsSync(out)) throw new Error(`dump exited ${dumped.code}: ${dumped.output}`);
    const tmp = `${target}.tmp-${process.pid}`;
    copyFileSync(out, tmp);
    renameSync(tmp, target);
    for (const f of readdirSync(dir)) if (/^app-[0-9a-f]+\.jsa$/.test(f) && join(dir, f) !== target) rmSync(join(dir, f), { force: true });
  } finally {
    await killAllOfUid(slot.uid).catch(() => {});
    await removeRunDir(box.dir).catch(() => {});
    slot.release();
  }
}

/**
 * The host path of the archive for this JDK and classpath, building it the first time (a few
 * seconds, once per machine); undefined when Java is unavailable or the build failed (runs then
 * start without it, only slower).
 */
export function javaAppCds(): Promise<string | undefined> {
  const tc = javaToolchain();
  if (!tc.ok || failed) return Promise.resolve(undefined);
  const target = join(tc.toolchain.libs, '..', 'cds', `app-${archiveKey(tc.toolchain)}.jsa`);
  if (existsSync(target)) return Promise.resolve(target);
  building ??= build(tc.toolchain, target).then(
    () => target,
    (err: Error) => {
      failed = true;
      console.warn(`[java] AppCDS archive not built, Java programs start without it: ${err.message}`);
      return undefined;
    },
  ).finally(() => {
    building = undefined;
  });
  return building;
}
