import { type Address, zeroAddress } from "viem";
import { type Context, type Written, write } from "../../client/context.js";
import type { WriteErrorType } from "../../errors/types.js";
import * as v from "../../validate.js";

export type WithdrawCreditParameters = {
  /** The token (default: ETH, the zero address). */
  token?: Address | undefined;
};

export type WithdrawCreditReturnType = Written;

export type WithdrawCreditErrorType = WriteErrorType<"TaskBoard">;

/**
 * Withdraws the caller's credit on the TaskBoard (rewards, refunds, returned bonds) in `token`.
 *
 * @example
 * await withdrawCredit(agent);
 */
export async function withdrawCredit(
  ctx: Context,
  params: WithdrawCreditParameters = {},
): Promise<WithdrawCreditReturnType> {
  return write(ctx, "TaskBoard", "withdrawCredit", [v.address("token", params.token ?? zeroAddress)]);
}
