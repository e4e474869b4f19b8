import { defineConfig } from 'vite';

// Vite 8 transforms JSX with Oxc itself, so no React plugin is needed (no fast refresh either).
// The API serves dist/ at / with an SPA fallback; the UI routes by hash, so any path works.
export default defineConfig({
  base: './',
  oxc: { jsx: { runtime: 'automatic' } },
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1000 },
  server: {
    host: '127.0.0.1',
    proxy: { '/api': process.env.TTPGRID_WEB_API ?? 'http://127.0.0.1:3000' },
  },
});
