import { type Context, read } from "../../client/context.js";
import type { ReadErrorType } from "../../errors/types.js";
import * as v from "../../validate.js";

export type GetProposalParameters = { proposalId: bigint };

/** The proposal as the contract returns it (group, proposer, options, snapshot, end, quorum, votes, outcome). */
export type GetProposalReturnType = Awaited<ReturnType<typeof readProposal>>;

export type GetProposalErrorType = ReadErrorType<"Governance">;

const readProposal = (ctx: Context, proposalId: bigint) => read(ctx, "Governance", "getProposal", [proposalId]);

/**
 * A proposal, from the chain.
 *
 * @example
 * const proposal = await getProposal(agent, { proposalId: 1n });
 */
export async function getProposal(ctx: Context, params: GetProposalParameters): Promise<GetProposalReturnType> {
  return readProposal(ctx, v.id("proposalId", params.proposalId));
}
