import { type Context, eventOf, type Written, write } from "../../client/context.js";
import type { WriteErrorType } from "../../errors/types.js";
import * as v from "../../validate.js";

export type CreateProposalParameters = {
  groupId: bigint | number;
  descriptionURI: string;
  /** Number of options (2..MAX_OPTIONS). */
  options: number;
  /** Seconds the vote stays open. */
  votingPeriod: bigint | number;
  /** Share of the group's weight that must vote, in basis points (0..10,000). */
  quorumBps: number;
};

export type CreateProposalReturnType = Written & { proposalId: bigint; voteEnd: bigint };

export type CreateProposalErrorType = WriteErrorType<"Governance">;

/**
 * Opens a stake-weighted vote among a group's members (weights as of the proposal's snapshot).
 *
 * @example
 * const { proposalId } = await createProposal(agent, {
 *   groupId: 1n,
 *   descriptionURI: "ipfs://q",
 *   options: 2,
 *   votingPeriod: 3600,
 *   quorumBps: 5000,
 * });
 */
export async function createProposal(ctx: Context, p: CreateProposalParameters): Promise<CreateProposalReturnType> {
  const written = await write(ctx, "Governance", "propose", [
    v.id("groupId", p.groupId),
    v.uri("descriptionURI", p.descriptionURI),
    Number(v.uint("options", p.options, { bits: 8, min: 2n })),
    v.duration("votingPeriod", p.votingPeriod),
    Number(v.uint("quorumBps", p.quorumBps, { bits: 16 })),
  ]);
  const e = eventOf(ctx, written.receipt, "Governance", "ProposalCreated");
  return { ...written, proposalId: e.proposalId, voteEnd: e.voteEnd };
}
