// Astro builds the whole site as static pages into dist/; the Hono server (server/main.ts) serves
// them together with /api on one port. In dev, Vite proxies /api to the API server (scripts/dev.mjs).
import { defineConfig } from 'astro/config';
import mdx from '@astrojs/mdx';
import preact from '@astrojs/preact';

const apiPort = Number(process.env.API_PORT ?? 4322);

export default defineConfig({
  output: 'static',
  trailingSlash: 'ignore',
  integrations: [mdx(), preact()],
  markdown: {
    shikiConfig: { themes: { light: 'github-light', dark: 'github-dark' }, wrap: true },
  },
  server: { host: '127.0.0.1' },
  vite: {
    server: { proxy: { '/api': { target: `http://127.0.0.1:${apiPort}`, changeOrigin: false } } },
    ssr: { external: ['better-sqlite3', 'kafkajs'] },
  },
});
