#!/usr/bin/env node
// The `stigmergy` command. A committed launcher (not the build output) so that `npm install`
// links the bin on a fresh clone; the CLI itself is the bundle the SDK's build writes.
import { existsSync } from "node:fs";

const entry = new URL("../dist/bin/stigmergy.js", import.meta.url);
if (!existsSync(entry)) {
  console.error(
    "error: the SDK is not built yet. Run `npm run build` in the repository (or `npm run build -w @stigmergy/sdk`).",
  );
  process.exit(3);
}
await import(entry.href);
