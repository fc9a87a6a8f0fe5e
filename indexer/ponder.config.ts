import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { contractAddress, identityRegistryAbi, parseDeployment } from "@stigmergy/sdk";
import { createConfig } from "ponder";

/**
 * The chain comes from the environment; addresses and the start block from the deployment file
 * that `npm run deploy` wrote (deployments/<chainId>.json); ABIs from the SDK, which generates
 * them from the build artifacts.
 */
const chainId = Number(process.env.STIGMERGY_CHAIN_ID ?? 31337);
const rpc = process.env.STIGMERGY_RPC_URL ?? "http://127.0.0.1:8545";
const deploymentsDir =
  process.env.STIGMERGY_DEPLOYMENTS_DIR ?? join(dirname(fileURLToPath(import.meta.url)), "..", "deployments");
const deploymentPath = join(deploymentsDir, `${chainId}.json`);
const deployment = parseDeployment(JSON.parse(readFileSync(deploymentPath, "utf8")), deploymentPath);
const isLocal = chainId === 31337;

export default createConfig({
  chains: {
    stigmergy: {
      id: chainId,
      rpc,
      // A local chain restarts from scratch: never reuse cached RPC answers, and poll quickly.
      disableCache: isLocal,
      pollingInterval: isLocal ? 250 : 1_000,
    },
  },
  contracts: {
    IdentityRegistry: {
      chain: "stigmergy",
      abi: identityRegistryAbi,
      address: contractAddress(deployment, "IdentityRegistry"),
      startBlock: deployment.startBlock,
    },
  },
});
