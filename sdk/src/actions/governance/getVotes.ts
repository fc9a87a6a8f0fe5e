import { type Context, read } from "../../client/context.js";
import type { ReadErrorType } from "../../errors/types.js";
import * as v from "../../validate.js";

export type GetVotesParameters = {
  proposalId: bigint;
  /** The option, 0-based. */
  option: number;
};

/** The weight cast for the option. */
export type GetVotesReturnType = bigint;

export type GetVotesErrorType = ReadErrorType<"Governance">;

/**
 * The weight cast for one option of a proposal, from the chain.
 *
 * @example
 * const yes = await getVotes(agent, { proposalId: 1n, option: 0 });
 */
export async function getVotes(ctx: Context, params: GetVotesParameters): Promise<GetVotesReturnType> {
  return read(ctx, "Governance", "votesFor", [
    v.id("proposalId", params.proposalId),
    Number(v.uint("option", params.option, { bits: 8 })),
  ]);
}
