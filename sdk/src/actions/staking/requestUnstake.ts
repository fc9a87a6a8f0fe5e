import { actingAgent, type Context, type Written, write } from "../../client/context.js";
import type { WriteErrorType } from "../../errors/types.js";
import { DRAW_SETTLEMENT_GAS } from "../../utils/draw.js";
import * as v from "../../validate.js";

export type RequestUnstakeParameters = {
  /** Stake-token base units (positive). */
  amount: bigint;
  /** The agent (default: the client's). */
  agentId?: bigint | undefined;
};

export type RequestUnstakeReturnType = Written;

export type RequestUnstakeErrorType = WriteErrorType<"StakeManager">;

/**
 * Starts unbonding `amount`: it stops counting at once and can be withdrawn after the unbonding
 * period (`withdrawStake`).
 *
 * @example
 * await requestUnstake(agent, { amount: parseEther("5") });
 */
export async function requestUnstake(
  ctx: Context,
  params: RequestUnstakeParameters,
): Promise<RequestUnstakeReturnType> {
  const args = [actingAgent(ctx, params.agentId), v.amount("amount", params.amount, true)] as const;
  return write(ctx, "StakeManager", "requestUnstake", args, { headroom: DRAW_SETTLEMENT_GAS });
}
