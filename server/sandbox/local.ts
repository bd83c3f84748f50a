// Local mode: a learner program runs without the bubblewrap sandbox, for one learner on their own
// machine where bubblewrap or root is missing (mode.ts decides when that is allowed). The program
// is a separate, detached process (its own process group, killed as a group at the end) running as
// the server's user, in a fresh temporary directory that is its cwd, HOME and TMPDIR and is deleted
// afterwards, with an environment of only PATH, LANG, HOME, TMPDIR and the lab's variables. Limits
// are the sandbox's where this OS can apply them: rlimits through prlimit (or the shell's ulimit
// where there is no prlimit), and the supervisor's wall clock and output caps. There is no
// filesystem or network isolation and no per-run UID: the program can read what the user can and
// reach what the user can. The broker relay stays in the path on a loopback port of its own, so
// faults and refusals of admin APIs work as in the sandbox.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { classFilePath, languageLimits, type ProgramLaunch } from './launch.ts';
import { killGroup, localEnv, localRunDir, rlimitPrefix, signalGroup } from './local-process.ts';
import { resolveLimits, type Limits } from './limits.ts';
import { startTcpBrokerRelay, type TcpBrokerRelay } from './relay.ts';
import { SandboxError, supervise, validateSpec, type ProgramSpec, type SandboxedProgram } from './supervise.ts';
import { defaultTap } from './wire-log.ts';
import { javaToolchain, jvmFlags } from '../toolchains/java.ts';
import { pythonToolchain } from '../toolchains/python.ts';

const LAUNCHER = join(dirname(fileURLToPath(import.meta.url)), 'launcher.cjs');
/** V8 heap of the launcher when it only starts a program in another language. */
const EXEC_ONLY_HEAP_MB = 64;

/** Writes the program into `dir` and returns the launcher's arguments after its port and socket. */
function prepareLocalLaunch(launch: ProgramLaunch, dir: string, limits: Limits): { heapMb: number; args: string[] } {
  const write = (rel: string, data: string | Uint8Array) => {
    const path = join(dir, rel);
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    writeFileSync(path, data, { mode: 0o600 });
    return path;
  };
  switch (launch.language) {
    case 'typescript':
      return { heapMb: limits.heapMb, args: ['import', write('main.mjs', launch.js)] };
    case 'java': {
      const tc = javaToolchain();
      if (!tc.ok) throw new Error(`Java is not available: ${tc.problem}. ${tc.fix}`);
      const t = tc.toolchain;
      for (const [rel, bytes] of Object.entries(launch.classes.files)) write(join('classes', classFilePath(rel)), bytes);
      // No AppCDS archive: it records the sandbox's classpath (/lagzero/java/libs), which does not exist here.
      const exec = [
        t.java, ...jvmFlags({ heapMb: limits.heapMb, processors: 1 }), `-Djava.io.tmpdir=${dir}`, ...t.host.nativeProperties,
        '-cp', [...t.host.classpath, join(dir, 'classes')].join(':'), launch.classes.mainClass,
      ];
      return { heapMb: EXEC_ONLY_HEAP_MB, args: ['exec', ...exec] };
    }
    case 'python': {
      const tc = pythonToolchain();
      if (!tc.ok) throw new Error(`Python is not available: ${tc.problem}. ${tc.fix}`);
      return { heapMb: EXEC_ONLY_HEAP_MB, args: ['exec', ...tc.toolchain.hostCommand, write('main.py', launch.source)] };
    }
  }
}

/** Starts one instance in local mode; resolves once the program's code is about to run. */
export async function startLocalProgram(spec: ProgramSpec): Promise<SandboxedProgram> {
  const launch = validateSpec(spec);
  const limits = resolveLimits({ ...languageLimits(launch.language), ...spec.limits });
  const label = spec.label ?? 'learner program';
  let dir: string | undefined;
  let relay: TcpBrokerRelay | undefined;
  let pgid: number | undefined;
  const cleanup = async () => {
    await relay?.close().catch(() => {});
    await killGroup(pgid).catch((err) => console.error(`local run ${label}:`, err));
    if (dir) await rm(dir, { recursive: true, force: true }).catch((err) => console.error(`local run ${label}: could not remove ${dir}:`, err));
  };
  let child: ReturnType<typeof spawn>;
  try {
    dir = localRunDir();
    const program = prepareLocalLaunch(launch, dir, limits);
    relay = await startTcpBrokerRelay(spec.broker.port, limits.brokerConnections, spec.tap ?? defaultTap());
    const argv = [...rlimitPrefix(limits), process.execPath, `--max-old-space-size=${program.heapMb}`, LAUNCHER, '-', '-', ...program.args];
    // detached: a process group of its own (pgid = pid), so the whole of it can be signalled at once.
    child = spawn(argv[0], argv.slice(1), {
      cwd: dir, env: localEnv(spec.env, spec.broker.port, relay.port, dir), detached: true,
      stdio: [spec.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe', 'pipe'],
    });
    pgid = child.pid;
    child.stdin?.on('error', () => {});
  } catch (err) {
    await cleanup();
    throw new SandboxError(`could not start the local run for ${label}: ${(err as Error).message}`);
  }
  return supervise({
    child, launch, limits, label, spec, uid: process.getuid?.() ?? -1, what: 'local run', cleanup,
    killAll: () => void signalGroup(pgid, 'SIGKILL'),
    // What the program left running dies with it, as a sandbox's PID namespace would.
    onExit: () => void signalGroup(pgid, 'SIGKILL'),
    pause: async () => void signalGroup(pgid, 'SIGSTOP'),
    resume: async () => void signalGroup(pgid, 'SIGCONT'),
  });
}
