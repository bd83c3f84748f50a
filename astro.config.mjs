// Astro builds the whole site as static pages into dist/; the Hono server (server/main.ts) serves
// them together with /api on one port. In dev, Vite proxies /api to the API server (scripts/dev.mjs).
import { defineConfig } from 'astro/config';
import mdx from '@astrojs/mdx';
import preact from '@astrojs/preact';

const apiPort = Number(process.env.API_PORT ?? 4322);

// GitHub's Shiki themes put a few token colours under WCAG AA (4.5:1) on our code background
// (--code-bg: #f6f8fa light, #161b22 dark): keywords 4.3:1, parameters 3.3:1, tags 4.35:1 in light,
// comments 3.6:1 in dark. Each becomes GitHub's own newer (Primer) shade of the same hue, ≥ 4.7:1.
const LIGHT_AA = { '#D73A49': '#CF222E', '#E36209': '#BC4C00', '#22863A': '#1A7F37' };
const DARK_AA = { '#6A737D': '#8B949E' };
/** Shiki transformer: swaps those colours in each token's light `color` and its `--shiki-dark`. */
const aaTokenColours = {
  name: 'lz-aa-token-colours',
  span(node) {
    const style = node.properties.style;
    if (typeof style !== 'string') return;
    node.properties.style = style
      .replace(/(^|;)color:(#[0-9a-f]{6})/gi, (_, pre, c) => `${pre}color:${LIGHT_AA[c.toUpperCase()] ?? c}`)
      .replace(/--shiki-dark:(#[0-9a-f]{6})/gi, (_, c) => `--shiki-dark:${DARK_AA[c.toUpperCase()] ?? c}`);
  },
};

export default defineConfig({
  output: 'static',
  trailingSlash: 'ignore',
  integrations: [mdx(), preact()],
  markdown: {
    shikiConfig: { themes: { light: 'github-light', dark: 'github-dark' }, wrap: true, transformers: [aaTokenColours] },
  },
  server: { host: '127.0.0.1' },
  vite: {
    server: { proxy: { '/api': { target: `http://127.0.0.1:${apiPort}`, changeOrigin: false } } },
    ssr: { external: ['better-sqlite3', 'kafkajs'] },
  },
});
