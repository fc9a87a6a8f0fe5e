import {
  actingAgent,
  addressOf,
  type Context,
  read,
  requireWallet,
  type Written,
  write,
} from "../../client/context.js";
import type { WriteErrorType } from "../../errors/types.js";
import { DRAW_SETTLEMENT_GAS } from "../../utils/draw.js";
import * as v from "../../validate.js";

export type StakeParameters = {
  /** Stake-token base units (positive). */
  amount: bigint;
  /** The agent staked behind (default: the client's). */
  agentId?: bigint | undefined;
};

export type StakeReturnType = Written;

export type StakeErrorType = WriteErrorType<"StakeManager">;

/**
 * Adds `amount` of the stake token behind the agent, approving the StakeManager first if needed.
 * Sent with gas headroom: a stake change settles a pending draw of the agent's groups first.
 *
 * @example
 * await stake(agent, { amount: parseEther("10") });
 */
export async function stake(ctx: Context, params: StakeParameters): Promise<StakeReturnType> {
  const value = v.amount("amount", params.amount, true);
  const agentId = actingAgent(ctx, params.agentId);
  const owner = requireWallet(ctx).account.address;
  const manager = addressOf(ctx, "StakeManager");
  const allowance = await read(ctx, "StakeToken", "allowance", [owner, manager]);
  if (allowance < value) await write(ctx, "StakeToken", "approve", [manager, value]);
  return write(ctx, "StakeManager", "stake", [agentId, value], { headroom: DRAW_SETTLEMENT_GAS });
}
