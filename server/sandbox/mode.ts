// Which way learner programs run on this server: in the bubblewrap sandbox (`bwrap`), as plain
// child processes of the server's own user with only time, memory and output limits (`local`), or
// not at all (`refused`). Local mode exists for one learner on their own laptop, where bubblewrap or
// root is missing; it is allowed only while the server listens on a loopback address, because an
// unisolated program on a server others can reach is a remote code execution service.
import { existsSync } from 'node:fs';
import { isIP } from 'node:net';
import { loadConfig, type Config } from '../config.ts';
import { BASH, BWRAP, PRLIMIT, SETPRIV } from './command.ts';

/** LAB_SANDBOX: `auto` (bwrap when possible, else local on loopback), `local` (force local, loopback only), `strict` (bwrap or nothing). */
export type SandboxSetting = Config['labSandbox'];

/** How runs actually happen here. */
export type SandboxMode = 'bwrap' | 'local' | 'refused';

/** The mode chosen for this server, with the reason a person needs to act on it. */
export interface SandboxModeDecision {
  mode: SandboxMode;
  setting: SandboxSetting;
  /** The address the server listens on (HOST). */
  host: string;
  /** When refused: why no run may start, and what to do about it. */
  refusal?: string;
  /** When local: what the learner gives up. */
  warning?: string;
}

/** Shown wherever local mode is in use (health, lab page, server log). */
export const LOCAL_MODE_WARNING =
  'Learner code is not isolated: it runs as your user with only time, memory and output limits. Install bubblewrap (apt-get install -y bubblewrap) and run as root for the sandbox.';

/** True for 127.0.0.0/8, ::1 (also IPv4-mapped loopback) and `localhost`. Anything else may be reachable from the network. */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  const v4 = h.startsWith('::ffff:') ? h.slice(7) : h;
  if (isIP(v4) === 4) return v4.split('.')[0] === '127';
  if (isIP(h) === 6) return /^(0{0,4}:){7}0{0,3}1$|^::1$/.test(h);
  return false;
}

/** What this machine lacks for the bubblewrap sandbox, each with how to fix it (empty: the sandbox can run). */
export function bwrapProblems(): string[] {
  const problems: string[] = [];
  if (process.getuid?.() !== 0) problems.push('The server must run as root to give each run its own UID (setpriv) and mount capped tmpfs; start it as root or in a container as root.');
  for (const [tool, pkg] of [[BWRAP, 'bubblewrap'], [PRLIMIT, 'util-linux'], [SETPRIV, 'util-linux'], [BASH, 'bash'], ['/usr/bin/mount', 'mount']]) {
    if (!existsSync(tool)) problems.push(`${tool} is missing: install the Debian package ${pkg} (apt-get install -y ${pkg}).`);
  }
  return problems;
}

/** Picks the mode from LAB_SANDBOX, HOST and what the bubblewrap sandbox lacks here. Pure: no I/O. */
export function chooseSandboxMode(o: { setting: SandboxSetting; host: string; bwrapProblems: readonly string[] }): SandboxModeDecision {
  const base = { setting: o.setting, host: o.host };
  const bwrapOk = o.bwrapProblems.length === 0;
  if (o.setting === 'strict') {
    if (bwrapOk) return { ...base, mode: 'bwrap' };
    return {
      ...base,
      mode: 'refused',
      refusal: `Lab runs are refused: LAB_SANDBOX=strict needs the bubblewrap sandbox, and this machine cannot provide it. ${o.bwrapProblems.join(' ')} `
        + 'For a single learner on this machine, LAB_SANDBOX=auto with HOST=127.0.0.1 runs programs without the sandbox instead.',
    };
  }
  if (o.setting === 'auto' && bwrapOk) return { ...base, mode: 'bwrap' };
  if (!isLoopbackHost(o.host)) {
    const why = o.setting === 'local' ? 'LAB_SANDBOX=local asks for' : `the bubblewrap sandbox cannot run here (${o.bwrapProblems.join(' ')}), which leaves only`;
    const fixes = o.setting === 'local'
      ? 'Set LAB_SANDBOX=auto or strict to use the sandbox, or listen on 127.0.0.1 (HOST=127.0.0.1) if only you use this server.'
      : 'Install bubblewrap (apt-get install -y bubblewrap) and run the server as root, or listen on 127.0.0.1 (HOST=127.0.0.1) if only you use this server.';
    return {
      ...base,
      mode: 'refused',
      refusal: `Lab runs are refused: ${why} local mode, where learner code is not isolated (it would run as the server's own user, able to read its files and reach its network), `
        + `and the server listens on ${o.host}, which other machines can reach. ${fixes}`,
    };
  }
  return { ...base, mode: 'local', warning: LOCAL_MODE_WARNING };
}

let configured: { setting: SandboxSetting; host: string } | undefined;

/** Sets LAB_SANDBOX and HOST for this process (the server calls it with its config at start). */
export function configureSandbox(config: Pick<Config, 'labSandbox' | 'host'>): void {
  configured = { setting: config.labSandbox, host: config.host };
}

/** The mode runs use now: from configureSandbox(), else from the environment (LAB_SANDBOX, HOST, with their defaults). */
export function currentSandboxMode(): SandboxModeDecision {
  const s = configured ?? (() => {
    const c = loadConfig();
    return { setting: c.labSandbox, host: c.host };
  })();
  return chooseSandboxMode({ ...s, bwrapProblems: bwrapProblems() });
}
