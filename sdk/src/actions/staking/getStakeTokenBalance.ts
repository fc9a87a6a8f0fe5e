import type { Address } from "viem";
import { type Context, read, requireWallet } from "../../client/context.js";
import type { MissingConfigError } from "../../errors/config.js";
import type { ReadErrorType } from "../../errors/types.js";
import * as v from "../../validate.js";

export type GetStakeTokenBalanceParameters = {
  /** The holder (default: the client's account). */
  account?: Address | undefined;
};

/** Stake-token base units. */
export type GetStakeTokenBalanceReturnType = bigint;

export type GetStakeTokenBalanceErrorType = ReadErrorType<"StakeToken"> | MissingConfigError;

/**
 * The stake-token balance of an address (default: the client's account).
 *
 * @example
 * const balance = await getStakeTokenBalance(agent);
 */
export async function getStakeTokenBalance(
  ctx: Context,
  params: GetStakeTokenBalanceParameters = {},
): Promise<GetStakeTokenBalanceReturnType> {
  const account = params.account ? v.address("account", params.account) : requireWallet(ctx).account.address;
  return read(ctx, "StakeToken", "balanceOf", [account]);
}
