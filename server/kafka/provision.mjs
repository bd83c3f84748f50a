// Finding and fetching what a local Kafka broker needs: a Java 17+ runtime and the broker's jars,
// either from the Maven cache this module fills (npm postinstall) or from an existing KAFKA_HOME.
// Plain JavaScript so `npm install` can run it before any TypeScript tooling is involved; the server
// imports the same functions to report what is missing.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';

/** Minimum Java feature release the pinned Kafka 4.x broker runs on. */
export const MIN_JAVA = 17;

/**
 * The pinned versions, read from server/kafka/pom.xml (the single source of truth).
 * @param {string} root repository root
 * @returns {{ kafka: string, log4j2: string, pomPath: string, pomHash: string }}
 */
export function readPinnedVersions(root) {
  const pomPath = join(root, 'server', 'kafka', 'pom.xml');
  const pom = readFileSync(pomPath, 'utf8');
  const kafka = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(pom)?.[1];
  const log4j2 = /<log4j2\.version>([^<]+)<\/log4j2\.version>/.exec(pom)?.[1];
  if (!kafka || !log4j2) throw new Error(`${pomPath} must define <kafka.version> and <log4j2.version>`);
  // Comments and layout do not change the jars, so they do not invalidate the cache.
  const significant = pom.replace(/<!--[\s\S]*?-->/g, '').replace(/\s+/g, ' ').trim();
  return { kafka, log4j2, pomPath, pomHash: createHash('sha256').update(significant).digest('hex').slice(0, 16) };
}

/**
 * Where the jars for a Kafka version are cached (git-ignored).
 * @param {string} root
 * @param {string} version
 */
export function cachePaths(root, version) {
  const dir = join(root, '.cache', 'kafka', version);
  return { dir, libs: join(dir, 'libs'), stamp: join(dir, 'libs.stamp') };
}

/**
 * Finds an executable on PATH (or the given absolute path) without running it.
 * @param {string} name
 * @param {NodeJS.ProcessEnv} env
 * @returns {string | null}
 */
export function which(name, env) {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (existsSync(candidate)) return candidate;
  }
  return null;
}

/**
 * The Java runtime the broker would use: $JAVA_HOME/bin/java if set, else `java` on PATH.
 * @param {NodeJS.ProcessEnv} env
 * @returns {{ bin: string | null, version: string | null, major: number | null }}
 */
export function detectJava(env) {
  const fromHome = env.JAVA_HOME ? join(env.JAVA_HOME, 'bin', 'java') : null;
  const bin = fromHome && existsSync(fromHome) ? fromHome : which('java', env);
  if (!bin) return { bin: null, version: null, major: null };
  const res = spawnSync(bin, ['-version'], { encoding: 'utf8', env, timeout: 15_000 });
  const version = /version "([^"]+)"/.exec(`${res.stderr ?? ''}${res.stdout ?? ''}`)?.[1] ?? null;
  if (!version) return { bin, version: null, major: null };
  const parts = version.split(/[._-]/).map(Number);
  const major = parts[0] === 1 ? parts[1] : parts[0];
  return { bin, version, major: Number.isFinite(major) ? major : null };
}

/**
 * The Kafka version of a distribution, from its libs/kafka_2.13-<version>.jar.
 * @param {string} kafkaHome
 * @returns {{ libs: string, version: string | null }}
 */
export function inspectKafkaHome(kafkaHome) {
  const libs = join(resolve(kafkaHome), 'libs');
  if (!existsSync(libs)) return { libs, version: null };
  const jar = readdirSync(libs).find((f) => /^kafka_2\.1[23]-[\d.]+[^-]*\.jar$/.test(f));
  return { libs, version: jar ? jar.replace(/^kafka_2\.1[23]-/, '').replace(/\.jar$/, '') : null };
}

/**
 * What a local broker would run from, and what is missing, in words a person can act on.
 * Never runs Maven; runs `java -version` once.
 * @param {{ root: string, env?: NodeJS.ProcessEnv, kafkaHome?: string }} opts
 */
export function diagnose({ root, env = process.env, kafkaHome = env.KAFKA_HOME || undefined }) {
  const pinned = readPinnedVersions(root);
  const java = detectJava(env);
  /** @type {string[]} */ const missing = [];
  /** @type {string[]} */ const fix = [];
  const compose = 'or run Kafka with `docker compose up -d kafka` and start Lag Zero with KAFKA_BROKERS=127.0.0.1:9092';
  if (!java.bin) {
    missing.push(`Java ${MIN_JAVA} or newer (no java found on PATH${env.JAVA_HOME ? ' or in JAVA_HOME' : ''})`);
    fix.push(`Install a JDK ${MIN_JAVA}+ (Debian/Ubuntu: \`apt-get install openjdk-17-jre-headless\`; macOS: \`brew install openjdk@17\`) or set JAVA_HOME, ${compose}.`);
  } else if (java.major === null || java.major < MIN_JAVA) {
    missing.push(`Java ${MIN_JAVA} or newer (found ${java.version ? `Java ${java.version}` : 'an unrecognised java'} at ${java.bin})`);
    fix.push(`Install a JDK ${MIN_JAVA}+ and put it first on PATH or point JAVA_HOME at it, ${compose}.`);
  }

  /** @type {'maven-cache' | 'kafka-home' | null} */ let source = null;
  /** @type {string | null} */ let libs = null;
  let version = pinned.kafka;
  if (kafkaHome) {
    const home = inspectKafkaHome(kafkaHome);
    if (!home.version) {
      missing.push(`a Kafka distribution at KAFKA_HOME=${kafkaHome} (no libs/kafka_2.13-*.jar in ${home.libs})`);
      fix.push(`Point KAFKA_HOME at an unpacked Apache Kafka ${pinned.kafka} distribution (the folder that contains bin/ and libs/), or unset it to use the jars fetched by \`npm install\`.`);
    } else {
      source = 'kafka-home';
      libs = home.libs;
      version = home.version;
    }
  } else {
    const cache = cachePaths(root, pinned.kafka);
    if (isProvisioned(cache, pinned.pomHash)) {
      source = 'maven-cache';
      libs = cache.libs;
    } else if (!which('mvn', env)) {
      missing.push(`the Kafka ${pinned.kafka} jars (not fetched yet, and Maven is not on PATH to fetch them)`);
      fix.push(`Install Maven 3.8+ (\`apt-get install maven\` / \`brew install maven\`) and run \`node scripts/provision-kafka.mjs\`, or set KAFKA_HOME to an Apache Kafka ${pinned.kafka} distribution, ${compose}.`);
    } else {
      missing.push(`the Kafka ${pinned.kafka} jars (not fetched yet into ${cache.libs})`);
      fix.push('Run `node scripts/provision-kafka.mjs` (npm install runs it too) to fetch them from Maven Central.');
    }
  }
  return { pinned, version, source, libs, java, missing, fix };
}

