import { actingAgent, type Context, read } from "../../client/context.js";
import type { ReadErrorType } from "../../errors/types.js";

export type GetUnbondingParameters = {
  /** The agent (default: the client's). */
  agentId?: bigint | undefined;
};

/** Stake being unbonded (base units) and when it can be withdrawn (unix seconds). */
export type GetUnbondingReturnType = { amount: bigint; releaseAt: bigint };

export type GetUnbondingErrorType = ReadErrorType<"StakeManager">;

/**
 * An agent's stake being unbonded and when it can be withdrawn, from the chain.
 *
 * @example
 * const { amount, releaseAt } = await getUnbonding(agent);
 */
export async function getUnbonding(ctx: Context, params: GetUnbondingParameters = {}): Promise<GetUnbondingReturnType> {
  const [amount, releaseAt] = await read(ctx, "StakeManager", "unbondingOf", [actingAgent(ctx, params.agentId)]);
  return { amount, releaseAt };
}
