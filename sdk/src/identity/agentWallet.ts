import type { Address, TypedDataDomain } from "viem";

/** EIP-712 domain name and version of ERC-8004 identity registries (the canonical deployment's). */
export const AGENT_WALLET_DOMAIN = { name: "ERC8004IdentityRegistry", version: "1" } as const;

/** Longest an agentWallet signature may stay valid, in seconds (the registry's `MAX_DEADLINE_DELAY`). */
export const AGENT_WALLET_MAX_DEADLINE_DELAY = 300n;

/** EIP-712 types of the proof a new agentWallet signs. */
export const agentWalletTypes = {
  AgentWalletSet: [
    { name: "agentId", type: "uint256" },
    { name: "newWallet", type: "address" },
    { name: "owner", type: "address" },
    { name: "deadline", type: "uint256" },
  ],
} as const;

export type AgentWalletTypedDataParameters = {
  /** Chain the registry is deployed on. */
  chainId: number;
  /** IdentityRegistry address (the EIP-712 verifying contract). */
  registry: Address;
  agentId: bigint;
  /** The wallet that signs, proving it controls itself. */
  newWallet: Address;
  /** The agent's current owner (a transfer invalidates the signature). */
  owner: Address;
  /** Unix time after which the registry rejects the signature; at most 5 minutes ahead. */
  deadline: bigint;
};

/**
 * The typed data `newWallet` signs for `IdentityRegistry.setAgentWallet`.
 *
 * @example
 * const signature = await wallet.signTypedData(agentWalletTypedData({
 *   chainId: 31337, registry, agentId: 1n, newWallet: wallet.account.address, owner, deadline,
 * }));
 * await identity.write.setAgentWallet([1n, wallet.account.address, deadline, signature]);
 */
export function agentWalletTypedData(params: AgentWalletTypedDataParameters) {
  const domain = {
    ...AGENT_WALLET_DOMAIN,
    chainId: params.chainId,
    verifyingContract: params.registry,
  } as const satisfies TypedDataDomain;
  return {
    domain,
    types: agentWalletTypes,
    primaryType: "AgentWalletSet",
    message: {
      agentId: params.agentId,
      newWallet: params.newWallet,
      owner: params.owner,
      deadline: params.deadline,
    },
  } as const;
}
