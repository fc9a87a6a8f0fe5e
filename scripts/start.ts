/**
 * `npm start`: a living swarm on a local chain. A Hardhat node with interval mining, the
 * Stigmergy deployment, the indexer (Ponder on PGlite) and N agent processes that register,
 * stake, elect a leader and work through a task board; midway the leader's process is killed
 * and the others fail it over. A live view follows the indexer, a summary closes the run, and
 * the endpoints stay up until Ctrl-C. `npm start -- --help` lists the options; the work is in
 * scripts/swarm/.
 *
 * The build is brought up to date first (a no-op when nothing changed), so the command works on a
 * fresh clone whatever ran before it; the swarm is imported only then, since it runs on the build.
 */
import { BuildError, ensureBuilt } from "./lib/build.ts";

try {
  await ensureBuilt({ log: (line) => console.log(`start: ${line}`), verbose: false });
} catch (error) {
  if (!(error instanceof BuildError)) throw error;
  console.error(`${error.output}\nstart: ${error.message}; the compiler's output is above.`);
  process.exit(1);
}
const { main } = await import("./swarm/orchestrator.ts");
await main(process.argv.slice(2));
