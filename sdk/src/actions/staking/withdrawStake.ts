import type { Address } from "viem";
import { actingAgent, type Context, eventOf, type Written, write } from "../../client/context.js";
import type { WriteErrorType } from "../../errors/types.js";

export type WithdrawStakeParameters = {
  /** The agent (default: the client's). */
  agentId?: bigint | undefined;
};

export type WithdrawStakeReturnType = Written & {
  /** Who was paid: the agent's owner. */
  to: Address;
  amount: bigint;
  /** What stays unbonding: stake a lock holds back when a slash cut the active stake below it. */
  unbonding: bigint;
};

export type WithdrawStakeErrorType = WriteErrorType<"StakeManager">;

/**
 * Withdraws unbonded stake to the agent's owner (whoever signs). Resolves with what was paid and
 * what stays unbonding.
 *
 * @example
 * const { amount, to } = await withdrawStake(agent);
 */
export async function withdrawStake(
  ctx: Context,
  params: WithdrawStakeParameters = {},
): Promise<WithdrawStakeReturnType> {
  const written = await write(ctx, "StakeManager", "withdraw", [actingAgent(ctx, params.agentId)]);
  const { to, amount, unbonding } = eventOf(ctx, written.receipt, "StakeManager", "Withdrawn");
  return { ...written, to, amount, unbonding };
}
