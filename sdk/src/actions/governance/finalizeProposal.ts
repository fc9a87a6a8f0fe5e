import { type Context, eventOf, type Written, write } from "../../client/context.js";
import type { WriteErrorType } from "../../errors/types.js";
import * as v from "../../validate.js";

export type FinalizeProposalParameters = { proposalId: bigint };

/** `outcome`: the winning option, or NO_QUORUM / TIE. */
export type FinalizeProposalReturnType = Written & { outcome: number };

export type FinalizeProposalErrorType = WriteErrorType<"Governance">;

/**
 * Closes a vote after its end (anyone); the outcome is the winning option, or NO_QUORUM / TIE.
 *
 * @example
 * const { outcome } = await finalizeProposal(agent, { proposalId: 1n });
 */
export async function finalizeProposal(
  ctx: Context,
  params: FinalizeProposalParameters,
): Promise<FinalizeProposalReturnType> {
  const written = await write(ctx, "Governance", "finalize", [v.id("proposalId", params.proposalId)]);
  return { ...written, outcome: eventOf(ctx, written.receipt, "Governance", "ProposalFinalized").outcome };
}
