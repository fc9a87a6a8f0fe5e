import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { abis, type ContractName, contractAddress, parseDeployment } from "@stigmergy/contracts";
import { createConfig } from "ponder";

/**
 * The chain comes from the environment; addresses and the start block from the deployment file
 * that `npm run deploy` wrote (deployments/<chainId>.json); ABIs from @stigmergy/contracts, generated
 * from the build artifacts.
 *
 *   STIGMERGY_RPC_URL          JSON-RPC of the chain (default http://127.0.0.1:8545)
 *   STIGMERGY_CHAIN_ID         its chain id (default 31337, the local Hardhat node)
 *   STIGMERGY_DEPLOYMENTS_DIR  where <chainId>.json is (default ../deployments)
 *   STIGMERGY_POLLING_INTERVAL milliseconds between polls (default 250 locally, 1000 elsewhere)
 *   DATABASE_URL               PostgreSQL; without it the embedded PGlite
 *   STIGMERGY_PGLITE_DIR       where PGlite keeps its files (default .ponder/pglite)
 */
const chainId = Number(process.env.STIGMERGY_CHAIN_ID ?? 31337);
const rpc = process.env.STIGMERGY_RPC_URL ?? "http://127.0.0.1:8545";
const deploymentsDir =
  process.env.STIGMERGY_DEPLOYMENTS_DIR ?? join(dirname(fileURLToPath(import.meta.url)), "..", "deployments");
const deploymentPath = join(deploymentsDir, `${chainId}.json`);
const deployment = parseDeployment(JSON.parse(readFileSync(deploymentPath, "utf8")), deploymentPath);
const isLocal = chainId === 31337;
const pollingInterval = Number(process.env.STIGMERGY_POLLING_INTERVAL ?? (isLocal ? 250 : 1_000));

const contract = <const N extends ContractName>(name: N) => ({
  chain: "stigmergy" as const,
  abi: abis[name],
  address: contractAddress(deployment, name),
  startBlock: deployment.startBlock,
});

export default createConfig({
  chains: {
    stigmergy: {
      id: chainId,
      rpc,
      // A local chain restarts from scratch: never reuse cached RPC answers.
      disableCache: isLocal,
      pollingInterval,
    },
  },
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
