import { defineConfig } from "vite";

/**
 * The dashboard builds to static files in dist/, which the indexer serves under /dashboard/
 * (indexer/src/api/dashboard.ts). Everything is bundled: no CDN, no web fonts, works offline.
 * Preact's JSX runs through Vite's own transform (no plugin).
 */
export default defineConfig({
  root: import.meta.dirname,
  base: "./",
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    sourcemap: false,
    reportCompressedSize: false,
  },
  logLevel: "warn",
});