/**
 * True when the cache holds a complete copy made from this exact pom.
 * @param {{ libs: string, stamp: string }} cache
 * @param {string} pomHash
 */
export function isProvisioned(cache, pomHash) {
  if (!existsSync(cache.stamp) || !existsSync(cache.libs)) return false;
  return readFileSync(cache.stamp, 'utf8').trim() === pomHash;
}

/**
 * Fetches the pinned jars into the cache unless already there. Never throws: returns what happened.
 * @param {{ root: string, env?: NodeJS.ProcessEnv, log?: (line: string) => void }} opts
 * @returns {{ status: 'cached' | 'fetched' | 'kafka-home' | 'external' | 'missing' | 'failed', libs: string | null, lines: string[] }}
 */
export function provision({ root, env = process.env, log = () => {} }) {
  /** @type {string[]} */ const lines = [];
  const say = (/** @type {string} */ line) => { lines.push(line); log(line); };
  if (env.KAFKA_BROKERS) {
    say(`KAFKA_BROKERS is set (${env.KAFKA_BROKERS}): labs use that cluster, no local Kafka jars needed.`);
    return { status: 'external', libs: null, lines };
  }
  const d = diagnose({ root, env });
  if (env.KAFKA_HOME && d.source !== 'kafka-home') {
    reportMissing(d, say);
    return { status: 'missing', libs: null, lines };
  }
  if (d.source === 'kafka-home') {
    say(`Using Kafka ${d.version} from KAFKA_HOME (${d.libs}); nothing to download.`);
    if (d.missing.length) reportMissing(d, say);
    return { status: d.missing.length ? 'missing' : 'kafka-home', libs: d.libs, lines };
  }
  if (d.source === 'maven-cache') {
    say(`Kafka ${d.version} jars already cached in ${d.libs}.`);
    if (d.missing.length) reportMissing(d, say);
    return { status: d.missing.length ? 'missing' : 'cached', libs: d.libs, lines };
  }
  const mvn = which('mvn', env);
  if (!mvn || !d.java.bin || (d.java.major ?? 0) < MIN_JAVA) {
    reportMissing(d, say);
    return { status: 'missing', libs: null, lines };
  }
  const cache = cachePaths(root, d.pinned.kafka);
  const tmp = `${cache.libs}.tmp-${process.pid}`;
  mkdirSync(cache.dir, { recursive: true });
  rmSync(tmp, { recursive: true, force: true });
  say(`Fetching Apache Kafka ${d.pinned.kafka} jars from Maven Central into ${cache.libs} (once; about 40 MB)…`);
  const res = spawnSync(mvn, [
    '-B', '-q', '-f', d.pinned.pomPath, 'dependency:copy-dependencies',
    '-DincludeScope=runtime', `-DoutputDirectory=${tmp}`,
  ], { encoding: 'utf8', env, timeout: 15 * 60_000 });
  if (res.status !== 0) {
    rmSync(tmp, { recursive: true, force: true });
    const detail = `${res.stdout ?? ''}${res.stderr ?? ''}`.trim().split('\n').slice(-15).join('\n');
    say(`Maven could not fetch the Kafka jars (exit ${res.status ?? res.signal ?? res.error?.message}):\n${detail}`);
    say('Labs stay unavailable until this succeeds. Check network access to Maven Central and re-run `node scripts/provision-kafka.mjs`, or set KAFKA_HOME, or use docker compose (KAFKA_BROKERS).');
    return { status: 'failed', libs: null, lines };
  }
  rmSync(cache.libs, { recursive: true, force: true });
  renameSync(tmp, cache.libs);
  writeFileSync(cache.stamp, `${d.pinned.pomHash}\n`);
  // Jars, template and AppCDS archive of a previously pinned version are dead weight (~100 MB).
  const parent = join(root, '.cache', 'kafka');
  for (const name of readdirSync(parent)) {
    if (/^\d+\.\d+\.\d+/.test(name) && name !== d.pinned.kafka) rmSync(join(parent, name), { recursive: true, force: true });
  }
  say(`Kafka ${d.pinned.kafka}: ${readdirSync(cache.libs).length} jars ready in ${cache.libs}.`);
  return { status: 'fetched', libs: cache.libs, lines };
}

/**
 * @param {{ missing: string[], fix: string[] }} d
 * @param {(line: string) => void} say
 */
function reportMissing(d, say) {
  say('Lag Zero installs fine without a local Kafka, but labs need one. Missing:');
  d.missing.forEach((m, i) => say(`  - ${m}\n    fix: ${d.fix[i]}`));
}
