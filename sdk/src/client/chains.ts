/**
 * What actions over several chains take (`listTasksOnChains(agents, …)`): one context per chain,
 * each its own chain's agent (an identity is per chain), and the one indexer they share, which
 * follows all their chains. `Agents`, from `createAgents`, is one.
 */
import { UnknownChainError } from "../errors/chains.js";
import type { IndexerClient } from "../indexer/client.js";
import type { Context } from "./context.js";

export type ChainsContext<C extends Context = Context> = {
  /** One per chain, in the order given. */
  readonly agents: readonly C[];
  /** The indexer every one of them reads. */
  readonly indexer: IndexerClient;
};

/** The chain ids of a multi-chain context, in its order. */
export const chainIdsOf = (ctx: ChainsContext<Context>): number[] => ctx.agents.map((a) => a.deployment.chainId);

/** The agent on `chainId`; {@link UnknownChainError} when the context holds none there. */
export function agentOn<C extends Context>(ctx: ChainsContext<C>, chainId: number): C {
  const agent = ctx.agents.find((a) => a.deployment.chainId === chainId);
  if (!agent) throw new UnknownChainError(chainId, chainIdsOf(ctx));
  return agent;
}

/** The agents a `chainId` option selects: the one on that chain, or (undefined) every one. */
export const agentsFor = <C extends Context>(ctx: ChainsContext<C>, chainId: number | undefined): readonly C[] =>
  chainId === undefined ? ctx.agents : [agentOn(ctx, chainId)];

/** The chain ids a `chainId` option selects: that one (when an agent is on it), or every agent's. */
export const chainIdsFor = (ctx: ChainsContext<Context>, chainId: number | undefined): number[] =>
  agentsFor(ctx, chainId).map((a) => a.deployment.chainId);
