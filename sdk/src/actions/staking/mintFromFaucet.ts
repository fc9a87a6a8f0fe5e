import type { Address } from "viem";
import { type Context, requireWallet, type Written, write } from "../../client/context.js";
import type { WriteErrorType } from "../../errors/types.js";
import * as v from "../../validate.js";

export type MintFromFaucetParameters = {
  /** Stake-token base units (positive). */
  amount: bigint;
  /** Who receives them (default: the client's account). */
  to?: Address | undefined;
};

export type MintFromFaucetReturnType = Written;

export type MintFromFaucetErrorType = WriteErrorType<"StakeToken">;

/**
 * Mints test tokens from the development stake token's faucet (local chains and testnets only).
 *
 * @example
 * await mintFromFaucet(agent, { amount: parseEther("10") });
 */
export async function mintFromFaucet(
  ctx: Context,
  params: MintFromFaucetParameters,
): Promise<MintFromFaucetReturnType> {
  const to = params.to ? v.address("to", params.to) : requireWallet(ctx).account.address;
  return write(ctx, "StakeToken", "faucet", [to, v.amount("amount", params.amount, true)]);
}
