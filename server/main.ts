// Production entry point (`npm start`): one Node process, one port, serving the built site from
// dist/ and the API under /api. Starts the Kafka runtime and stops every broker on exit.
import { serve } from '@hono/node-server';
import { serveStatic } from '@hono/node-server/serve-static';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createApp } from './app.ts';
import { loadConfig } from './config.ts';
import { openDb } from './db/index.ts';
import { createKafkaRuntime } from './kafka/runtime.ts';
import { createGradingService } from './grading/service.ts';
import { loadLabRegistry } from '../labs/_kit/registry.ts';
import { configureSandbox, sandboxSupport, sweepLocalLeftovers, sweepSandboxLeftovers, stopJavaCompiler, toolchainSupport, warmJavaCompiler } from './sandbox/index.ts';

const config = loadConfig();
// LAB_SANDBOX and HOST decide how learner programs run: the sandbox, local mode (loopback only) or not at all.
configureSandbox(config);
const sandbox = sandboxSupport();
if (sandbox.mode === 'refused') console.warn(`Labs cannot run learner code: ${sandbox.problems.join(' ')}`);
else if (sandbox.mode === 'local') {
  console.warn(`Labs run in local mode (LAB_SANDBOX=${config.labSandbox}). ${sandbox.warning}`);
  sweepLocalLeftovers().catch((err) => console.error('local runs: startup sweep failed:', err));
}
else {
  // A server that died mid-run may have left sandboxed processes, slot locks and tmpfs mounts behind.
  sweepSandboxLeftovers()
    .then((r) => r.killedProcesses + r.removedDirs > 0 && console.log(`sandbox: swept ${r.killedProcesses} leftover processes and ${r.removedDirs} run directories`))
    .catch((err) => console.error('sandbox: startup sweep failed:', err));
}
const db = openDb(config.dataDir);
const kafka = createKafkaRuntime(config);
const labs = loadLabRegistry();
// Which learner languages run here is checked once; a missing toolchain is said in /api/health.
const languages = toolchainSupport();
for (const l of languages.filter((x) => !x.available)) console.warn(`Labs cannot run ${l.language} programs: ${l.problem} ${l.fix ?? ''}`);
if (sandbox.ok && languages.some((l) => l.language === 'java' && l.available)) void warmJavaCompiler().catch((err) => console.error('java: the warm compiler did not start:', err));
const grading = createGradingService({ db, kafka, labs, now: Date.now, languages: () => languages });
const app = createApp({ config, db, kafka, labs, now: Date.now, grading, sandbox: () => sandbox, languages: () => languages });

const distDir = join(config.root, 'dist');
const apiOnly = process.env.API_ONLY === '1';
if (!apiOnly) {
  if (!existsSync(join(distDir, 'index.html'))) {
    console.error('dist/ has no built site. Run `npm run build` (npm start does this for you).');
    process.exit(1);
  }
  // Astro writes /lessons/x as dist/lessons/x/index.html; map extension-less paths onto it.
  const assets = serveStatic({
    root: 'dist',
    rewriteRequestPath: (p) => (p.endsWith('/') ? `${p}index.html` : /\.[a-z0-9_]+$/i.test(p) ? p : `${p}/index.html`),
  });
  const notFoundPage = readFileSync(join(distDir, '404.html'), 'utf8');
  app.get('*', async (c, next) => {
    if (c.req.path.startsWith('/api/')) return next();
    const res = await assets(c, async () => {});
    return res ?? c.html(notFoundPage, 404);
  });
}

const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => {
  console.log(`Lag Zero is running at http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${info.port}/`);
});

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: stopping brokers and closing the database…`);
  server.close();
  await grading.close().catch((err) => console.error('Stopping lab runs failed:', err));
  await kafka.shutdown().catch((err) => console.error('Kafka shutdown failed:', err));
  await stopJavaCompiler().catch(() => {});
  db.close();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
