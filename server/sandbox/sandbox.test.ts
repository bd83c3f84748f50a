// The sandbox without Kafka: bundling (what compiles, what is refused, error positions), the command
// line, the broker relay (with a TCP echo server standing in for the broker), environment, output,
// kill and concurrency. Hostile programs and real brokers are in hostile.live.test.ts.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSandboxArgv, withOptionsOnFd } from './command.ts';
import { bundleLearnerCode } from './bundle.ts';
import { DEFAULT_LIMITS, resolveLimits } from './limits.ts';
import { pidsOfUid } from './procs.ts';
import { SandboxError, startSandboxedProgram, type ExitInfo } from './run.ts';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

let echo: Server;
let echoPort: number;

beforeAll(async () => {
  echo = createServer((s) => s.pipe(s));
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
  echoPort = (echo.address() as { port: number }).port;
});
afterAll(() => new Promise<void>((r) => echo.close(() => r())));

async function bundle(source: string): Promise<string> {
  const result = await bundleLearnerCode(source);
  if (!result.ok) throw new Error(result.error);
  return result.js;
}

async function run(source: string, env: Record<string, string> = {}, wallMs = 10_000): Promise<ExitInfo & { uid: number }> {
  const program = await startSandboxedProgram({ js: await bundle(source), env, broker: { host: '127.0.0.1', port: echoPort }, limits: { wallMs } });
  const info = await program.exited;
  expect(pidsOfUid(program.uid)).toEqual([]);
  return { ...info, uid: program.uid };
}

