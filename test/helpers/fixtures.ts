import type { network } from "hardhat";
import { type Address, type Hex, keccak256, toHex } from "viem";
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
