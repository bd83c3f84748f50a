// Install-time provisioning of the learner toolchains, run by `npm install` (scripts/provision-toolchains.mjs)
// the way server/kafka/provision.mjs fetches the broker jars:
//   Java:   kafka-clients at the broker's version plus slf4j-simple, copied from Maven Central into
//           .cache/java/<kafka version>/libs (server/toolchains/pom.xml), and the warm compiler
//           (java/CompileServer.java) compiled into .cache/java/compiler-<hash>.
//   Python: a virtual environment at .cache/python/venv with the pinned confluent-kafka from PyPI.
// Plain JavaScript so it runs before any TypeScript tooling; the server imports the same path
// helpers. Nothing here throws for a missing tool: it returns what is missing and how to get it.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { detectJava, readPinnedVersions, which } from '../kafka/provision.mjs';

/** The confluent-kafka release learner Python programs get (its wheels bundle librdkafka). */
export const CONFLUENT_KAFKA_VERSION = '2.16.1';

/** How to get each toolchain, in one sentence, for install logs and toolchainSupport(). */
export const HOW_TO_GET = {
  java: 'Install a JDK 17 (Debian/Ubuntu: `apt-get install openjdk-17-jdk-headless`; macOS: `brew install openjdk@17`) and Maven (`apt-get install maven`), then run `npm install` again.',
  python: 'Install Python 3 with venv support (Debian/Ubuntu: `apt-get install python3-venv`), then run `npm install` again to create .cache/python/venv with confluent-kafka.',
};

function short(s) {
  return createHash('sha256').update(s).digest('hex').slice(0, 12);
}

/**
 * Where the Java toolchain lives in the cache (git-ignored) for the pinned Kafka version.
 * @param {string} root repository root
 */
export function javaPaths(root) {
  const { kafka } = readPinnedVersions(root);
  const pom = join(root, 'server', 'toolchains', 'pom.xml');
  const compilerSource = join(root, 'server', 'toolchains', 'java', 'CompileServer.java');
  const trainingSource = join(root, 'server', 'toolchains', 'java', 'CdsTraining.java');
  const dir = join(root, '.cache', 'java', kafka);
  const pomHash = short(`${kafka}|${readFileSync(pom, 'utf8').replace(/<!--[\s\S]*?-->/g, '').replace(/\s+/g, ' ')}`);
  return {
    kafka, pom, compilerSource, trainingSource, dir,
    libs: join(dir, 'libs'),
    stamp: join(dir, 'libs.stamp'),
    /** snappy-java's and zstd-jni's JNI libraries, extracted at install: /tmp in the sandbox is noexec, so they cannot unpack themselves there. */
    native: join(dir, 'native'),
    pomHash,
    /** CompileServer.class (the warm compiler) and CdsTraining.class (AppCDS class-list training). */
    compilerClasses: join(root, '.cache', 'java', `compiler-${short(readFileSync(compilerSource, 'utf8') + readFileSync(trainingSource, 'utf8'))}`),
  };
}

/**
 * The JDK that compiles and runs learner Java: $JAVA_HOME or `javac`/`java` on PATH, 17 or newer.
 * @param {NodeJS.ProcessEnv} env
 * @returns {{ java: string | null, javac: string | null, home: string | null, version: string | null, major: number | null }}
 */
export function detectJdk(env) {
  const java = detectJava(env);
  if (!java.bin) return { java: null, javac: null, home: null, version: null, major: null };
  // /usr/bin/java is a chain of symlinks on Debian: the JDK is where it ends.
  const bin = realpathSync(java.bin);
  const javac = join(dirname(bin), 'javac');
  return { java: bin, javac: existsSync(javac) ? javac : null, home: dirname(dirname(bin)), version: java.version, major: java.major };
}

/**
 * Fetches the learner classpath and compiles the warm compiler, unless already done. Never throws.
 * @param {{ root: string, env?: NodeJS.ProcessEnv, log?: (line: string) => void }} opts
 * @returns {{ status: 'cached' | 'fetched' | 'missing' | 'failed', lines: string[] }}
 */
