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
 *   STIGMERGY_WS_URL           the chain's WebSocket, for new blocks by push (default: the RPC URL's own
 *                              port when that is on this machine, as Hardhat's node serves both; "off":
 *                              poll only)
 *   STIGMERGY_POLLING_INTERVAL milliseconds between polls (default 250 locally, 1000 elsewhere): the
 *                              fallback, when there is no WebSocket or it failed (Ponder polls after 9
 *                              failed connections)
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
const ws = webSocketUrl(rpc, process.env.STIGMERGY_WS_URL);

/**
 * New blocks by push: with `ws`, Ponder subscribes to `newHeads` and does not poll (ponder/src/rpc/
 * index.ts); the WebSocket is derived from a loopback HTTP URL (Hardhat's node and anvil serve
 * WebSocket on their HTTP port), else taken from STIGMERGY_WS_URL.
 */
function webSocketUrl(rpcUrl: string, configured: string | undefined): string | undefined {
  if (configured === "off") return undefined;
  if (configured) return configured;
  const url = new URL(rpcUrl);
  if (!["127.0.0.1", "localhost", "[::1]"].includes(url.hostname) || !url.protocol.startsWith("http")) return undefined;
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  return url.toString();
}

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
      ...(ws ? { ws } : {}),
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
