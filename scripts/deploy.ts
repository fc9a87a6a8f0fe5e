/**
 * `npm run deploy -- --network <name>`: deploys every Stigmergy contract to the selected network
 * and writes deployments/<chainId>.json (what the indexer and the SDK read).
 */
import { network } from "hardhat";
import { deployOnHardhat, deployOptionsFromEnv, writeDeployment } from "./lib/deploy.ts";

const connection = await network.create();
if (connection.networkConfig.type === "edr-simulated") {
  console.error(
    `deploy: network "${connection.networkName}" lives only inside this command and vanishes when it exits.\n` +
      "Start a node (npx hardhat node, or npm start) and pass --network localhost, " +
      "or --network custom for another chain.",
  );
  process.exit(2);
}
console.log(`deploy: network ${connection.networkName}`);
const deployment = await deployOnHardhat(connection.viem, (line) => console.log(line), deployOptionsFromEnv());
const path = writeDeployment(deployment);
console.log(`deploy: chain ${deployment.chainId}, start block ${deployment.startBlock} -> ${path}`);
await connection.close();
