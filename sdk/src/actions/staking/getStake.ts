import { actingAgent, type Context, read } from "../../client/context.js";
import type { ReadErrorType } from "../../errors/types.js";

export type GetStakeParameters = {
  /** The agent (default: the client's). */
  agentId?: bigint | undefined;
};

/** Stake-token base units. */
export type GetStakeReturnType = bigint;

export type GetStakeErrorType = ReadErrorType<"StakeManager">;

/**
 * An agent's active stake (what counts for tasks, groups and votes), from the chain.
 *
 * @example
 * const amount = await getStake(agent, { agentId: 3n });
 */
export async function getStake(ctx: Context, params: GetStakeParameters = {}): Promise<GetStakeReturnType> {
  return read(ctx, "StakeManager", "stakeOf", [actingAgent(ctx, params.agentId)]);
}
