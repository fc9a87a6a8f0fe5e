import { type Address, zeroAddress } from "viem";
import { type Context, read } from "../../client/context.js";
import type { ReadErrorType } from "../../errors/types.js";
import * as v from "../../validate.js";

export type GetCreditParameters = {
  account: Address;
  /** The token (default: ETH, the zero address). */
  token?: Address | undefined;
};

/** The withdrawable amount, in the token's base units. */
export type GetCreditReturnType = bigint;

export type GetCreditErrorType = ReadErrorType<"TaskBoard">;

/**
 * An account's withdrawable credit on the TaskBoard in `token`.
 *
 * @example
 * const wei = await getCredit(agent, { account: agent.address! });
 */
export async function getCredit(ctx: Context, params: GetCreditParameters): Promise<GetCreditReturnType> {
  return read(ctx, "TaskBoard", "creditOf", [
    v.address("account", params.account),
    v.address("token", params.token ?? zeroAddress),
  ]);
}
