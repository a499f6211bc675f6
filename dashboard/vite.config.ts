/**
 * Builds the dashboard into dashboard/dist, which the service serves as static files.
 * Run from the repository root: `vite build --config dashboard/vite.config.ts`.
 * vitest keeps its own vitest.config.ts: this file's `root` would hide the tests from it.
 */
import { defineConfig } from 'vite';

// (no node: imports, so the browser-only tsconfig can check this file too; POSIX paths)
const dashboardDir = decodeURIComponent(new URL('.', import.meta.url).pathname);

export default defineConfig({
  root: dashboardDir,
  base: '/',
  publicDir: false,
  logLevel: 'warn',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    chunkSizeWarningLimit: 300,
  },
  server: {
    // `npx vite --config dashboard/vite.config.ts` for development against a running service
    proxy: {
      '/api': 'http://127.0.0.1:8080',
      '/socket.io': { target: 'ws://127.0.0.1:8080', ws: true },
    },
  },
});
