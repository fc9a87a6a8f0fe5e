import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { network } from "hardhat";
import type { Address } from "viem";
import type { ContractName, Deployment } from "../../sdk/src/index.ts";

type Viem = Awaited<ReturnType<typeof network.create>>["viem"];

/** Where deployment files go: STIGMERGY_DEPLOYMENTS_DIR, else deployments/ at the repository root. */
export const DEPLOYMENTS_DIR =
  process.env.STIGMERGY_DEPLOYMENTS_DIR ?? join(dirname(fileURLToPath(import.meta.url)), "..", "..", "deployments");

/**
 * Deploys every Stigmergy contract that exists so far, in dependency order, and returns the
 * deployment record (not yet written). `log` receives one line per step.
 */
export async function deployStigmergy(viem: Viem, log: (line: string) => void = () => {}): Promise<Deployment> {
  const publicClient = await viem.getPublicClient();
  const chainId = await publicClient.getChainId();
  const contracts: Partial<Record<ContractName, Address>> = {};
  let startBlock: number | undefined;

  const deploy = async (name: ContractName, args: readonly unknown[] = []) => {
    log(`deploying ${name}…`);
    // hardhat-viem types constructor arguments per contract; the list here is heterogeneous.
    const { contract, deploymentTransaction } = await viem.sendDeploymentTransaction(name, args as never);
    const receipt = await publicClient.waitForTransactionReceipt({ hash: deploymentTransaction.hash });
    startBlock ??= Number(receipt.blockNumber);
    contracts[name] = contract.address;
    log(`  ${name.padEnd(20)} ${contract.address}  (block ${receipt.blockNumber}, ${receipt.gasUsed} gas)`);
    return contract.address;
  };

  const identity = await deploy("IdentityRegistry");
  await deploy("ReputationRegistry", [identity]);
  await deploy("ValidationRegistry", [identity]);

  return { chainId, startBlock: startBlock ?? 0, contracts };
}

/** Writes `deployments/<chainId>.json` and returns its path. */
export function writeDeployment(deployment: Deployment, dir = DEPLOYMENTS_DIR): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${deployment.chainId}.json`);
  writeFileSync(path, `${JSON.stringify(deployment, null, 2)}\n`);
  return path;
}