describe('bundleLearnerCode', () => {
  it('inlines kafkajs and supports top-level await', async () => {
    const js = await bundle(`import { Kafka } from 'kafkajs';\nawait Promise.resolve();\nconsole.log(typeof Kafka);`);
    expect(js).toContain('KafkaJSError');
    expect(js).not.toMatch(/require\(["']kafkajs["']\)/);
    const info = await run(`import { Kafka } from 'kafkajs';\nawait Promise.resolve();\nconsole.log(typeof Kafka);`);
    expect(info).toMatchObject({ reason: 'exited', code: 0, stdout: 'function\n' });
  });

  it('reports syntax errors with file, line and column', async () => {
    const result = await bundleLearnerCode(`const ok = 1;\nconst broken = ;\n`);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(/^main\.ts:2:16: Unexpected ";"/);
  });

  it('type-checks a program that parses: kafkajs and Node types, strict, every error at its line and column', async () => {
    const source = [
      `import { Kafka } from 'kafkajs';`,
      `const kafka = new Kafka({ brokers: [process.env.KAFKA_BROKERS ?? ''] });`,
      `const producer = kafka.producer({ idempotent: 'yes' });`,
      `await producer.sendd({ topic: 't', messages: [] });`,
      `const n: number = process.env.COUNT;`,
    ].join('\n');
    const result = await bundleLearnerCode(source);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const places = [...result.error.matchAll(/^main\.ts:(\d+):(\d+): (.*)$/gm)].map((m) => `${m[1]}:${m[2]} ${m[3]}`);
    expect(places).toEqual([
      expect.stringMatching(/^3:35 Type 'string' is not assignable to type 'boolean/),
      expect.stringMatching(/^4:16 Property 'sendd' does not exist on type 'Producer'/),
      expect.stringMatching(/^5:7 Type 'string \| undefined' is not assignable to type 'number'/),
    ]);
    // Each error quotes its line with a caret under the place.
    expect(result.error).toContain(`\n    await producer.sendd({ topic: 't', messages: [] });\n                   ^`);
    expect(result.error).not.toContain('/work');
    // The lab programs themselves check: a reference solution bundles.
    const solution = await bundleLearnerCode(readFileSync(join(repoRoot, 'labs', 'keyed-producer', 'solution', 'main.ts'), 'utf8'));
    expect(solution.ok).toBe(true);
  });

  it.each([
    ['a relative file', `import x from './grader.ts';`],
    ['a repository path', `import x from '../../labs/keyed-producer/solution/main.ts';`],
    ['an absolute path', `import x from '/etc/passwd';`],
    ['a file inside kafkajs', `import x from 'kafkajs/package.json';`],
    ['another npm package', `import x from 'esbuild';`],
    ['a dynamic import of a repository file', `await import('../../server/db/index.ts');`],
  ])('refuses to bundle %s', async (_, source) => {
    const result = await bundleLearnerCode(`${source}\nconsole.log(x);`);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(/main\.ts:1:\d+: .*(Only 'kafkajs' and Node's built-in modules can be imported|not allowed)/);
  });

  it.each([
    ['a template-literal import over the file system', 'const x = "etc"; await import(`../../${x}/passwd`);'],
    ['a template-literal import from the root', 'const d = "x"; await import(`/${d}`);'],
    ['an import of a variable', 'const m = process.argv[2]; await import(m);'],
    ['a require of an expression', 'const r = require(process.env.MOD + "");'],
  ])('refuses %s up front, quickly, naming no host path', async (_, source) => {
    const t0 = Date.now();
    const result = await bundleLearnerCode(source);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toMatch(/^main\.ts:1:\d+: (import|require)\(\) needs a plain string/);
    expect(result.error).not.toContain(process.cwd());
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  it('still bundles literal dynamic imports and import() types', async () => {
    const info = await run(`// import(notReal)\ntype P = import('kafkajs').Producer;\nconst os = await import('node:os');\nconsole.log(typeof os.cpus);`);
    expect(info.stdout).toBe('function\n');
  });

  it('allows Node built-in modules, with or without the node: prefix', async () => {
    const info = await run(`import os from 'os';\nimport { join } from 'node:path';\nconsole.log(typeof os.cpus, join('a', 'b'));`);
    expect(info.stdout).toBe('function a/b\n');
  });

  it('refuses oversized sources before compiling', async () => {
    const result = await bundleLearnerCode('x'.repeat(600 * 1024));
    expect(result).toEqual({ ok: false, error: expect.stringMatching(/limit is 524288 bytes/) });
  });

  it('stops a compile that exceeds its time limit, and the next compile still works', async () => {
    // Half a megabyte cannot be sent, parsed, bundled and answered within 1 ms.
    const big = Array.from({ length: 20_000 }, (_, i) => `let v${i} = ${i};`).join('\n');
    const result = await bundleLearnerCode(big, { timeoutMs: 1 });
    expect(result).toEqual({ ok: false, error: expect.stringMatching(/longer than/) });
    expect(await bundleLearnerCode(`console.log(2);`)).toMatchObject({ ok: true });
  });
});

describe('command line', () => {
  const argv = buildSandboxArgv({
    uid: 61000, gid: 61000, limits: resolveLimits(), boxDir: '/b', tmpDir: '/t', launcherPath: '/l.cjs', env: { A: '1' }, command: ['/usr/bin/node', '-v'],
  });
  it('drops root to the slot UID before bwrap and confines with every namespace', () => {
    const joined = argv.join(' ');
    expect(joined).toContain(`/usr/bin/prlimit --cpu=${DEFAULT_LIMITS.cpuSeconds}:${DEFAULT_LIMITS.cpuSeconds + 1} --as=${DEFAULT_LIMITS.addressSpaceMb * 1048576} --nproc=${DEFAULT_LIMITS.processes} --nofile=${DEFAULT_LIMITS.openFiles} --fsize=${DEFAULT_LIMITS.fileSizeBytes} --core=0 -- /usr/bin/setpriv --reuid=61000 --regid=61000 --clear-groups -- /usr/bin/bwrap --unshare-all --unshare-user --disable-userns --die-with-parent --new-session --cap-drop ALL --clearenv`);
    expect(joined).toContain('--bind /t /tmp');
    expect(joined).toMatch(/--remount-ro \/ -- \/usr\/bin\/node -v$/);
    expect(joined).not.toMatch(/--(share-net|bind \/ |ro-bind \/ |dev \/dev)/);
  });
  it('moves bwrap options off the visible command line', () => {
    const { argv: short, payload } = withOptionsOnFd(argv, 4);
    expect(short.slice(short.indexOf('/usr/bin/bwrap'))).toEqual(['/usr/bin/bwrap', '--args', '4', '--', '/usr/bin/node', '-v']);
    expect(payload.split('\0')).toContain('--setenv');
  });
});

describe('startSandboxedProgram', () => {
  it('reaches only its broker, through the relay on the same address', async () => {
    const info = await run(`
      import { connect } from 'node:net';
      const probe = (port: number) => new Promise<string>((resolve) => {
        const s = connect(port, '127.0.0.1');
        // The relay passes whole Kafka frames: an int32 size, then an ApiVersions v0 header.
        const frame = Buffer.from([0, 0, 0, 8, 0, 18, 0, 0, 0, 0, 0, 7]);
        s.on('connect', () => s.write(frame));
        s.on('data', (d) => { resolve(d.equals(frame) ? 'echoed' : d.toString('hex')); s.destroy(); });
        s.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
      });
      console.log(await probe(Number(process.env.PORT)), await probe(Number(process.env.PORT) === 1 ? 2 : 1));
    `, { PORT: String(echoPort) });
    expect(info.stdout).toBe('echoed ECONNREFUSED\n');
  });

  it('resolves localhost to the loopback address (and nothing else: there is no DNS)', async () => {
    const info = await run(`
      import { lookup } from 'node:dns/promises';
      const a = await lookup('localhost');
      const b = await lookup('example.com').catch((e: NodeJS.ErrnoException) => e.code);
      console.log(a.address, b);
    `);
    expect(info.stdout).toBe('127.0.0.1 EAI_AGAIN\n');
  });

  it('gives the program exactly the environment it was given', async () => {
    process.env.LAGZERO_TEST_SERVER_SECRET = 'server-only';
    const info = await run(`console.log(JSON.stringify(process.env));`, { TOPIC: 'orders' });
    delete process.env.LAGZERO_TEST_SERVER_SECRET;
    expect(JSON.parse(info.stdout)).toEqual({ TOPIC: 'orders', PWD: '/tmp' });
  });

  it('streams output as it happens and reports the exit code', async () => {
    const seen: string[] = [];
    const program = await startSandboxedProgram({
      js: await bundle(`console.log('out'); console.error('err'); process.exitCode = 3;`),
      env: {},
      broker: { host: '127.0.0.1', port: echoPort },
      onOutput: (stream, text) => seen.push(`${stream}:${text}`),
    });
    const info = await program.exited;
    expect(info).toMatchObject({ reason: 'exited', code: 3, signal: null, stdout: 'out\n', stderr: 'err\n', truncated: false });
    expect(seen.sort()).toEqual(['stderr:err\n', 'stdout:out\n']);
  });

  it('reports an uncaught error as an ordinary non-zero exit with its stack', async () => {
    const info = await run(`throw new Error('boom');`);
    expect(info.reason).toBe('exited');
    expect(info.code).toBe(1);
    expect(info.stderr).toContain('Error: boom');
  });

  it('names the learner\'s main.ts lines in a stack trace, not positions in the bundle', async () => {
    const info = await run(`import { Kafka } from 'kafkajs';\nvoid Kafka;\nfunction fail(): never {\n  throw new Error('boom at line 4');\n}\nfail();\n`);
    expect(info.code).toBe(1);
    expect(info.stderr).toMatch(/Error: boom at line 4\n\s+at fail \(\/sandbox\/main\.ts:4:9\)\n\s+at .*\(\/sandbox\/main\.ts:6:1\)/);
    expect(info.stderr).not.toMatch(/main\.mjs:\d+/);
  });

  it('kill() ends a running program and everything it started', async () => {
    const program = await startSandboxedProgram({
      js: await bundle(`import { spawn } from 'node:child_process';\nspawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { detached: true, stdio: 'ignore' });\nsetInterval(() => {}, 1000);`),
      env: {},
      broker: { host: '127.0.0.1', port: echoPort },
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(pidsOfUid(program.uid).length).toBeGreaterThan(0);
    await program.kill();
    const info = await program.exited;
    expect(info.reason).toBe('killed');
    expect(pidsOfUid(program.uid)).toEqual([]);
  });

  it('runs concurrent instances under different UIDs', async () => {
    const js = await bundle(`console.log(process.getuid?.());`);
    const programs = await Promise.all([1, 2, 3].map(() => startSandboxedProgram({ js, env: {}, broker: { host: '127.0.0.1', port: echoPort } })));
    const uids = (await Promise.all(programs.map((p) => p.exited))).map((i) => Number(i.stdout));
    expect(new Set(uids).size).toBe(3);
    expect(uids).toEqual(programs.map((p) => p.uid));
  });

  it('rejects a spec it cannot honour with a SandboxError', async () => {
    await expect(startSandboxedProgram({ js: 'x', env: {}, broker: { host: '10.0.0.1' as '127.0.0.1', port: 9092 } })).rejects.toThrow(SandboxError);
    await expect(startSandboxedProgram({ js: 'x', env: { 'BAD=NAME': '1' }, broker: { host: '127.0.0.1', port: 9092 } })).rejects.toThrow(/not valid/);
    expect(() => resolveLimits({ addressSpaceMb: 256 })).toThrow(/must exceed 512/);
  });
});
