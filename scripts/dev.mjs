// `npm run dev`: the API server with reload on change (tsx watch) plus Astro's dev server with hot
// reload; Astro proxies /api to the API server (see astro.config.mjs).
import { spawn } from 'node:child_process';

const port = Number(process.env.PORT ?? 4321);
const apiPort = Number(process.env.API_PORT ?? port + 1);
const env = { ...process.env, API_ONLY: '1', PORT: String(apiPort), API_PORT: String(apiPort) };
const children = [
  spawn('npx', ['tsx', 'watch', 'server/main.ts'], { stdio: 'inherit', env }),
  spawn('npx', ['astro', 'dev', '--port', String(port)], { stdio: 'inherit', env: { ...process.env, API_PORT: String(apiPort) } }),
];
const stop = () => { for (const c of children) c.kill('SIGTERM'); };
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
for (const c of children) c.on('exit', (code) => { stop(); process.exitCode = code ?? 0; });
