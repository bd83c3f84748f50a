// The Java 17 toolchain as the sandbox sees it: which JDK, which host files must be bound read-only
// for a JVM to start (the JDK folder, the configuration its symlinks point to, the system libraries
// it loads), the learner classpath (kafka-clients + slf4j-simple, fetched by npm install), and the
// JVM flags that keep a kafka-clients program inside the sandbox's per-process limits.
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, readdirSync, readlinkSync, realpathSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { REPO_ROOT } from '../kafka/version.ts';
import { detectJdk, javaPaths, HOW_TO_GET } from './provision.mjs';

/** Where the learner classpath appears inside the sandbox (no host path is visible). */
export const JAVA_LIBS_INSIDE = '/lagzero/java/libs';
const NATIVE_INSIDE = '/lagzero/java/native';

/** A JDK and classpath ready for the sandbox. */
export interface JavaToolchain {
  /** JDK home (real path), bound read-only at the same path. */
  home: string;
  /** `<home>/bin/java`. */
  java: string;
  version: string;
  /** Host folder of the learner jars, bound at JAVA_LIBS_INSIDE. */
  libs: string;
  /** The learner classpath as seen inside the sandbox, in a fixed order. */
  classpath: string[];
  /** Host folder with CompileServer.class (the warm compiler). */
  compilerClasses: string;
  /** Read-only binds a JVM needs besides the JDK folder: [host path, inside path]. */
  binds: Array<[string, string]>;
  /** System properties pointing snappy-java and zstd-jni at their pre-extracted JNI libraries (none when absent). */
  nativeProperties: string[];
  /** The same classpath and native-library properties with host paths, for local mode (no sandbox, nothing bound). */
  host: { classpath: string[]; nativeProperties: string[] };
}

/** The Java toolchain, or why there is none and how to get it. */
export type JavaToolchainResult = { ok: true; toolchain: JavaToolchain } | { ok: false; problem: string; fix: string };

const NATIVE_LIBS = ['libjava', 'libjimage', 'libzip', 'libnet', 'libnio', 'libverify', 'libextnet', 'libmanagement', 'libjsvml', 'libsyslookup', 'libjaas'];
let cached: JavaToolchainResult | undefined;

/** System libraries (outside the JDK) that the JVM and its core native libraries load, from ldd. */
function systemLibraries(home: string): string[] {
  const files = [join(home, 'bin', 'java'), join(home, 'lib', 'server', 'libjvm.so'), ...NATIVE_LIBS.map((l) => join(home, 'lib', `${l}.so`))].filter(existsSync);
  const out = new Set<string>();
  for (const file of files) {
    let text: string;
    try {
      text = execFileSync('/usr/bin/ldd', [file], { encoding: 'utf8' });
    } catch {
      continue; // no ldd (macOS), or not a dynamic object: nothing to bind, which only the sandbox needs
    }
    for (const line of text.split('\n')) {
      const m = /=>\s+(\/\S+)/.exec(line) ?? /^\s*(\/\S+)\s+\(/.exec(line);
      if (m && !resolve(m[1]).startsWith(`${home}/`)) out.add(m[1]);
    }
  }
  return [...out];
}

/** Targets outside the JDK of its symlinks (Debian keeps conf/ and cacerts under /etc), skipping docs and GUI bits. */
function outsideLinkTargets(home: string): string[] {
  const targets: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (['legal', 'docs', 'man', 'include', 'jmods', 'src.zip', 'libatk-wrapper.so'].includes(name)) continue;
      const st = lstatSync(path);
      if (st.isSymbolicLink()) {
        const target = resolve(dirname(path), readlinkSync(path));
        if (!target.startsWith(`${home}/`) && existsSync(target)) targets.push(target);
      } else if (st.isDirectory()) walk(path);
    }
  };
  walk(home);
  return targets;
}

