// The hostile-submission suite: rows 1-20 of the attack table in
// ../shared/notes/sandbox-auth-storage.md, each as a real learner program (fixtures/hostile/*.ts)
// bundled and run exactly like a submission, against a real Kafka broker; then the same attacks in
// Java (fixtures/java: Runtime.exec, host files, other ports, CPU-burning threads, a huge heap,
// System.exit with a hook that never ends, endless threads) and Python (fixtures/python:
// subprocess, ctypes, host files, sockets, os.fork loops, unbounded memory, spinning). Every case must be
// contained, leave no process behind, and leave the host serving: an HTTP server in this process
// is polled throughout, and a normal program must still produce and consume afterwards.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, type LocalBroker } from '../kafka/broker.ts';
import { bundleLearnerCode } from './bundle.ts';
import { compileJava, stopJavaCompiler } from './java-compile.ts';
import { checkPython } from './python-check.ts';
import { buildSandboxArgv, nodeRuntimeFiles } from './command.ts';
import { resolveLimits, type Limits } from './limits.ts';
import { killAllOfUid, pidsOfUid } from './procs.ts';
import { startSandboxedProgram, tmpfsInodeCapEnforced, type ExitInfo } from './run.ts';
import { acquireSlot, createRunDir, launcherPath, mountsUnder, removeRunDir, sandboxBaseDir, sweepSandboxLeftovers } from './slots.ts';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, '..', '..');
const fixture = (name: string) => readFileSync(join(here, 'fixtures', 'hostile', `${name}.ts`), 'utf8');

let broker: LocalBroker;
let admin: Admin;
let api: Server;
let apiPort: number;
const pings = { ok: 0, failed: [] as string[], maxMs: 0 };
let pinger: NodeJS.Timeout;

