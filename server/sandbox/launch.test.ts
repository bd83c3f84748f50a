// What a Java or Python program gets to see of the host (only its runtime, read-only), how it is
// started, and which specs the supervisor refuses. No broker and no sandbox start are needed.
import { mkdtempSync, readFileSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../kafka/version.ts';
import { javaToolchain } from '../toolchains/java.ts';
import { prepareLaunch, languageLimits } from './launch.ts';
import { resolveLimits } from './limits.ts';
import { SandboxError, startSandboxedProgram } from './run.ts';

const broker = { host: '127.0.0.1' as const, port: 9092 };
const java = javaToolchain();
const jdkHome = java.ok ? java.toolchain.home : '';

/** Host paths a language may bind: its runtime, the system libraries and the toolchain caches. */
function allowedHostPath(p: string): boolean {
  const caches = [join(realpathSync(join(REPO_ROOT, '.cache')), 'java'), join(realpathSync(join(REPO_ROOT, '.cache')), 'python')];
  return [jdkHome, '/etc/java-17-openjdk/', '/etc/ssl/certs/java/', '/lib/x86_64-linux-gnu/', '/lib64/', '/usr/lib/x86_64-linux-gnu/', '/usr/lib/python3.', '/usr/bin/python3', ...caches]
    .some((prefix) => realpathSync(p).startsWith(prefix));
}

describe('prepareLaunch', () => {
  it('Java: writes the classes into the box, binds only the JDK, its config, system libraries and the jars, and runs java with capped regions', async () => {
    const box = mkdtempSync(join(tmpdir(), 'lz-box-'));
    const launch = await prepareLaunch({ language: 'java', classes: { mainClass: 'app.Main', files: { 'app/Main.class': new Uint8Array([0xca, 0xfe]) } } }, box, 0, resolveLimits({ heapMb: 200 }));
    expect([...readFileSync(join(box, 'classes', 'app', 'Main.class'))]).toEqual([0xca, 0xfe]);
    for (const [host] of launch.roBinds) expect(allowedHostPath(host), host).toBe(true);
    expect(launch.roBinds.map(([, inside]) => inside)).toEqual(expect.arrayContaining([jdkHome, '/lagzero/java/libs']));
    const exec = launch.exec!;
    expect(exec[0]).toBe(join(jdkHome, 'bin', 'java'));
    expect(exec).toEqual(expect.arrayContaining(['-Xmx200m', '-XX:MaxMetaspaceSize=128m', '-XX:ReservedCodeCacheSize=32m', '-XX:CompressedClassSpaceSize=64m', '-XX:+UseSerialGC', '-XX:+ExitOnOutOfMemoryError']));
    expect(exec.at(-1)).toBe('app.Main');
    expect(exec.at(-2)).toMatch(/^\/lagzero\/java\/libs\/kafka-clients-[\d.]+\.jar:.*slf4j-simple-1\.7\.36\.jar.*:\/sandbox\/classes$/);
  });

  it('Java: refuses class file names that would leave the box', async () => {
    const box = mkdtempSync(join(tmpdir(), 'lz-box-'));
    await expect(prepareLaunch({ language: 'java', classes: { mainClass: 'Main', files: { '../../evil.class': new Uint8Array(1) } } }, box, 0, resolveLimits())).rejects.toThrow(/bad class file name/);
  });

  it('Python: writes main.py and runs the venv interpreter isolated, binding only Python and the venv', async () => {
    const box = mkdtempSync(join(tmpdir(), 'lz-box-'));
    const launch = await prepareLaunch({ language: 'python', source: 'print(1)\n' }, box, 0, resolveLimits());
    expect(readFileSync(join(box, 'main.py'), 'utf8')).toBe('print(1)\n');
    expect(launch.exec).toEqual(['/lagzero/python/venv/bin/python3', '-I', '-B', '-u', '-X', 'utf8', '/sandbox/main.py']);
    for (const [host] of launch.roBinds) expect(allowedHostPath(host), host).toBe(true);
  });

  it('gives Java and Python more tasks than TypeScript', () => {
    expect(languageLimits('typescript')).toEqual({});
    expect(languageLimits('java').processes).toBe(64);
    expect(languageLimits('python').processes).toBe(48);
  });
});

describe('startSandboxedProgram refuses a spec that does not say what to run', () => {
  it.each([
    ['neither js nor launch', {}],
    ['both js and launch', { js: 'x', launch: { language: 'python', source: 'x' } }],
    ['Java without classes', { launch: { language: 'java', classes: { mainClass: 'Main', files: {} } } }],
    ['a Java main class that is not a class name', { launch: { language: 'java', classes: { mainClass: 'Main; rm', files: { 'Main.class': new Uint8Array(1) } } } }],
  ])('%s', async (_, spec) => {
    await expect(startSandboxedProgram({ env: {}, broker, ...spec } as never)).rejects.toBeInstanceOf(SandboxError);
  });
});
