/**
 * `npm start`: a living swarm on a local chain. A Hardhat node with interval mining, the
 * Stigmergy deployment, the indexer (Ponder on PGlite) and N agent processes that register,
 * stake, elect a leader and work through a task board; midway the leader's process is killed
 * and the others fail it over. A live view follows the indexer, a summary closes the run, and
 * the endpoints stay up until Ctrl-C. `npm start -- --help` lists the options; the work is in
 * scripts/swarm/.
 */
import { main } from "./swarm/orchestrator.ts";

await main(process.argv.slice(2));