export function provisionJava({ root, env = process.env, log = () => {} }) {
  /** @type {string[]} */ const lines = [];
  const say = (/** @type {string} */ line) => { lines.push(line); log(line); };
  const p = javaPaths(root);
  const jdk = detectJdk(env);
  const mvn = which('mvn', env);
  if (!jdk.javac || (jdk.major ?? 0) < 17) {
    say(`Java labs unavailable: no JDK 17+ with javac found${jdk.java ? ` (found ${jdk.java}, Java ${jdk.version ?? '?'})` : ''}. ${HOW_TO_GET.java}`);
    return { status: 'missing', lines };
  }
  let status = /** @type {'cached' | 'fetched'} */ ('cached');
  if (!(existsSync(p.stamp) && readFileSync(p.stamp, 'utf8').trim() === p.pomHash && existsSync(p.libs))) {
    if (!mvn) {
      say(`Java labs unavailable: Maven is needed once to fetch kafka-clients ${p.kafka}. ${HOW_TO_GET.java}`);
      return { status: 'missing', lines };
    }
    const tmp = `${p.libs}.tmp-${process.pid}`;
    mkdirSync(p.dir, { recursive: true });
    rmSync(tmp, { recursive: true, force: true });
    say(`Fetching kafka-clients ${p.kafka} and slf4j-simple from Maven Central into ${p.libs}…`);
    const res = spawnSync(mvn, ['-B', '-q', '-f', p.pom, 'dependency:copy-dependencies', `-Dkafka.version=${p.kafka}`, '-DincludeScope=runtime', `-DoutputDirectory=${tmp}`],
      { encoding: 'utf8', env, timeout: 15 * 60_000 });
    if (res.status !== 0) {
      rmSync(tmp, { recursive: true, force: true });
      say(`Maven could not fetch the Java client jars (exit ${res.status ?? res.signal}):\n${`${res.stdout ?? ''}${res.stderr ?? ''}`.trim().split('\n').slice(-10).join('\n')}`);
      return { status: 'failed', lines };
    }
    rmSync(p.libs, { recursive: true, force: true });
    rmSync(p.native, { recursive: true, force: true }); // extracted from the previous jars
    renameSync(tmp, p.libs);
    writeFileSync(p.stamp, `${p.pomHash}\n`);
    status = 'fetched';
  }
  if (!existsSync(join(p.compilerClasses, 'CompileServer.class'))) {
    const tmp = `${p.compilerClasses}.tmp-${process.pid}`;
    rmSync(tmp, { recursive: true, force: true });
    const res = spawnSync(jdk.javac, ['--release', '17', '-cp', readdirSync(p.libs).map((j) => join(p.libs, j)).join(':'), '-d', tmp, p.compilerSource, p.trainingSource], { encoding: 'utf8', env, timeout: 120_000 });
    if (res.status !== 0) {
      rmSync(tmp, { recursive: true, force: true });
      say(`Compiling the Java compile server and CDS training failed: ${`${res.stdout ?? ''}${res.stderr ?? ''}`.trim()}`);
      return { status: 'failed', lines };
    }
    rmSync(p.compilerClasses, { recursive: true, force: true });
    renameSync(tmp, p.compilerClasses);
    // Compilers built from an older CompileServer.java are never used again.
    for (const name of readdirSync(dirname(p.compilerClasses))) {
      if (/^compiler-[0-9a-f]+$/.test(name) && join(dirname(p.compilerClasses), name) !== p.compilerClasses) rmSync(join(dirname(p.compilerClasses), name), { recursive: true, force: true });
    }
  }
  const native = extractNativeLibs(p, jdk.java);
  if (native) say(native);
  say(`Java ${jdk.version}: kafka-clients ${p.kafka} ready in ${p.libs}.`);
  return { status, lines };
}

/** Paths of the JNI libraries inside the client jars, per Node arch: [snappy-java, zstd-jni folder]. */
const JNI_DIRS = { x64: ['org/xerial/snappy/native/Linux/x86_64/libsnappyjava.so', 'linux/amd64/'], arm64: ['org/xerial/snappy/native/Linux/aarch64/libsnappyjava.so', 'linux/aarch64/'] };

/**
 * Extracts libsnappyjava.so and libzstd-jni-*.so into `native/` (with the JDK's `jar`), unless there.
 * @param {ReturnType<typeof javaPaths>} p
 * @param {string} java
 * @returns {string | null} a line to log when something could not be extracted
 */
