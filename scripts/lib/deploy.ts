import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Deployment } from "@stigmergy/contracts";
import { type DeployOptions, deployStigmergy } from "@stigmergy/contracts/fixture";
import type { network } from "hardhat";
import type { Address, Hex } from "viem";

export type { DeployOptions };

type Viem = Awaited<ReturnType<typeof network.create>>["viem"];

/** Where deployment files go: STIGMERGY_DEPLOYMENTS_DIR, else deployments/ at the repository root. */
export const DEPLOYMENTS_DIR =
  process.env.STIGMERGY_DEPLOYMENTS_DIR ?? join(dirname(fileURLToPath(import.meta.url)), "..", "..", "deployments");

/**
 * Settings from the environment: STIGMERGY_STAKE_TOKEN, STIGMERGY_UNBONDING_PERIOD, STIGMERGY_TREASURY,
 * STIGMERGY_RANDOMNESS.
 */
export function deployOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): DeployOptions {
  return {
    stakeToken: env.STIGMERGY_STAKE_TOKEN as Address | undefined,
    unbondingPeriod: env.STIGMERGY_UNBONDING_PERIOD ? BigInt(env.STIGMERGY_UNBONDING_PERIOD) : undefined,
    treasury: env.STIGMERGY_TREASURY as Address | undefined,
    randomness: env.STIGMERGY_RANDOMNESS as Address | undefined,
  };
}

/**
 * Deploys the whole system over a Hardhat network connection's viem (its first wallet client
 * deploys and administers) with @stigmergy/contracts' fixture — the one deployment procedure — but
 * from this project's own build, which `hardhat test --coverage` instruments.
 */
export async function deployOnHardhat(
  viem: Viem,
  log: (line: string) => void = () => {},
  options: DeployOptions = {},
): Promise<Deployment> {
  const [walletClient] = await viem.getWalletClients();
  if (!walletClient) throw new Error("the network has no account to deploy from");
  const publicClient = await viem.getPublicClient();
  const deployContract = async (name: string, args: readonly unknown[]) => {
    // hardhat-viem types constructor arguments per contract; the list here is heterogeneous.
    const sent = (await viem.sendDeploymentTransaction(name as never, args as never)) as unknown as {
      contract: { address: Address };
      deploymentTransaction: { hash: Hex };
    };
    const { contract, deploymentTransaction } = sent;
    const receipt = await publicClient.waitForTransactionReceipt({ hash: deploymentTransaction.hash });
    return { address: contract.address, blockNumber: receipt.blockNumber, gasUsed: receipt.gasUsed };
  };
  return deployStigmergy({ publicClient, walletClient }, { ...options, log, deployContract });
}

/** Writes `deployments/<chainId>.json` and returns its path. */
export function writeDeployment(deployment: Deployment, dir = DEPLOYMENTS_DIR): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${deployment.chainId}.json`);
  writeFileSync(path, `${JSON.stringify(deployment, null, 2)}\n`);
  return path;
}
