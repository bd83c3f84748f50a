// `npm run admin -- reset-password <email> [--base-url URL]`: administration for self-hosters.
// reset-password prints a one-time link (valid for an hour) that lets the account's owner choose a
// new password; nothing is mailed, so it works on an instance without outbound email. The link
// goes to whoever runs the command, who passes it on to the person. It reads the database in
// DATA_DIR, like the server (which may be running).
import { pathToFileURL } from 'node:url';
import { loadConfig } from '../config.ts';
import { openDb, type Db } from '../db/index.ts';
import { RESET_TTL_MS, createResetToken } from './reset.ts';

const USAGE = `Usage: npm run admin -- reset-password <email> [--base-url https://lagzero.example]
  reset-password  prints a one-time link (valid ${RESET_TTL_MS / 60_000} minutes) for the account to choose a new password`;

/** Runs one admin command; returns the exit code and what to print. */
export function adminCommand(args: string[], o: { db: Db; baseUrl: string; now: number }): { code: number; out: string } {
  const [command, ...rest] = args;
  if (command !== 'reset-password') return { code: 2, out: command ? `Unknown command "${command}".\n${USAGE}` : USAGE };
  const flag = rest.indexOf('--base-url');
  const baseUrl = (flag >= 0 ? rest[flag + 1] : o.baseUrl)?.replace(/\/+$/, '');
  const positional = flag < 0 ? rest : [...rest.slice(0, flag), ...rest.slice(flag + 2)];
  const email = positional[0];
  if (!email) return { code: 2, out: `Give the account's email.\n${USAGE}` };
  if (!baseUrl || !/^https?:\/\/[^\s/]+/.test(baseUrl)) return { code: 2, out: `--base-url must be the address people open Lag Zero at, such as https://lagzero.example (got "${baseUrl ?? ''}").` };
  const made = createResetToken(o.db, email, o.now);
  if (!made) return { code: 1, out: `No account has the email ${email.trim().toLowerCase()}. Check the spelling; emails are stored in lower case.` };
  return {
    code: 0,
    out: [
      `One-time link for ${email.trim().toLowerCase()}, valid until ${new Date(made.expiresAt).toISOString()}:`,
      `${baseUrl}/reset-password/#token=${made.token}`,
      'Send it to the person privately. It works once; making a new link cancels this one, and using it signs the account out everywhere.',
    ].join('\n'),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const config = loadConfig();
  const db = openDb(config.dataDir);
  const host = ['0.0.0.0', '::'].includes(config.host) ? '127.0.0.1' : config.host;
  const r = adminCommand(process.argv.slice(2), { db, baseUrl: `http://${host.includes(':') ? `[${host}]` : host}:${config.port}`, now: Date.now() });
  db.close();
  (r.code === 0 ? process.stdout : process.stderr).write(`${r.out}\n`);
  process.exit(r.code);
}