/** Finds the JDK and the provisioned jars; cached after the first successful call for this repository and environment. */
export function javaToolchain(root = REPO_ROOT, env: NodeJS.ProcessEnv = process.env): JavaToolchainResult {
  const cacheable = root === REPO_ROOT && env === process.env;
  if (cached?.ok && cacheable) return cached;
  const jdk = detectJdk(env);
  if (!jdk.java || !jdk.home || !jdk.version) return { ok: false, problem: 'no Java runtime found (JAVA_HOME or java on PATH)', fix: HOW_TO_GET.java };
  if ((jdk.major ?? 0) < 17) return { ok: false, problem: `Java ${jdk.version} is too old; Java 17 or newer is needed`, fix: HOW_TO_GET.java };
  if (!jdk.javac) return { ok: false, problem: `the Java at ${jdk.java} has no javac (a JRE, not a JDK)`, fix: HOW_TO_GET.java };
  const paths = javaPaths(root);
  if (!existsSync(join(paths.compilerClasses, 'CompileServer.class')) || !existsSync(paths.libs)) {
    return { ok: false, problem: 'the Java client jars are not provisioned yet', fix: 'Run `npm install` (or `node scripts/provision-toolchains.mjs`) to fetch kafka-clients and slf4j-simple from Maven Central.' };
  }
  const home = realpathSync(jdk.home);
  const jars = readdirSync(paths.libs).filter((f) => f.endsWith('.jar')).sort();
  const binds: Array<[string, string]> = [[realpathSync(paths.libs), JAVA_LIBS_INSIDE]];
  for (const file of [...systemLibraries(home), ...outsideLinkTargets(home)]) binds.push([realpathSync(file), file]);
  const nativeProperties: string[] = [];
  const natives = existsSync(paths.native) ? readdirSync(paths.native) : [];
  if (natives.length) binds.push([realpathSync(paths.native), NATIVE_INSIDE]);
  const snappy = natives.find((f) => f === 'libsnappyjava.so');
  const zstd = natives.find((f) => f.startsWith('libzstd-jni-'));
  if (snappy) nativeProperties.push(`-Dorg.xerial.snappy.lib.path=${NATIVE_INSIDE}`, `-Dorg.xerial.snappy.lib.name=${snappy}`);
  if (zstd) nativeProperties.push(`-DZstdNativePath=${NATIVE_INSIDE}/${zstd}`);
  const nativeHost = natives.length ? realpathSync(paths.native) : '';
  const host = {
    classpath: jars.map((j) => join(realpathSync(paths.libs), j)),
    nativeProperties: nativeProperties.map((p) => p.split(NATIVE_INSIDE).join(nativeHost)),
  };
  const result: JavaToolchainResult = {
    ok: true,
    toolchain: {
      home, java: join(home, 'bin', 'java'), version: jdk.version, libs: paths.libs,
      classpath: jars.map((j) => `${JAVA_LIBS_INSIDE}/${j}`), compilerClasses: paths.compilerClasses, binds, nativeProperties, host,
    },
  };
  if (cacheable) cached = result;
  return result;
}

/** Sizes for one JVM; every region a JVM reserves up front is capped so RLIMIT_AS only stops a runaway. */
export interface JvmSizing {
  heapMb: number;
  /** Processors the JVM believes it has: sizes its thread pools (and so its share of the task limit). */
  processors: number;
}

/**
 * The flags of a sandboxed JVM. Serial GC and one processor keep its own threads to about a dozen;
 * C1 only (TieredStopAtLevel=1) starts faster and keeps the code cache small for a short-lived
 * program; the default CDS archive of the JDK (-Xshare:auto) saves class loading; no perf data file
 * in /tmp; an OutOfMemoryError ends the program instead of leaving it limping.
 */
export function jvmFlags(s: JvmSizing): string[] {
  return [
    `-Xmx${s.heapMb}m`, '-Xms16m', '-Xss512k',
    '-XX:MaxMetaspaceSize=128m', '-XX:CompressedClassSpaceSize=64m', '-XX:ReservedCodeCacheSize=32m', '-XX:MaxDirectMemorySize=64m',
    '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', `-XX:ActiveProcessorCount=${s.processors}`, '-XX:CICompilerCount=1',
    '-Xshare:auto', '-XX:-UsePerfData', '-XX:+ExitOnOutOfMemoryError', '-XX:+DisableAttachMechanism', '-XX:-UseContainerSupport',
    '-XX:ErrorFile=/dev/stderr',
    '-Djava.net.preferIPv4Stack=true', '-Dfile.encoding=UTF-8', '-Dsun.stdout.encoding=UTF-8', '-Dsun.stderr.encoding=UTF-8',
    // slf4j-simple: kafka-clients logs WARN and above, to stderr, with the thread name.
    '-Dorg.slf4j.simpleLogger.defaultLogLevel=warn', '-Dorg.slf4j.simpleLogger.logFile=System.err', '-Dorg.slf4j.simpleLogger.showDateTime=false',
  ];
}
