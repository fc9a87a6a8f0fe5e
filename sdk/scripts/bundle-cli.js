// Bundles the `stigmergy` CLI (src/cli/main.ts) into dist/bin/: one entry, code split at the lazy
// imports (each command group, the MCP server), dependencies included and tree-shaken. Node then
// loads a handful of files instead of viem's thousand modules: `--help` starts in tens of
// milliseconds and a command that reads the indexer in about a hundred and fifty.
import { rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const sdk = join(dirname(fileURLToPath(import.meta.url)), "..");
const outdir = join(sdk, "dist", "bin");
rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: { stigmergy: join(sdk, "src", "cli", "main.ts") },
  outdir,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node22",
  sourcemap: "linked",
  // Smaller files parse faster; names are kept for stack traces and error classes.
  minify: true,
  keepNames: true,
  logLevel: "warning",
  // CommonJS dependencies inside an ES module bundle still call require().
  banner: {
    js:
      'import { createRequire as __stigmergyRequire } from "node:module"; ' +
      "const require = __stigmergyRequire(import.meta.url);",
  },
});
