/**
 * `npm start`: a local chain with Stigmergy deployed. Starts `hardhat node` on 127.0.0.1, deploys
 * every contract, prints the addresses and keeps running until Ctrl-C.
 * (Later parts add the indexer and a demo swarm.)
 *
 * Environment: STIGMERGY_RPC_PORT (default 8545), STIGMERGY_DEPLOYMENTS_DIR.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseDeployment } from "../sdk/src/index.ts";
import { DEPLOYMENTS_DIR } from "./lib/deploy.ts";
import { HARDHAT_BIN, portInUse, ROOT, startHardhatNode } from "./lib/processes.ts";

if (process.argv.includes("--help") || process.argv.includes("-h")) {
  console.log(`Usage: npm start

Starts a local Hardhat node on 127.0.0.1, deploys Stigmergy to it, prints the addresses
and keeps running until Ctrl-C.

Environment:
  STIGMERGY_RPC_PORT         port of the node (default 8545)
  STIGMERGY_DEPLOYMENTS_DIR  where deployments/<chainId>.json is written`);
  process.exit(0);
}

const port = Number(process.env.STIGMERGY_RPC_PORT ?? 8545);
if (!Number.isInteger(port) || port <= 0 || port > 65_535) {
  console.error(`start: STIGMERGY_RPC_PORT must be a TCP port, got "${process.env.STIGMERGY_RPC_PORT}"`);
  process.exit(2);
}
if (await portInUse(port)) {
  console.error(`start: port ${port} is already in use (another node?). Stop it or set STIGMERGY_RPC_PORT.`);
  process.exit(2);
}

console.log(`start: launching hardhat node on 127.0.0.1:${port}…`);
const node = await startHardhatNode(port);
console.log(`start: node up at ${node.url}`);

let stopping = false;
const shutdown = async (code: number) => {
  if (stopping) return;
  stopping = true;
  console.log("\nstart: stopping the node…");
  await node.stop();
  process.exit(code);
};
process.on("SIGINT", () => void shutdown(0));
process.on("SIGTERM", () => void shutdown(0));
node.process.once("exit", (code) => {
  if (stopping) return;
  console.error(`start: the node exited unexpectedly (code ${code})`);
  process.exit(1);
});

console.log("start: compiling and deploying…");
const deployCode = await new Promise<number>((resolve) => {
  const child = spawn(process.execPath, [HARDHAT_BIN, "run", "scripts/deploy.ts", "--network", "localhost"], {
    cwd: ROOT,
    env: { ...process.env, STIGMERGY_RPC_URL: node.url },
    stdio: ["ignore", "inherit", "inherit"],
  });
  child.on("close", (code) => resolve(code ?? 1));
});
if (deployCode !== 0) {
  console.error(`start: deployment failed (exit code ${deployCode})`);
  await shutdown(1);
}

const deploymentsDir = DEPLOYMENTS_DIR;
const deploymentPath = join(deploymentsDir, `${node.chainId}.json`);
const deployment = parseDeployment(JSON.parse(readFileSync(deploymentPath, "utf8")), deploymentPath);
console.log(`
Stigmergy is running on a local chain.

  JSON-RPC     ${node.url}  (chain ${deployment.chainId})
  deployment   ${deploymentPath}
${Object.entries(deployment.contracts)
  .map(([name, address]) => `  ${name.padEnd(20)} ${address}`)
  .join("\n")}

start: ready. Press Ctrl-C to stop.`);
