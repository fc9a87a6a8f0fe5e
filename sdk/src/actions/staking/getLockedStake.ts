import { actingAgent, type Context, read } from "../../client/context.js";
import type { ReadErrorType } from "../../errors/types.js";

export type GetLockedStakeParameters = {
  /** The agent (default: the client's). */
  agentId?: bigint | undefined;
};

/** Stake-token base units. */
export type GetLockedStakeReturnType = bigint;

export type GetLockedStakeErrorType = ReadErrorType<"StakeManager">;

/**
 * Stake of an agent locked for obligations it has not discharged (tasks it holds): it cannot be
 * unstaken.
 *
 * @example
 * const amount = await getLockedStake(agent, { agentId: 3n });
 */
export async function getLockedStake(
  ctx: Context,
  params: GetLockedStakeParameters = {},
): Promise<GetLockedStakeReturnType> {
  return read(ctx, "StakeManager", "lockedOf", [actingAgent(ctx, params.agentId)]);
}
