/** Stake-weighted votes of a group: propose, vote, finalize. */
import { type Context, actingAgent, eventOf, read, write, type Written } from "../client/context.js";
import * as v from "../validate.js";

export type ProposeParameters = {
  groupId: bigint | number;
  descriptionURI: string;
  /** Number of options (2..MAX_OPTIONS). */
  options: number;
  /** Seconds the vote stays open. */
  votingPeriod: bigint | number;
  /** Share of the group's weight that must vote, in basis points (0..10,000). */
  quorumBps: number;
};

export function governanceModule(ctx: Context) {
  return {
    async propose(p: ProposeParameters): Promise<Written & { proposalId: bigint; voteEnd: bigint }> {
      const written = await write(ctx, "Governance", "propose", [
        v.id("groupId", p.groupId),
        v.uri("descriptionURI", p.descriptionURI),
        Number(v.uint("options", p.options, { bits: 8, min: 2n })),
        v.duration("votingPeriod", p.votingPeriod),
        Number(v.uint("quorumBps", p.quorumBps, { bits: 16 })),
      ]);
      const e = eventOf(ctx, written.receipt, "Governance", "ProposalCreated");
      return { ...written, proposalId: e.proposalId, voteEnd: e.voteEnd };
    },
    /** Votes `option` (0-based) with the agent's stake at the proposal's snapshot. */
    vote: (proposalId: bigint, option: number, options: { agentId?: bigint } = {}) =>
      write(ctx, "Governance", "vote", [v.id("proposalId", proposalId), actingAgent(ctx, options.agentId), Number(v.uint("option", option, { bits: 8 }))]),
    /** Closes a vote after its end; the outcome is the winning option, or NO_QUORUM / TIE. */
    async finalize(proposalId: bigint): Promise<Written & { outcome: number }> {
      const written = await write(ctx, "Governance", "finalize", [v.id("proposalId", proposalId)]);
      return { ...written, outcome: eventOf(ctx, written.receipt, "Governance", "ProposalFinalized").outcome };
    },
    get: (proposalId: bigint) => read(ctx, "Governance", "getProposal", [v.id("proposalId", proposalId)]),
    votesFor: (proposalId: bigint, option: number) => read(ctx, "Governance", "votesFor", [v.id("proposalId", proposalId), Number(v.uint("option", option, { bits: 8 }))]),
  };
}

export type GovernanceModule = ReturnType<typeof governanceModule>;
