import type { network } from "hardhat";
import { type Address, type Hex, keccak256, toHex } from "viem";
import { type DeployOptions, deployOnHardhat } from "../../scripts/lib/deploy.ts";
import { agentWalletTypedData } from "../../sdk/src/index.ts";

export type Connection = Awaited<ReturnType<typeof network.create>>;
export type Viem = Connection["viem"];
export type WalletClient = Awaited<ReturnType<Viem["getWalletClients"]>>[number];

/** A 60-byte agent URI: the size the register gas target is quoted for. */
export const URI_60 = "ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtq5f";

/** Deploys the ERC-8004 registries and names the accounts the tests use. */
export async function deployTrustLayer(viem: Viem) {
  const [deployer, alice, bob, carol, dave, eve] = await viem.getWalletClients();
  if (!deployer || !alice || !bob || !carol || !dave || !eve) throw new Error("need 6 accounts");
  const identity = await viem.deployContract("IdentityRegistry");
  const reputation = await viem.deployContract("ReputationRegistry", [identity.address]);
  const validation = await viem.deployContract("ValidationRegistry", [identity.address]);
  const publicClient = await viem.getPublicClient();
  return { identity, reputation, validation, publicClient, deployer, alice, bob, carol, dave, eve };
}

/** Registers an agent owned by `owner` and returns its id (read from the counter after mining). */
export async function registerAgent(
  viem: Viem,
  identityAddress: Address,
  owner: WalletClient,
  uri = URI_60,
): Promise<bigint> {
  const identity = await viem.getContractAt("IdentityRegistry", identityAddress, { client: { wallet: owner } });
  const publicClient = await viem.getPublicClient();
  const hash = await identity.write.register([uri]);
  await publicClient.waitForTransactionReceipt({ hash });
  return identity.read.lastAgentId();
}

/** Signs the EIP-712 AgentWalletSet proof with `wallet`'s key. */
export async function signAgentWallet(
  wallet: WalletClient,
  params: { chainId: number; registry: Address; agentId: bigint; owner: Address; deadline: bigint },
): Promise<Hex> {
  return wallet.signTypedData({
    account: wallet.account,
    ...agentWalletTypedData({ ...params, newWallet: wallet.account.address }),
  });
}

/** keccak256 of a string, as an indexed `string` event argument is logged. */
export const topicOf = (s: string): Hex => keccak256(toHex(s));

/** 1 token of 18 decimals. */
export const TOKEN = 10n ** 18n;

/**
 * Deploys everything through the real deploy path (scripts/lib/deploy.ts, roles wired) and binds
 * each contract for any wallet with `as.<Name>(wallet)`.
 */
export async function deployAll(viem: Viem, options: DeployOptions = {}) {
  const deployment = await deployOnHardhat(viem, () => {}, options);
  const c = deployment.contracts;
  const wallets = await viem.getWalletClients();
  const [deployer, alice, bob, carol, dave, eve] = wallets;
  if (!deployer || !alice || !bob || !carol || !dave || !eve) throw new Error("need 6 accounts");
  const publicClient = await viem.getPublicClient();
  const at = {
    IdentityRegistry: (w: WalletClient = deployer) =>
      viem.getContractAt("IdentityRegistry", c.IdentityRegistry!, { client: { wallet: w } }),
    StakeToken: (w: WalletClient = deployer) =>
      viem.getContractAt("StakeToken", c.StakeToken!, { client: { wallet: w } }),
    StakeManager: (w: WalletClient = deployer) =>
      viem.getContractAt("StakeManager", c.StakeManager!, { client: { wallet: w } }),
    LeaderElection: (w: WalletClient = deployer) =>
      viem.getContractAt("LeaderElection", c.LeaderElection!, { client: { wallet: w } }),
    Governance: (w: WalletClient = deployer) =>
      viem.getContractAt("Governance", c.Governance!, { client: { wallet: w } }),
    LockManager: (w: WalletClient = deployer) =>
      viem.getContractAt("LockManager", c.LockManager!, { client: { wallet: w } }),
    TaskBoard: (w: WalletClient = deployer) => viem.getContractAt("TaskBoard", c.TaskBoard!, { client: { wallet: w } }),
    MessageBus: (w: WalletClient = deployer) =>
      viem.getContractAt("MessageBus", c.MessageBus!, { client: { wallet: w } }),
    ReputationRegistry: (w: WalletClient = deployer) =>
      viem.getContractAt("ReputationRegistry", c.ReputationRegistry!, { client: { wallet: w } }),
  };
  const mined = async (hash: Promise<Hex>) => publicClient.waitForTransactionReceipt({ hash: await hash });

  /** Registers an agent for `owner`, mints it `stake` tokens and stakes them; returns its id. */
  const agentWithStake = async (owner: WalletClient, stake: bigint) => {
    const agentId = await registerAgent(viem, c.IdentityRegistry!, owner);
    if (stake > 0n) {
      await mined((await at.StakeToken(owner)).write.faucet([owner.account.address, stake]));
      await mined((await at.StakeToken(owner)).write.approve([c.StakeManager!, stake]));
      await mined((await at.StakeManager(owner)).write.stake([agentId, stake]));
    }
    return agentId;
  };
  return { deployment, c, at, publicClient, mined, agentWithStake, deployer, alice, bob, carol, dave, eve, wallets };
}
