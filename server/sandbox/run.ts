// Starts one instance of a learner program the way this server runs them (mode.ts): inside the
// bubblewrap sandbox, in local mode (local.ts), or not at all. For the sandbox this file owns what
// is trusted besides the supervisor (supervise.ts): the slot, the run directory, the capped tmpfs,
// the broker relay, and the kill path by UID. It reads the program's output only from pipes (never
// from files the program could swap for symlinks).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { buildSandboxArgv, launcherCommand, withOptionsOnFd } from './command.ts';
import { languageLimits, prepareLaunch } from './launch.ts';
import { resolveLimits, type Limits } from './limits.ts';
import { startLocalProgram } from './local.ts';
import { currentSandboxMode } from './mode.ts';
import { killAllOfUid, pidsOfUid } from './procs.ts';
import { startBrokerRelay, type BrokerRelay } from './relay.ts';
import { RunsRefusedError, SandboxError, supervise, validateSpec, type ProgramSpec, type SandboxedProgram } from './supervise.ts';
import { defaultTap } from './wire-log.ts';
import { acquireSlot, createRunDir, hostsPath, launcherPath, removeRunDir, type Slot } from './slots.ts';

const execFileAsync = promisify(execFile);

export { RunsRefusedError, SandboxError, type ExitInfo, type ProgramSpec, type SandboxedProgram } from './supervise.ts';

let tmpfsMountWorks: boolean | undefined;

/** Whether the supervisor can mount the size- and inode-capped tmpfs (needs root on the host). */
export function tmpfsInodeCapEnforced(): boolean | undefined {
  return tmpfsMountWorks;
}

async function mountTmpfs(dir: string, slot: Slot, limits: Limits): Promise<boolean> {
  if (tmpfsMountWorks === false) return false;
  const opts = `size=${limits.tmpfsBytes},nr_inodes=${limits.tmpfsInodes},mode=0700,uid=${slot.uid},gid=${slot.gid},nosuid,nodev,noexec`;
  try {
    await execFileAsync('/usr/bin/mount', ['-t', 'tmpfs', '-o', opts, 'lagzero-sandbox', dir]);
    tmpfsMountWorks = true;
    return true;
  } catch {
    tmpfsMountWorks = false;
    return false;
  }
}

function signalAll(uid: number, signal: NodeJS.Signals): void {
  for (const pid of pidsOfUid(uid)) {
    try {
      process.kill(pid, signal);
    } catch {
      // gone meanwhile
    }
  }
}

/**
 * SIGSTOPs every process of `uid`, again for any that appeared meanwhile (a launcher starting its
 * JVM, a fork in flight), until a pass finds none new: a stopped process starts nothing more.
 */
async function stopAll(uid: number): Promise<void> {
  const stopped = new Set<number>();
  for (let pass = 0; pass < 20; pass++) {
    const fresh = pidsOfUid(uid).filter((pid) => !stopped.has(pid));
    if (fresh.length === 0) return;
    for (const pid of fresh) {
      stopped.add(pid);
      try {
        process.kill(pid, 'SIGSTOP');
      } catch {
        // gone meanwhile
      }
    }
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * Starts one instance; resolves once the program's code is about to run, rejects with SandboxError
 * if it cannot start (no sandbox here, or runs refused: the message says why and what to do).
 */
export async function startSandboxedProgram(spec: ProgramSpec): Promise<SandboxedProgram> {
  const mode = currentSandboxMode();
  if (mode.mode === 'refused') throw new RunsRefusedError(mode.refusal ?? 'Lab runs are refused on this server.');
  if (mode.mode === 'local') return startLocalProgram(spec);
  return startBwrapProgram(spec);
}

async function startBwrapProgram(spec: ProgramSpec): Promise<SandboxedProgram> {
  if (process.getuid?.() !== 0) throw new SandboxError('the sandbox needs the server to run as root (it drops each program to its own slot UID); see sandboxSupport()');
  const launch = validateSpec(spec);
  const limits = resolveLimits({ ...languageLimits(launch.language), ...spec.limits });
  const label = spec.label ?? 'learner program';
  const slot = await acquireSlot();
  let run: ReturnType<typeof createRunDir> | undefined;
  let relay: BrokerRelay | undefined;
  const cleanup = async () => {
    await relay?.close().catch(() => {});
    await killAllOfUid(slot.uid).catch((err) => console.error(`sandbox ${label}:`, err));
    if (run) {
      try {
        await removeRunDir(run.dir);
      } catch (err) {
        console.error(`sandbox ${label}: could not remove ${run.dir}:`, err);
      }
    }
    slot.release();
  };

  let child: ReturnType<typeof spawn>;
  try {
    run = createRunDir(slot);
    const program = await prepareLaunch(launch, run.boxDir, slot.gid, limits);
    const mounted = await mountTmpfs(run.tmpDir, slot, limits);
    relay = await startBrokerRelay(join(run.boxDir, 'broker.sock'), slot.gid, spec.broker.port, limits.brokerConnections, spec.tap ?? defaultTap());
    const full = buildSandboxArgv({
      uid: slot.uid,
      gid: slot.gid,
      limits,
      boxDir: run.boxDir,
      tmpDir: mounted ? run.tmpDir : undefined,
      launcherPath: launcherPath(),
      hostsPath: hostsPath(),
      env: spec.env,
      roBinds: program.roBinds,
      command: launcherCommand(limits, spec.broker.port, program.exec),
    });
    const { argv, payload } = withOptionsOnFd(full, 4);
    // fd 3: the launcher's "ready" line; fd 4: bwrap's options.
    // cwd '/': the wrapper shell exports PWD, which bwrap (PID 1 inside) keeps in /proc/1/environ.
    child = spawn(argv[0], argv.slice(1), { cwd: '/', env: {}, stdio: [spec.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe', 'pipe', 'pipe'] });
    child.stdin?.on('error', () => {});
    const optionsPipe = child.stdio[4] as NodeJS.WritableStream & { on(e: 'error', f: () => void): void };
    optionsPipe.on('error', () => {});
    optionsPipe.end(payload);
  } catch (err) {
    await cleanup();
    throw new SandboxError(`could not start the sandbox for ${label}: ${(err as Error).message}`);
  }

  // The wall clock starts when the learner's code starts (the launcher's "ready"), so a slow
  // sandbox start on a loaded host never eats into the program's time. Killing bwrap tears down
  // its PID namespace; the per-UID sweep in cleanup catches anything that escaped it.
  return supervise({
    child, launch, limits, label, spec, uid: slot.uid, what: 'sandbox', cleanup,
    killAll: () => child.kill('SIGKILL'),
    pause: () => stopAll(slot.uid),
    resume: async () => signalAll(slot.uid, 'SIGCONT'),
  });
}
