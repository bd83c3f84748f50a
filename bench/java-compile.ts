// `npx tsx bench/java-compile.ts [N]`: the compile-step options for learner Java, measured on the
// same Main.java (a kafka-clients producer) in one run, with ratios against the baseline `javac`
// per compile on the host:
//   - javac per compile, host, stock flags (baseline)
//   - javac per compile, host, start-up flags (C1 only, serial GC, CDS)
//   - javac per compile inside the sandbox (what a confined per-compile javac would cost)
//   - the single-file source launcher `java Main.java` (compiles in memory and runs main; main returns at once)
//   - the warm compiler, compileJava(): first request (includes starting it) and steady state, and its resident memory
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSandboxArgv, withOptionsOnFd } from '../server/sandbox/command.ts';
import { compileJava, stopJavaCompiler } from '../server/sandbox/java-compile.ts';
import { resolveLimits } from '../server/sandbox/limits.ts';
import { acquireSlot, createRunDir, launcherPath, removeRunDir } from '../server/sandbox/slots.ts';
import { javaToolchain, jvmFlags } from '../server/toolchains/java.ts';

const n = Number(process.argv[2] ?? 8);
const here = dirname(fileURLToPath(import.meta.url));
const source = readFileSync(join(here, '..', 'server', 'sandbox', 'fixtures', 'java', 'producer.java'), 'utf8');
const tc = javaToolchain();
if (!tc.ok) throw new Error(`${tc.problem}. ${tc.fix}`);
const t = tc.toolchain;
const hostClasspath = t.classpath.map((p) => p.replace(/^.*\//, `${t.libs}/`)).join(':');
const javac = join(t.home, 'bin', 'javac');
const work = mkdtempSync(join(tmpdir(), 'lz-bench-javac-'));
writeFileSync(join(work, 'Main.java'), source);
// The source launcher runs main: give it one that returns at once, with the same imports to resolve.
const launcherDir = mkdtempSync(join(tmpdir(), 'lz-bench-launcher-'));
writeFileSync(join(launcherDir, 'Main.java'), source.replace(/public static void main\(String\[\] args\) throws Exception \{/, '$& if (args.length == 0) return;'));
const fast = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-Xshare:auto', '-XX:-UsePerfData'];

/** Resident memory of the warm compiler's JVM (found by its main class), in MiB. */
function compilerRss(): number {
  let kib = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes('CompileServer')) continue;
      kib += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      // gone
    }
  }
  return Math.round(kib / 1024);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function timeSync(cmd: string, args: string[]): number {
  const start = performance.now();
  const res = spawnSync(cmd, args, { encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`${cmd} failed: ${res.stderr}`);
  return performance.now() - start;
}

/** javac inside the sandbox: JDK and jars read-only, the source in /sandbox, classes into the tmpfs /tmp. */
async function sandboxedJavac(): Promise<number> {
  const slot = await acquireSlot();
  const run = createRunDir(slot);
  try {
    writeFileSync(join(run.boxDir, 'Main.java'), source, { mode: 0o644 });
    const full = buildSandboxArgv({
      uid: slot.uid, gid: slot.gid, limits: resolveLimits({ processes: 64 }), boxDir: run.boxDir, launcherPath: launcherPath(), env: {},
      roBinds: [[t.home, t.home], ...t.binds],
      command: [javac, ...fast.map((f) => `-J${f}`), '-J-Xmx384m', '-proc:none', '--release', '17', '-cp', t.classpath.join(':'), '-d', '/tmp', '/sandbox/Main.java'],
    });
    const { argv, payload } = withOptionsOnFd(full, 4);
    const start = performance.now();
    const child = spawn(argv[0], argv.slice(1), { env: {}, stdio: ['ignore', 'ignore', 'pipe', 'ignore', 'pipe'] });
    (child.stdio[4] as NodeJS.WritableStream).end(payload);
    let err = '';
    child.stderr!.on('data', (d) => (err += d));
    const code = await new Promise<number | null>((r) => child.on('close', r));
    if (code !== 0) throw new Error(`sandboxed javac failed: ${err}`);
    return performance.now() - start;
  } finally {
    await removeRunDir(run.dir);
    slot.release();
  }
}

const rows: Array<[string, number[]]> = [];
async function measure(name: string, once: () => number | Promise<number>): Promise<void> {
  const xs: number[] = [];
  for (let i = 0; i < n; i++) xs.push(await once());
  rows.push([name, xs]);
}

await measure('javac per compile (host, stock flags) [baseline]', () => timeSync(javac, ['-proc:none', '--release', '17', '-cp', hostClasspath, '-d', join(work, 'out'), join(work, 'Main.java')]));
await measure('javac per compile (host, C1 + serial GC + CDS)', () => timeSync(javac, [...fast.map((f) => `-J${f}`), '-proc:none', '--release', '17', '-cp', hostClasspath, '-d', join(work, 'out'), join(work, 'Main.java')]));
await measure('javac per compile (in the sandbox, C1 + serial GC + CDS)', sandboxedJavac);
await measure('source launcher `java Main.java` (compile + JVM start, main returns)', () => timeSync(t.java, [...jvmFlags({ heapMb: 256, processors: 1 }), '-cp', hostClasspath, join(launcherDir, 'Main.java')]));
await stopJavaCompiler();
let start = performance.now();
const first = await compileJava(source);
if (!first.ok) throw new Error(first.error);
const firstMs = performance.now() - start;
const warm: number[] = [];
for (let i = 0; i < n; i++) {
  start = performance.now();
  const r = await compileJava(source);
  if (!r.ok) throw new Error(r.error);
  warm.push(performance.now() - start);
}
rows.push(['warm compiler compileJava(), first request (starts it)', [firstMs]]);
rows.push(['warm compiler compileJava(), steady state', warm]);
const compilerRssMiB = compilerRss();
await stopJavaCompiler();
rmSync(work, { recursive: true, force: true });
rmSync(launcherDir, { recursive: true, force: true });

const base = median(rows[0][1]);
console.log(`Java compile step, ${n} runs each, median (min-max) and ratio to the baseline median (${Math.round(base)} ms):`);
for (const [name, xs] of rows) {
  const m = median(xs);
  console.log(`  ${name.padEnd(72)} ${String(Math.round(m)).padStart(5)} ms (${Math.round(Math.min(...xs))}-${Math.round(Math.max(...xs))})  x${(m / base).toFixed(2)}`);
}
console.log(`  warm compiler resident memory after ${n + 1} compiles: ${compilerRssMiB} MiB`);
