// Host-side process bookkeeping by UID, read from /proc. Each sandbox slot has its own UID, so
// "every process of this UID" is exactly "everything this run started", whatever it did with
// sessions, process groups or double forks.
import { readdirSync, readFileSync } from 'node:fs';

/**
 * Live (non-zombie) PIDs whose real UID is `uid`. Zombies are left out on purpose: when bwrap's
 * monitor exits it does not reap the sandbox's pid 1, which is reparented to the host's init and
 * reaped there a little later; a zombie runs nothing and holds no memory, files or sockets.
 */
export function pidsOfUid(uid: number): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let status: string;
    try {
      status = readFileSync(`/proc/${name}/status`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    const m = /^Uid:\s+(\d+)/m.exec(status);
    if (m && Number(m[1]) === uid && !/^State:\s+Z/m.test(status)) pids.push(Number(name));
  }
  return pids;
}

/** SIGKILLs every process of `uid`, repeating until none is left (forks may race a single pass). */
export async function killAllOfUid(uid: number, timeoutMs = 3000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let killed = 0;
  for (;;) {
    const pids = pidsOfUid(uid);
    if (pids.length === 0) return killed;
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
        killed++;
      } catch {
        // already gone
      }
    }
    if (Date.now() > deadline) throw new Error(`could not kill every process of sandbox uid ${uid}: ${pids.join(', ')} remain`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
