// Which mode learner programs run in, from LAB_SANDBOX, HOST and what the bubblewrap sandbox lacks:
// local mode only ever on a loopback address, strict never without the sandbox.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { chooseSandboxMode, configureSandbox, isLoopbackHost, LOCAL_MODE_WARNING } from './mode.ts';
import { RunsRefusedError, startSandboxedProgram } from './run.ts';
import { sandboxSupport } from './support.ts';

const noBwrap = ['/usr/bin/bwrap is missing: install the Debian package bubblewrap (apt-get install -y bubblewrap).'];

describe('LAB_SANDBOX', () => {
  it('defaults to auto and rejects values it does not know, naming the variable', () => {
    expect(loadConfig({}).labSandbox).toBe('auto');
    expect(loadConfig({ LAB_SANDBOX: 'local' }).labSandbox).toBe('local');
    expect(() => loadConfig({ LAB_SANDBOX: 'off' })).toThrow(/LAB_SANDBOX/);
  });
});

describe('isLoopbackHost', () => {
  it('accepts 127.0.0.0/8, ::1 and localhost', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', '0:0:0:0:0:0:0:1', 'localhost', 'LOCALHOST', '::ffff:127.0.0.1']) expect(isLoopbackHost(h), h).toBe(true);
  });
  it('refuses every address other machines may reach', () => {
    for (const h of ['0.0.0.0', '::', '192.168.1.10', '10.0.0.1', 'example.com', '128.0.0.1', '::2', '']) expect(isLoopbackHost(h), h).toBe(false);
  });
});

describe('chooseSandboxMode', () => {
  it('auto with a working sandbox uses bubblewrap, whatever the address', () => {
    expect(chooseSandboxMode({ setting: 'auto', host: '0.0.0.0', bwrapProblems: [] })).toMatchObject({ mode: 'bwrap' });
    expect(chooseSandboxMode({ setting: 'auto', host: '127.0.0.1', bwrapProblems: [] }).warning).toBeUndefined();
  });

  it('auto on a loopback address without bubblewrap runs locally and says what is not isolated', () => {
    const d = chooseSandboxMode({ setting: 'auto', host: '127.0.0.1', bwrapProblems: noBwrap });
    expect(d.mode).toBe('local');
    expect(d.warning).toBe(LOCAL_MODE_WARNING);
    expect(d.warning).toMatch(/not isolated.*apt-get install -y bubblewrap/);
  });

  it('local is forced on loopback even where the sandbox works', () => {
    expect(chooseSandboxMode({ setting: 'local', host: 'localhost', bwrapProblems: [] }).mode).toBe('local');
  });

  it('auto without bubblewrap on a non-loopback address refuses, saying why and what to do', () => {
    const d = chooseSandboxMode({ setting: 'auto', host: '0.0.0.0', bwrapProblems: noBwrap });
    expect(d.mode).toBe('refused');
    expect(d.refusal).toMatch(/not isolated/);
    expect(d.refusal).toMatch(/listens on 0\.0\.0\.0, which other machines can reach/);
    expect(d.refusal).toMatch(/apt-get install -y bubblewrap/);
    expect(d.refusal).toMatch(/as root/);
    expect(d.refusal).toMatch(/HOST=127\.0\.0\.1/);
  });

  it('local on a non-loopback address refuses even where the sandbox works', () => {
    const d = chooseSandboxMode({ setting: 'local', host: '192.168.1.10', bwrapProblems: [] });
    expect(d.mode).toBe('refused');
    expect(d.refusal).toMatch(/LAB_SANDBOX=local.*not isolated.*192\.168\.1\.10, which other machines can reach/);
    expect(d.refusal).toMatch(/HOST=127\.0\.0\.1/);
  });

  it('strict without bubblewrap refuses with what is missing, even on loopback', () => {
    const d = chooseSandboxMode({ setting: 'strict', host: '127.0.0.1', bwrapProblems: noBwrap });
    expect(d.mode).toBe('refused');
    expect(d.refusal).toContain(noBwrap[0]);
    expect(d.refusal).toMatch(/LAB_SANDBOX=strict/);
  });

  it('strict with a working sandbox uses bubblewrap', () => {
    expect(chooseSandboxMode({ setting: 'strict', host: '0.0.0.0', bwrapProblems: [] }).mode).toBe('bwrap');
  });
});

describe('a server that listens beyond loopback with LAB_SANDBOX=local', () => {
  it('refuses to start any program, with the reason, and reports mode refused to /api/health', async () => {
    configureSandbox({ labSandbox: 'local', host: '0.0.0.0' });
    const start = startSandboxedProgram({ js: 'console.log(1)', env: {}, broker: { host: '127.0.0.1', port: 9 } });
    await expect(start).rejects.toBeInstanceOf(RunsRefusedError);
    await expect(start).rejects.toThrow(/not isolated.*0\.0\.0\.0, which other machines can reach/);
    const support = sandboxSupport();
    expect(support).toMatchObject({ ok: false, mode: 'refused' });
    expect(support.problems[0]).toMatch(/HOST=127\.0\.0\.1/);
  });

  it('on loopback reports local mode with its warning and what it does not enforce', () => {
    configureSandbox({ labSandbox: 'local', host: '127.0.0.1' });
    const support = sandboxSupport();
    expect(support).toMatchObject({ ok: true, mode: 'local', warning: LOCAL_MODE_WARNING });
    expect(support.notEnforced.join('\n')).toMatch(/isolation/);
  });
});