function extractNativeLibs(p, java) {
  const dirs = JNI_DIRS[/** @type {'x64' | 'arm64'} */ (process.arch)];
  if (!dirs) return `No snappy/zstd JNI libraries for ${process.arch}: Java programs can use gzip and lz4 compression only.`;
  if (existsSync(p.native) && readdirSync(p.native).length >= 2) return null;
  const jarTool = join(dirname(java), 'jar');
  const tmp = `${p.native}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const jars = readdirSync(p.libs);
  const snappy = jars.find((j) => j.startsWith('snappy-java-'));
  const zstd = jars.find((j) => j.startsWith('zstd-jni-'));
  for (const [jar, entry] of [[snappy, dirs[0]], [zstd, dirs[1]]]) {
    if (!jar) continue;
    spawnSync(jarTool, ['xf', join(p.libs, jar), entry], { cwd: tmp, timeout: 60_000 });
  }
  const found = [];
  const walk = (/** @type {string} */ d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (e.name.endsWith('.so')) found.push(join(d, e.name));
    }
  };
  walk(tmp);
  rmSync(p.native, { recursive: true, force: true });
  mkdirSync(p.native, { recursive: true });
  for (const f of found) renameSync(f, join(p.native, f.slice(f.lastIndexOf('/') + 1)));
  rmSync(tmp, { recursive: true, force: true });
  return found.length >= 2 ? null : 'Could not extract the snappy/zstd JNI libraries: Java programs can use gzip and lz4 compression only.';
}

/**
 * Where the Python toolchain lives (git-ignored).
 * @param {string} root
 */
export function pythonPaths(root) {
  const venv = join(root, '.cache', 'python', 'venv');
  return { venv, python: join(venv, 'bin', 'python3'), stamp: join(venv, 'lagzero.stamp'), want: `confluent-kafka==${CONFLUENT_KAFKA_VERSION}` };
}

/**
 * True when every folder above `path` lets anyone through and the file is readable by anyone: the
 * sandbox binds it as an unprivileged slot UID, so a root-only path (pyenv under /root) cannot be used.
 * @param {string} path
 */
export function worldReadable(path) {
  let p = realpathSync(path);
  if ((statSync(p).mode & 0o004) === 0) return false;
  for (p = dirname(p); ; p = dirname(p)) {
    if ((statSync(p).mode & 0o001) === 0) return false;
    if (p === dirname(p)) return true;
  }
}

/**
 * The base interpreter for the venv: $LAGZERO_PYTHON, else the first `python3` on PATH that the
 * sandbox's UIDs can read (real path).
 * @param {NodeJS.ProcessEnv} env
 * @returns {{ python: string | null, skipped: string[] }}
 */
export function choosePython(env) {
  /** @type {string[]} */ const skipped = [];
  const candidates = env.LAGZERO_PYTHON ? [env.LAGZERO_PYTHON] : (env.PATH ?? '').split(delimiter).filter(Boolean).map((d) => join(d, 'python3'));
  for (const c of candidates) {
    if (!existsSync(c)) continue;
    if (worldReadable(c)) return { python: realpathSync(c), skipped };
    skipped.push(realpathSync(c));
  }
  return { python: null, skipped };
}

/**
 * Creates the venv and installs the pinned confluent-kafka from PyPI, unless already done. Never throws.
 * @param {{ root: string, env?: NodeJS.ProcessEnv, log?: (line: string) => void }} opts
 * @returns {{ status: 'cached' | 'installed' | 'missing' | 'failed', lines: string[] }}
 */
export function provisionPython({ root, env = process.env, log = () => {} }) {
  /** @type {string[]} */ const lines = [];
  const say = (/** @type {string} */ line) => { lines.push(line); log(line); };
  const p = pythonPaths(root);
  const { python, skipped } = choosePython(env);
  if (!python) {
    const why = skipped.length ? `the python3 found (${skipped.join(', ')}) is not readable by other users, and the sandbox runs programs as unprivileged UIDs` : 'python3 is not on PATH';
    say(`Python labs unavailable: ${why}. ${HOW_TO_GET.python}`);
    return { status: 'missing', lines };
  }
  const stamp = `${p.want} ${python}`;
  if (existsSync(p.stamp) && readFileSync(p.stamp, 'utf8').trim() === stamp && existsSync(p.python)) {
    say(`Python: ${p.want} already installed in ${p.venv}.`);
    return { status: 'cached', lines };
  }
  // Created in place (a venv records its own path in its scripts); the stamp, written last, marks it complete.
  rmSync(p.venv, { recursive: true, force: true });
  mkdirSync(dirname(p.venv), { recursive: true });
  const venv = spawnSync(python, ['-m', 'venv', p.venv], { encoding: 'utf8', env, timeout: 120_000 });
  if (venv.status !== 0) {
    rmSync(p.venv, { recursive: true, force: true });
    say(`Python labs unavailable: \`python3 -m venv\` failed (${`${venv.stderr ?? ''}${venv.stdout ?? ''}`.trim().split('\n').pop()}). ${HOW_TO_GET.python}`);
    return { status: 'missing', lines };
  }
  say(`Installing ${p.want} from PyPI into ${p.venv}…`);
  const pip = spawnSync(p.python, ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', '-q', p.want],
    { encoding: 'utf8', env, timeout: 15 * 60_000 });
  if (pip.status !== 0) {
    rmSync(p.venv, { recursive: true, force: true });
    say(`pip could not install ${p.want} (exit ${pip.status ?? pip.signal}):\n${`${pip.stdout ?? ''}${pip.stderr ?? ''}`.trim().split('\n').slice(-10).join('\n')}`);
    return { status: 'failed', lines };
  }
  writeFileSync(p.stamp, `${stamp}\n`);
  say(`Python: ${p.want} ready in ${p.venv}.`);
  return { status: 'installed', lines };
}
