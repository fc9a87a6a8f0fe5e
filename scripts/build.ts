/**
 * `npm run build`: brings contracts, generated ABIs, the SDK and the dashboard up to date, skipping every step whose
 * inputs did not change (`--force` runs them all). `npm install` runs it too (the `prepare` script).
 */
import { BuildError, ensureBuilt } from "./lib/build.ts";

const args = process.argv.slice(2);
const unknown = args.filter((a) => a !== "--force");
if (unknown.length > 0) {
  console.error(`build: unknown option ${unknown.join(" ")} (usage: npm run build [-- --force])`);
  process.exit(2);
}
try {
  await ensureBuilt({ force: args.includes("--force") });
} catch (error) {
  if (!(error instanceof BuildError)) throw error;
  console.error(`\nbuild: ${error.message}; its output is above.`);
  process.exit(1);
}
