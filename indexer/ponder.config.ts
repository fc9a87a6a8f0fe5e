import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { abis, type ContractName, contractAddress, type Deployment, parseDeployment } from "@stigmergy/contracts";
import { createConfig } from "ponder";
import { chainsFromEnv, isLocalChain } from "./src/lib/chains.js";

/**
 * The chains come from the environment (src/lib/chains.ts: STIGMERGY_CHAINS, or one chain from
 * STIGMERGY_CHAIN_ID and STIGMERGY_RPC_URL); each chain's addresses and start block from the
 * deployment file that `npm run deploy` wrote for it (deployments/<chainId>.json); ABIs from
 * @stigmergy/contracts, generated from the build artifacts. Chains are indexed independently
 * (Ponder's `multichain` ordering): one chain's outage does not hold the others back.
 *
 *   STIGMERGY_CHAINS           the chains to index (JSON list or a file; see src/lib/chains.ts)
 *   STIGMERGY_RPC_URL          without STIGMERGY_CHAINS: JSON-RPC of the chain (default http://127.0.0.1:8545)
 *   STIGMERGY_CHAIN_ID         without STIGMERGY_CHAINS: its chain id (default 31337, the local Hardhat node)
 *   STIGMERGY_DEPLOYMENTS_DIR  where <chainId>.json is (default ../deployments)
 *   STIGMERGY_WS_URL           the chain's WebSocket, for new blocks by push (default: the RPC URL's own
 *                              port when that is on this machine, as Hardhat's node serves both; "off":
 *                              poll only; see src/lib/chains.ts)
 *   STIGMERGY_POLLING_INTERVAL milliseconds between polls (default 250 locally, 1000 elsewhere): the
 *                              fallback, when there is no WebSocket or it failed (Ponder polls after 9
 *                              failed connections)
 *   DATABASE_URL               PostgreSQL; without it the embedded PGlite
 *   STIGMERGY_PGLITE_DIR       where PGlite keeps its files (default .ponder/pglite)
 */
const chains = chainsFromEnv();
const deploymentsDir =
  process.env.STIGMERGY_DEPLOYMENTS_DIR ?? join(dirname(fileURLToPath(import.meta.url)), "..", "deployments");
const deployments = new Map<string, Deployment>(
  chains.map((chain) => {
    const path = join(deploymentsDir, `${chain.id}.json`);
    return [chain.name, parseDeployment(JSON.parse(readFileSync(path, "utf8")), path)];
  }),
);
const polling = process.env.STIGMERGY_POLLING_INTERVAL;

/** A contract on every chain: its address and start block from that chain's deployment. */
const contract = <const N extends ContractName>(name: N) => ({
  abi: abis[name],
  chain: Object.fromEntries(
    chains.map((chain) => {
      const deployment = deployments.get(chain.name)!;
      return [chain.name, { address: contractAddress(deployment, name), startBlock: deployment.startBlock }];
    }),
  ),
});

export default createConfig({
  ordering: "multichain",
  chains: Object.fromEntries(
    chains.map((chain) => [
      chain.name,
      {
        id: chain.id,
        rpc: chain.rpc,
        ...(chain.ws ? { ws: chain.ws } : {}),
        // A local chain restarts from scratch: never reuse cached RPC answers.
        disableCache: isLocalChain(chain.id),
        pollingInterval: Number(polling ?? (isLocalChain(chain.id) ? 250 : 1_000)),
      },
    ]),
  ),
  database: process.env.DATABASE_URL
    ? { kind: "postgres", connectionString: process.env.DATABASE_URL }
    : { kind: "pglite", ...(process.env.STIGMERGY_PGLITE_DIR ? { directory: process.env.STIGMERGY_PGLITE_DIR } : {}) },
  contracts: {
    IdentityRegistry: contract("IdentityRegistry"),
    ReputationRegistry: contract("ReputationRegistry"),
    ValidationRegistry: contract("ValidationRegistry"),
    StakeManager: contract("StakeManager"),
    LeaderElection: contract("LeaderElection"),
    Governance: contract("Governance"),
    LockManager: contract("LockManager"),
    TaskBoard: contract("TaskBoard"),
    MessageBus: contract("MessageBus"),
  },
});
