import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { network } from "hardhat";
import { type Address, zeroAddress } from "viem";
import type { ContractName, Deployment } from "../../sdk/src/index.ts";

type Viem = Awaited<ReturnType<typeof network.create>>["viem"];

/** Where deployment files go: STIGMERGY_DEPLOYMENTS_DIR, else deployments/ at the repository root. */
export const DEPLOYMENTS_DIR =
  process.env.STIGMERGY_DEPLOYMENTS_DIR ?? join(dirname(fileURLToPath(import.meta.url)), "..", "..", "deployments");

/** Deployment settings; every field has a local-chain default. */
export type DeployOptions = {
  /** Existing ERC-20 to stake with; without it a StakeToken (with an open faucet) is deployed. */
  stakeToken?: Address;
  /** Seconds unstaked tokens stay slashable (default 1 day). */
  unbondingPeriod?: bigint;
  /** Stake per unit of election weight (default 1e9: 18-decimal tokens, 18 billion per group). */
  weightUnit?: bigint;
  /** Receiver of failover slashes (default: the deployer). */
  treasury?: Address;
  /** An IRandomnessSource for draws (default: none, the hash of each draw's request block). */
  randomness?: Address;
};

/** Settings from the environment: STIGMERGY_STAKE_TOKEN, STIGMERGY_UNBONDING_PERIOD, STIGMERGY_TREASURY, STIGMERGY_RANDOMNESS. */
export function deployOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): DeployOptions {
  return {
    stakeToken: env.STIGMERGY_STAKE_TOKEN as Address | undefined,
    unbondingPeriod: env.STIGMERGY_UNBONDING_PERIOD ? BigInt(env.STIGMERGY_UNBONDING_PERIOD) : undefined,
    treasury: env.STIGMERGY_TREASURY as Address | undefined,
    randomness: env.STIGMERGY_RANDOMNESS as Address | undefined,
  };
}

/**
 * Deploys every Stigmergy contract that exists so far, in dependency order, wires their roles and
 * returns the deployment record (not yet written). `log` receives one line per step.
 */
export async function deployStigmergy(
  viem: Viem,
  log: (line: string) => void = () => {},
  options: DeployOptions = {},
): Promise<Deployment> {
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

  const [deployer] = await viem.getWalletClients();
  if (!deployer) throw new Error("the network has no account to deploy from");
  const admin = deployer.account.address;

  const identity = await deploy("IdentityRegistry");
  const reputation = await deploy("ReputationRegistry", [identity]);
  await deploy("ValidationRegistry", [identity]);
  const token = options.stakeToken ?? (await deploy("StakeToken"));
  if (options.stakeToken) contracts.StakeToken = options.stakeToken;
  const stakeManager = await deploy("StakeManager", [identity, token, options.unbondingPeriod ?? 86_400n, admin]);
  const election = await deploy("LeaderElection", [
    identity,
    stakeManager,
    options.randomness ?? zeroAddress,
    options.treasury ?? admin,
    options.weightUnit ?? 1_000_000_000n,
  ]);
  await deploy("Governance", [identity, election]);
  await deploy("LockManager", [identity]);
  const taskBoard = await deploy("TaskBoard", [identity, stakeManager, reputation, options.treasury ?? admin]);
  await deploy("MessageBus", [identity, election]);

  log("wiring roles…");
  const stakes = await viem.getContractAt("StakeManager", stakeManager);
  const wait = async (hash: Promise<`0x${string}`>) => publicClient.waitForTransactionReceipt({ hash: await hash });
  await wait(stakes.write.grantRole([await stakes.read.SLASHER_ROLE(), election]));
  await wait(stakes.write.setStakeListener([election]));
  await wait(stakes.write.grantRole([await stakes.read.SLASHER_ROLE(), taskBoard]));
  log("  StakeManager: LeaderElection and TaskBoard are slashers; LeaderElection is the stake listener");

  return { chainId, startBlock: startBlock ?? 0, contracts };
}

/** Writes `deployments/<chainId>.json` and returns its path. */
export function writeDeployment(deployment: Deployment, dir = DEPLOYMENTS_DIR): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${deployment.chainId}.json`);
  writeFileSync(path, `${JSON.stringify(deployment, null, 2)}\n`);
  return path;
}
