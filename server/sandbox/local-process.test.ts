// Local mode's process plumbing: the rlimits it applies with prlimit or, where there is none (macOS),
// the shell's ulimit (run here for real), never a task limit that would count the user's own
// processes; and the environment a local program gets.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { resolveLimits } from './limits.ts';
import { localEnv, rlimitPrefix } from './local-process.ts';

const limits = resolveLimits({ cpuSeconds: 7, openFiles: 99, fileSizeBytes: 1024 * 1024, addressSpaceMb: 1024 });

describe('rlimitPrefix', () => {
  it('with prlimit: CPU, address space, open files, file size and core, but no task limit', () => {
    const argv = rlimitPrefix(limits, 'prlimit');
    expect(argv).toEqual(['/usr/bin/prlimit', '--cpu=7:8', `--as=${1024 * 1024 * 1024}`, '--nofile=99', `--fsize=${1024 * 1024}`, '--core=0', '--']);
    expect(argv.join(' ')).not.toMatch(/nproc/);
  });

  it('without prlimit: the shell sets the same limits before it execs the program', () => {
    const argv = rlimitPrefix(limits, 'ulimit');
    expect(argv.join(' ')).not.toMatch(/ulimit -u/);
    const out = execFileSync(argv[0], [...argv.slice(1), '/bin/sh', '-c', 'echo $(ulimit -t) $(ulimit -n) $(ulimit -f) $(ulimit -c) $(ulimit -v)'], { encoding: 'utf8' });
    expect(out.trim()).toBe(`7 99 ${(1024 * 1024) / 512} 0 ${1024 * 1024}`);
  });

  it('with neither: no prefix (and sandboxSupport() says nothing is limited)', () => {
    expect(rlimitPrefix(limits, 'none')).toEqual([]);
  });
});

describe('localEnv', () => {
  it('holds PATH, LANG, the lab variables with the broker pointed at the relay, and its own HOME and TMPDIR', () => {
    const env = localEnv({ KAFKA_BROKERS: '127.0.0.1:9092,localhost:9092', OTHER: '127.0.0.1:90921', HOME: '/root' }, 9092, 40000, '/tmp/lagzero-local-1-x');
    expect(Object.keys(env).sort()).toEqual(['HOME', 'KAFKA_BROKERS', 'LANG', 'OTHER', 'PATH', 'TMPDIR']);
    expect(env.KAFKA_BROKERS).toBe('127.0.0.1:40000,127.0.0.1:40000');
    expect(env.OTHER).toBe('127.0.0.1:90921');
    expect(env.HOME).toBe('/tmp/lagzero-local-1-x');
    expect(env.TMPDIR).toBe('/tmp/lagzero-local-1-x');
  });
});