beforeAll(async () => {
  api = createServer((_, res) => res.end('{"ok":true}'));
  await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
  apiPort = (api.address() as { port: number }).port;
  // The server must keep answering while hostile programs run: poll it all along.
  pinger = setInterval(() => {
    const t = Date.now();
    fetch(`http://127.0.0.1:${apiPort}/api/health`, { signal: AbortSignal.timeout(10_000) })
      .then(async (res) => {
        if ((await res.text()) !== '{"ok":true}') throw new Error(`status ${res.status}`);
        pings.ok++;
        pings.maxMs = Math.max(pings.maxMs, Date.now() - t);
      })
      .catch((err: Error) => pings.failed.push(err.message));
  }, 250);
  broker = await startBroker();
  admin = new Kafka({ clientId: 'hostile-suite', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
});

afterAll(async () => {
  clearInterval(pinger);
  await stopJavaCompiler();
  await admin?.disconnect();
  await broker?.stop();
  await new Promise<void>((r) => api.close(() => r()));
});

const bundles = new Map<string, string>();
async function bundled(name: string): Promise<string> {
  if (!bundles.has(name)) {
    const result = await bundleLearnerCode(fixture(name));
    if (!result.ok) throw new Error(`fixture ${name} did not compile: ${result.error}`);
    bundles.set(name, result.js);
  }
  return bundles.get(name)!;
}

/** Runs a fixture like a submission and checks that nothing of it survives. */
async function runFixture(name: string, env: Record<string, string> = {}, limits: Partial<Limits> = {}): Promise<ExitInfo & { uid: number }> {
  const program = await startSandboxedProgram({
    js: await bundled(name),
    env: { KAFKA_BROKERS: broker.bootstrap, ...env },
    broker: { host: '127.0.0.1', port: broker.port },
    limits: { wallMs: 5000, ...limits },
    label: name,
  });
  const info = await program.exited;
  expect(pidsOfUid(program.uid), `processes of ${name} survived`).toEqual([]);
  return { ...info, uid: program.uid };
}

/** Runs a Java fixture (fixtures/java/<name>.java), compiled by the warm compiler, like a submission; nothing of it may survive. */
async function runJavaFixture(name: string, env: Record<string, string> = {}, limits: Partial<Limits> = {}): Promise<ExitInfo> {
  const compiled = await compileJava(readFileSync(join(here, 'fixtures', 'java', `${name}.java`), 'utf8'));
  if (!compiled.ok) throw new Error(`fixture ${name} did not compile: ${compiled.error}`);
  const program = await startSandboxedProgram({
    launch: { language: 'java', classes: compiled.classes },
    env: { KAFKA_BROKERS: broker.bootstrap, ...env },
    broker: { host: '127.0.0.1', port: broker.port },
    limits: { wallMs: 20_000, ...limits },
    label: `java ${name}`,
  });
  const info = await program.exited;
  expect(pidsOfUid(program.uid), `processes of ${name} survived`).toEqual([]);
  return info;
}

/** Runs a Python fixture (fixtures/python/<name>.py) after the syntax check, like a submission; nothing of it may survive. */
async function runPythonFixture(name: string, env: Record<string, string> = {}, limits: Partial<Limits> = {}): Promise<ExitInfo> {
  const source = readFileSync(join(here, 'fixtures', 'python', `${name}.py`), 'utf8');
  expect(await checkPython(source)).toEqual({ ok: true });
  const program = await startSandboxedProgram({
    launch: { language: 'python', source },
    env: { KAFKA_BROKERS: broker.bootstrap, ...env },
    broker: { host: '127.0.0.1', port: broker.port },
    limits: { wallMs: 20_000, ...limits },
    label: `python ${name}`,
  });
  const info = await program.exited;
  expect(pidsOfUid(program.uid), `processes of ${name} survived`).toEqual([]);
  return info;
}

async function createTopic(topic: string): Promise<void> {
  // A busy 2-core machine can answer metadata before the new topic has propagated: retry briefly.
  for (let attempt = 1; ; attempt++) {
    try {
      await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
      return;
    } catch (err) {
      if (attempt === 5) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

/** A normal program (produce one record, consume it back) still works. */
async function expectNormalRunWorks(label: string, limits: Partial<Limits> = {}): Promise<void> {
  const topic = `normal-${label}-${randomBytes(3).toString('hex')}`;
  await createTopic(topic);
  const info = await runFixture('normal', { TOPIC: topic, VALUE: label }, { wallMs: 45_000, ...limits });
  expect(info, info.stderr).toMatchObject({ reason: 'exited', code: 0 });
  expect(info.stdout).toContain(`consumed k=${label}`);
}

/** Runs a probe binary (perl, from Debian's essential perl-base) under exactly the sandbox's confinement. */
async function runConfined(command: string[], viaPty = false): Promise<{ code: number | null; out: string }> {
  const slot = await acquireSlot();
  const run = createRunDir(slot);
  try {
    const argv = buildSandboxArgv({
      uid: slot.uid, gid: slot.gid, limits: resolveLimits(), boxDir: run.boxDir, launcherPath: launcherPath(), env: {}, command,
      extraRoFiles: nodeRuntimeFiles(command[0]),
    });
    const quoted = argv.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
    const child = viaPty ? spawn('/usr/bin/script', ['-qec', quoted, '/dev/null'], { env: {} }) : spawn(argv[0], argv.slice(1), { env: {} });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const code = await new Promise<number | null>((r) => child.on('close', (c) => r(c)));
    return { code, out };
  } finally {
    await killAllOfUid(slot.uid);
    await removeRunDir(run.dir);
    slot.release();
  }
}

const PERL = '/usr/bin/perl';
// perl passes string arguments to syscall() as pointers, and they must be variables, not literals.
const perlSyscall = (label: string, call: string) => `print "${label}: ", (${call} == -1 ? "$!" : "ALLOWED"), "\\n";`;

describe('hostile submissions are contained', () => {
  it('row 1: a CPU loop is stopped by the CPU limit', async () => {
    const info = await runFixture('cpu-loop', {}, { cpuSeconds: 1, wallMs: 20_000 });
    expect(info).toMatchObject({ reason: 'cpu-limit', signal: 'SIGXCPU', stdout: 'spinning\n' });
  });

  it('row 2: a sleeper is stopped by the wall-clock limit', async () => {
    const info = await runFixture('sleeper', {}, { wallMs: 2000 });
    expect(info.reason).toBe('wall-timeout');
    expect(info.wallMs).toBeGreaterThanOrEqual(2000);
    expect(info.wallMs).toBeLessThan(8000); // killed at the limit, not left to hang (slack for a loaded machine)
  });

  it('row 3: a fork bomb hits the per-slot process cap', async () => {
    const info = await runFixture('fork-bomb', {}, { wallMs: 20_000, processes: 48 });
    const report = JSON.parse(info.stdout) as { started: number; errors: Record<string, number> };
    expect(report.errors.EAGAIN).toBeGreaterThan(9000);
    // A node process is ~7 tasks, so 48 tasks leave room for a handful of children, not thousands.
    expect(report.started).toBeLessThan(48);
    expect(info.reason).toBe('exited'); // its children were still running: runFixture checked they died
  });

  it('row 4: a growing JavaScript heap is stopped at the heap limit', async () => {
    const rssBefore = process.memoryUsage().rss;
    const info = await runFixture('memory-heap', {}, { heapMb: 128, wallMs: 30_000 });
    expect(info).toMatchObject({ reason: 'memory-limit', signal: 'SIGABRT' });
    expect(info.stderr).toMatch(/heap out of memory/);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(100 * 1024 * 1024);
  });

  it('row 4: Buffers outside the heap are stopped by the address-space limit', async () => {
    const rssBefore = process.memoryUsage().rss;
    const info = await runFixture('memory-buffers', {}, { addressSpaceMb: 1536, wallMs: 30_000 });
    expect(info.reason).toBe('memory-limit');
    expect(info.stderr).toContain('RangeError: Array buffer allocation failed');
    const heldMb = Number(/holding (\d+) MiB\n$/.exec(info.stdout)?.[1]);
    expect(heldMb).toBeGreaterThan(0);
    expect(heldMb).toBeLessThan(1536);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(100 * 1024 * 1024);
  });

  it('row 5: /tmp is capped in size and inodes, and files in size', async () => {
    const limits = { fileSizeBytes: 4 * 1024 * 1024, tmpfsBytes: 8 * 1024 * 1024, tmpfsInodes: 200 };
    const info = await runFixture('disk-fill', {}, limits);
    expect(tmpfsInodeCapEnforced()).toBe(true);
    const r = JSON.parse(info.stdout) as Record<string, { bytes?: number; files?: number; code: string }>;
    expect(r.huge).toEqual({ bytes: limits.fileSizeBytes, code: 'EFBIG' });
    expect(r.fill.code).toBe('ENOSPC');
    expect(r.fill.bytes).toBeLessThanOrEqual(limits.tmpfsBytes);
    expect(r.many.code).toBe('ENOSPC');
    expect(r.many.files).toBeLessThan(limits.tmpfsInodes);
  });

  it('row 6: an output flood is cut at the cap, marked truncated and killed', async () => {
    const info = await runFixture('output-flood', {}, { outputBytes: 64 * 1024, wallMs: 10_000 });
    expect(info).toMatchObject({ reason: 'output-limit', truncated: true });
    expect(Buffer.byteLength(info.stdout)).toBeLessThanOrEqual(64 * 1024);
    expect(Buffer.byteLength(info.stderr)).toBeLessThanOrEqual(64 * 1024);
  });

  it('row 7: opening descriptors stops at the open-files limit', async () => {
    const info = await runFixture('fd-exhaustion', {}, { openFiles: 128 });
    const r = JSON.parse(info.stdout) as { files: number; code: string };
    expect(r.code).toBe('EMFILE');
    expect(r.files).toBeLessThan(128);
  });

  it('row 8: only the run\'s own broker is reachable', async () => {
    const host = await fetch(`http://127.0.0.1:${apiPort}/api/health`);
    expect(host.ok).toBe(true); // the port the program will try is really open on the host
    const info = await runFixture('network', { API_PORT: String(apiPort), BROKER_PORT: String(broker.port) }, { wallMs: 15_000 });
    expect(JSON.parse(info.stdout)).toEqual({
      internet: 'ENETUNREACH',
      'internet-dns-tcp': 'ENETUNREACH',
      metadata: 'ENETUNREACH',
      'host-api': 'ECONNREFUSED',
      'host-api-v6': 'ECONNREFUSED',
      broker: 'connected',
      dns: 'EAI_AGAIN',
      udp: 'ENETUNREACH',
    });
  });

  it('row 9: server files, the database, DATA_DIR and the server\'s environment are out of reach', async () => {
    const canary = `canary-${randomBytes(8).toString('hex')}`;
    const dataDir = mkdtempSync(join(tmpdir(), 'lagzero-canary-'));
    const dbFile = join(dataDir, 'lag-zero.db');
    writeFileSync(dbFile, canary);
    writeFileSync(join(dataDir, '.env'), `SECRET=${canary}\n`);
    process.env.LAGZERO_CANARY_SECRET = canary;
    try {
      const probes = [dbFile, join(dataDir, '.env'), join(repoRoot, 'package.json'), join(repoRoot, '.env'), `/proc/${process.pid}/environ`];
      const info = await runFixture('read-secrets', { PROBE_PATHS: probes.join(',') });
      expect(info.stdout + info.stderr).not.toContain(canary);
      const r = JSON.parse(info.stdout) as { env: Record<string, string>; found: string[]; denied: Record<string, string> };
      expect(Object.keys(r.env).sort()).toEqual(['KAFKA_BROKERS', 'PROBE_PATHS', 'PWD']);
      // What the program can read of its own processes (bwrap is PID 1) names no host path.
      expect(r.found.some((f) => f.startsWith('/proc/1/environ')), 'PID 1 environ is readable, so it is checked').toBe(true);
      // (The probe paths this test hands the program are host paths; they are left out.)
      for (const f of r.found) expect(f.split(probes.join(',')).join(''), f.slice(0, 200)).not.toContain(repoRoot);
      for (const path of ['/etc/passwd', '/etc/shadow', '/root/.bashrc', ...probes]) expect(r.denied[path], path).toBe('ENOENT');
    } finally {
      delete process.env.LAGZERO_CANARY_SECRET;
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('row 10: nothing outside /tmp is writable', async () => {
    const info = await runFixture('write-outside', { PROBE_PATHS: [join(repoRoot, 'pwned.txt'), join(sandboxBaseDir(), 'pwned')].join(',') });
    const r = JSON.parse(info.stdout) as Record<string, string>;
    expect(Object.values(r)).not.toContain('WROTE');
    expect(r['/usr/bin/evil']).toBe('EROFS');
    expect(r['/sandbox/main.mjs']).toBe('EROFS');
    expect(existsSync(join(repoRoot, 'pwned.txt'))).toBe(false);
  });

  it('row 11: symlinks planted by the program are never followed by the host', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lagzero-symlink-'));
    const target = join(dir, 'host-file');
    writeFileSync(target, 'untouched');
    try {
      const info = await runFixture('symlink-output', { CANARY_FILE: target });
      const r = JSON.parse(info.stdout) as Record<string, string>;
      expect(r['/tmp/result']).toBe('linked'); // planted inside its own tmpfs...
      expect(r['/sandbox/result']).toBe('EROFS');
      expect(r.writeThrough).toBe('ENOENT'); // ...where the host path does not exist
      expect(readFileSync(target, 'utf8')).toBe('untouched'); // and cleanup did not follow it
      expect(readdirSync(sandboxBaseDir()).filter((n) => n.startsWith(`run-${process.pid}-`))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('row 12: daemons started with setsid or a double fork die with the run', async () => {
    const marker = `lagzero-daemon-${randomBytes(6).toString('hex')}`;
    const info = await runFixture('daemon', { MARKER: marker });
    expect(info.stdout).toBe('daemons started\n');
    const survivors = readdirSync('/proc').filter((p) => {
      try {
        return /^\d+$/.test(p) && Number(p) !== process.pid && readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(marker);
      } catch {
        return false;
      }
    });
    expect(survivors).toEqual([]);
  });

  it('row 13: when the server dies by SIGKILL the sandbox dies with it, and the startup sweep tidies up', async () => {
    const server = spawn(process.execPath, ['--import', 'tsx', join(here, 'fixtures', 'crashing-server.ts'), String(broker.port)], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] });
    const uid = await new Promise<number>((resolve, reject) => {
      let out = '';
      server.stdout.on('data', (d) => {
        out += d;
        const m = /\{"uid":(\d+)\}/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      server.on('exit', () => reject(new Error(`helper exited early: ${out}`)));
    });
    expect(pidsOfUid(uid).length).toBeGreaterThan(0);
    const runDirs = () => readdirSync(sandboxBaseDir()).filter((n) => n.startsWith(`run-${server.pid}-`));
    expect(runDirs()).toHaveLength(1);
    server.kill('SIGKILL');
    const deadline = Date.now() + 5000;
    while (pidsOfUid(uid).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(pidsOfUid(uid)).toEqual([]);
    const leftover = join(sandboxBaseDir(), runDirs()[0]);
    expect(mountsUnder(leftover)).toHaveLength(1); // its tmpfs is still mounted until the sweep
    const report = await sweepSandboxLeftovers();
    expect(report.removedDirs).toBeGreaterThanOrEqual(1);
    expect(report.releasedSlots).toBeGreaterThanOrEqual(1);
    expect(runDirs()).toEqual([]);
    expect(mountsUnder(leftover)).toEqual([]);
  });

  it('row 14: no capabilities, no privilege changes, no native code from /tmp (Node level)', async () => {
    const info = await runFixture('privilege');
    const r = JSON.parse(info.stdout) as Record<string, string | number>;
    expect(r.uid).toBe(info.uid);
    expect(r).toMatchObject({ capEff: '0000000000000000', capPrm: '0000000000000000', capBnd: '0000000000000000', noNewPrivs: '1' });
    for (const key of ['setuid0', 'setgid0', 'setgroups', 'userNamespaces', 'nativeAddon']) expect(r[key], key).not.toBe('ALLOWED');
  });

  it('row 14: nested user namespaces, mounts, chroot and setuid are refused (raw syscalls)', async () => {
    const script = [
      'my ($src, $dst, $fs) = ("none", "/tmp", "tmpfs");',
      perlSyscall('unshare-user', 'syscall(272, 0x10000000)'),
      perlSyscall('unshare-mount', 'syscall(272, 0x00020000)'),
      perlSyscall('mount', 'syscall(165, $src, $dst, $fs, 0, 0)'),
      perlSyscall('chroot', 'syscall(161, $dst)'),
      perlSyscall('setuid', 'syscall(105, 0)'),
    ].join(' ');
    const { out } = await runConfined([PERL, '-e', script]);
    const lines = Object.fromEntries(out.trim().split('\n').map((l) => l.split(': ')));
    expect(Object.keys(lines).sort()).toEqual(['chroot', 'mount', 'setuid', 'unshare-mount', 'unshare-user']);
    for (const [call, result] of Object.entries(lines)) expect(result, call).not.toBe('ALLOWED');
    // Control: the same probe as an unprivileged UID (outside the slot pool) without bwrap can create a user namespace, so the
    // probe itself works and the refusal above comes from the sandbox.
    if (Number(readFileSync('/proc/sys/user/max_user_namespaces', 'utf8')) > 0) {
      const bare = spawn('/usr/bin/setpriv', ['--reuid=61999', '--regid=61999', '--clear-groups', PERL, '-e', perlSyscall('unshare-user', 'syscall(272, 0x10000000)')], { env: {} });
      let control = '';
      bare.stdout.on('data', (d) => (control += d));
      await new Promise((r) => bare.on('close', r));
      expect(control).toBe('unshare-user: ALLOWED\n');
    }
  });

  it('row 15: TIOCSTI keystroke injection fails even when a terminal is inherited', async () => {
    const script = 'my $c = "x"; print "tiocsti: ", (ioctl(STDIN, 0x5412, $c) ? "ALLOWED" : "$!"), "\\n";';
    const confined = await runConfined([PERL, '-e', script], true);
    expect(confined.out).toMatch(/tiocsti: (Operation not permitted|Input\/output error|Inappropriate ioctl)/);
    // Control: the same probe outside the sandbox can inject when the kernel allows legacy TIOCSTI,
    // which proves the probe would notice if the sandbox let it through.
    if (readFileSync('/proc/sys/dev/tty/legacy_tiocsti', 'utf8').trim() === '1') {
      const bare = spawn('/usr/bin/script', ['-qec', `${PERL} -e '${script}'`, '/dev/null'], { env: {} });
      let out = '';
      bare.stdout.on('data', (d) => (out += d));
      await new Promise((r) => bare.on('close', r));
      expect(out).toContain('tiocsti: ALLOWED');
    }
    // Real runs get /dev/null as stdin, no terminal at all.
    const info = await runFixture('privilege');
    expect(info.reason).toBe('exited');
  });

  it('row 16: a forged verdict is reported faithfully as an ordinary exit and nothing more', async () => {
    const info = await runFixture('forged-verdict');
    expect(Object.keys(info).sort()).toEqual(['code', 'reason', 'signal', 'stderr', 'stdout', 'truncated', 'uid', 'wallMs']);
    expect(info).toMatchObject({ reason: 'exited', code: 0, signal: null, truncated: false });
    expect(info.stdout).toContain('PASS');
  });

  it('row 17: the filesystem holds no graders, solutions, tests or repository files', async () => {
    const info = await runFixture('walk-filesystem');
    const seen = JSON.parse(info.stdout) as string[];
    const runtime = new Set(nodeRuntimeFiles());
    const allowed = (p: string) =>
      runtime.has(p) || ['/sandbox', '/sandbox/main.mjs', '/sandbox/broker.sock', '/launcher.cjs', '/etc', '/etc/hosts', '/tmp', '/dev', '/usr', '/usr/bin', '/lib', '/lib64'].includes(p) ||
      /^\/dev\/(null|zero|full|random|urandom|fd)$/.test(p) || /^\/(usr\/)?lib(64)?\/[^/]+$/.test(p) || [...runtime].some((r) => r.startsWith(`${p}/`));
    expect(seen.filter((p) => !allowed(p))).toEqual([]);
    expect(seen.some((p) => /grader|solution|labs|server|\.test\.|package\.json/.test(p))).toBe(false);
  });

  it('row 18: Kafka abuse is contained by its own broker\'s limits and the wall clock while another run proceeds', async () => {
    // Like production, the abusive run gets a broker of its own; the normal run keeps the suite's broker.
    const own = await startBroker();
    const ownAdmin = new Kafka({ clientId: 'hostile-suite', brokers: [own.bootstrap], logLevel: logLevel.NOTHING }).admin();
    try {
      // The lab creates the topics a run needs; the program may not create any.
      await ownAdmin.connect();
      await ownAdmin.createTopics({ topics: [{ topic: 'abuse', numPartitions: 1 }], waitForLeaders: true });
      const [abuse] = await Promise.all([
        (async () => {
          const program = await startSandboxedProgram({
            js: await bundled('kafka-abuse'),
            env: { KAFKA_BROKERS: own.bootstrap },
            broker: { host: '127.0.0.1', port: own.port },
            limits: { wallMs: 6000 },
          });
          const info = await program.exited;
          expect(pidsOfUid(program.uid)).toEqual([]);
          return info;
        })(),
        expectNormalRunWorks('during-abuse'),
      ]);
      expect(abuse.reason).toBe('wall-timeout');
      expect(abuse.stdout).toMatch(/huge: rejected .*larger than the max message size/);
      expect(abuse.stdout).toMatch(/topics: error/);
      expect(abuse.stdout).not.toMatch(/topics: \d+/);
      expect((await ownAdmin.listTopics()).filter((t) => !t.startsWith('__'))).toEqual(['abuse']);
    } finally {
      await ownAdmin.disconnect().catch(() => {});
      await own.stop();
    }
  }, 240_000);

  it('row 19: concurrent runs cannot see each other', async () => {
    const a = `marker-a-${randomBytes(6).toString('hex')}`;
    const b = `marker-b-${randomBytes(6).toString('hex')}`;
    const [ra, rb] = await Promise.all([
      runFixture('snoop', { MARKER: a, OTHER_MARKER_REVERSED: [...b].reverse().join('') }),
      runFixture('snoop', { MARKER: b, OTHER_MARKER_REVERSED: [...a].reverse().join('') }),
    ]);
    const pa = JSON.parse(ra.stdout) as { uid: number; hits: string[] };
    const pb = JSON.parse(rb.stdout) as { uid: number; hits: string[] };
    expect(pa.hits).toEqual([]);
    expect(pb.hits).toEqual([]);
    expect(pa.uid).not.toBe(pb.uid);
  });

  it('row 20: compile-time attacks cost the compiler child, not the server', async () => {
    const bomb = await bundleLearnerCode(fixture('compile-bomb'));
    expect(bomb.ok).toBe(true); // no type-check: the type-level bomb is erased, not evaluated
    const info = await runFixture('compile-bomb');
    expect(info.stdout).toBe('object undefined\n');
    // Deep nesting can crash esbuild itself; that must come back as a clean compile error...
    for (const source of [`const x = ${'['.repeat(200_000)}${']'.repeat(200_000)};`, `const y = ${'('.repeat(200_000)}1${')'.repeat(200_000)};`]) {
      const result = await bundleLearnerCode(source, { timeoutMs: 15_000 });
      if (!result.ok) expect(result.error).toMatch(/^(Compiling|main\.ts:)/);
    }
    // ...and leave the compiler usable for the next submission.
    const after = await bundleLearnerCode(fixture('normal'));
    expect(after, after.ok ? '' : after.error).toMatchObject({ ok: true });
  });
});

describe('hostile Java submissions are contained (kafka-clients on a capped JVM)', () => {
  it('cannot read host files, reach other ports, run commands or write its own files', async () => {
    const files = ['/etc/passwd', '/etc/shadow', join(repoRoot, 'package.json'), join(repoRoot, 'labs'), '/root/.bashrc'];
    const ports = [`127.0.0.1:${apiPort}`, '10.0.0.1:80', '1.1.1.1:53'];
    const info = await runJavaFixture('probes', { PROBE_FILES: files.join(','), PROBE_PORTS: ports.join(',') });
    expect(info, info.stderr).toMatchObject({ reason: 'exited', code: 0 });
    expect(info.stdout).not.toContain('ALLOWED');
    for (const f of files) expect(info.stdout).toContain(`read ${f} denied`);
    for (const p of ports) expect(info.stdout).toContain(`connect ${p} denied`);
    expect(info.stdout).toMatch(/exec denied: java\.io\.IOException: Cannot run program "\/bin\/sh"/);
    expect(info.stdout).toContain('write /sandbox denied');
  });
  it('an unbounded allocation ends as memory-limit', async () => {
    const info = await runJavaFixture('allocate', {}, { heapMb: 128 });
    expect(info.reason).toBe('memory-limit');
    expect(info.stdout + info.stderr).toMatch(/OutOfMemoryError: Java heap space/);
  });
  it('a spinning program ends as wall-timeout', async () => {
    const info = await runJavaFixture('spin', {}, { wallMs: 3000 });
    expect(info.reason).toBe('wall-timeout');
    expect(info.wallMs).toBeGreaterThanOrEqual(3000);
    expect(info.wallMs).toBeLessThan(10_000);
  });
  it('threads burning CPU are stopped by the CPU limit of the process', async () => {
    const info = await runJavaFixture('burn', { THREADS: '4' }, { cpuSeconds: 2, wallMs: 20_000 });
    expect(info).toMatchObject({ reason: 'cpu-limit', signal: 'SIGXCPU' });
    // Four threads on two cores spend 2 CPU seconds in about a second of wall time.
    expect(info.wallMs).toBeLessThan(5000);
  });
  it('a shutdown hook that never ends does not outlive the wall clock', async () => {
    const info = await runJavaFixture('exit-hook', {}, { wallMs: 3000 });
    expect(info).toMatchObject({ reason: 'wall-timeout', stdout: 'exiting\n' });
  });
  it('a program starting threads without end is stopped by the task limit', async () => {
    const info = await runJavaFixture('threads', {}, { processes: 64 });
    expect(info.reason).toBe('memory-limit');
    expect(info.stdout + info.stderr).toMatch(/unable to create native thread/);
    const started = Math.max(...[...info.stdout.matchAll(/threads (\d+)/g)].map((m) => Number(m[1])));
    expect(started).toBeGreaterThan(10);
    expect(started).toBeLessThan(64);
  });
});

describe('hostile Python submissions are contained (confluent-kafka from the venv)', () => {
  it('cannot read host files, reach other ports or run commands', async () => {
    const files = ['/etc/passwd', join(repoRoot, 'package.json'), join(repoRoot, '.cache', 'python', 'venv', 'pyvenv.cfg')];
    const ports = [`127.0.0.1:${apiPort}`, '1.1.1.1:53'];
    const info = await runPythonFixture('probes', { PROBE_FILES: files.join(','), PROBE_PORTS: ports.join(',') });
    expect(info, info.stderr).toMatchObject({ reason: 'exited', code: 0 });
    expect(info.stdout).not.toContain('ALLOWED');
    for (const f of files) expect(info.stdout).toContain(`read ${f} denied`);
    for (const p of ports) expect(info.stdout).toContain(`connect ${p} denied`);
    expect(info.stdout).toContain("subprocess denied: FileNotFoundError(2, 'No such file or directory')");
    expect(info.stdout + info.stderr).not.toContain('uid=');
  });
  it('an unbounded allocation ends as memory-limit at the address-space cap', async () => {
    const info = await runPythonFixture('allocate', {}, { addressSpaceMb: 1024 });
    expect(info).toMatchObject({ reason: 'memory-limit', code: 1 });
    expect(info.stderr).toMatch(/^MemoryError$/m);
  });
  it('a spinning program ends as wall-timeout', async () => {
    const info = await runPythonFixture('spin', {}, { wallMs: 2000 });
    expect(info.reason).toBe('wall-timeout');
  });
  it('a fork loop stops at the task limit', async () => {
    const info = await runPythonFixture('forks', {}, { processes: 32 });
    expect(info).toMatchObject({ reason: 'exited', code: 3 });
    const forked = Number(/forked (\d+), then BlockingIOError/.exec(info.stdout)?.[1]);
    expect(forked).toBeGreaterThan(5);
    expect(forked).toBeLessThan(32);
  });
});

describe('after the hostile cases', () => {
  it('a program keeps working across a broker restart (the relay reconnects)', async () => {
    const topic = `steady-${randomBytes(3).toString('hex')}`;
    await createTopic(topic);
    const program = await startSandboxedProgram({
      js: await bundled('steady-producer'),
      env: { KAFKA_BROKERS: broker.bootstrap, TOPIC: topic, COUNT: '30' },
      broker: { host: '127.0.0.1', port: broker.port },
      limits: { wallMs: 90_000 },
    });
    await new Promise((r) => setTimeout(r, 1000));
    await broker.restart();
    const info = await program.exited;
    expect(info, info.stderr).toMatchObject({ reason: 'exited', code: 0, stdout: 'sent all\n' });
    await admin.disconnect();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets(topic);
    expect(Number(offsets[0].high)).toBe(30);
  });

  it('a normal program still connects to its broker, produces and consumes', async () => {
    await expectNormalRunWorks('afterwards');
  });

  it('the HTTP server answered throughout', () => {
    expect(pings.failed).toEqual([]);
    expect(pings.ok).toBeGreaterThan(20);
  });
});
