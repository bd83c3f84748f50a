// Questions about other processes on this (Linux) host, shared by the Kafka broker code and the
// sandbox so both agree on what "alive" means.
import { readFileSync } from 'node:fs';

/**
 * Whether a running process has this PID: it exists (signal 0 succeeds, or is refused with EPERM
 * because another user owns it) and is not a zombie, which runs nothing and only waits to be reaped.
 * Non-positive or fractional PIDs are never alive (signal 0 to 0 or -1 would probe a whole group).
 */
export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    // The state is the first field after the parenthesised command name (which may hold spaces).
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true; // /proc hidden or unreadable: signal 0 already answered
  }
}
