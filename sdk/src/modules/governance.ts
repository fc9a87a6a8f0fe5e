/**
 * Stake-weighted votes of a group, bound to an agent: propose, vote, finalize. Each method calls
 * the action of the same concern in `actions/governance/`.
 */
import { castVote } from "../actions/governance/castVote.js";
import { type CreateProposalParameters, createProposal } from "../actions/governance/createProposal.js";
import { finalizeProposal } from "../actions/governance/finalizeProposal.js";
import { getProposal } from "../actions/governance/getProposal.js";
import { getVotes } from "../actions/governance/getVotes.js";
import type { Context } from "../client/context.js";

export function governanceModule(ctx: Context) {
  return {
    /** Opens a vote among a group's members. See {@link createProposal}. */
    propose: (params: CreateProposalParameters) => createProposal(ctx, params),
    /** Votes `option` (0-based) with the agent's stake at the proposal's snapshot. See {@link castVote}. */
    vote: (proposalId: bigint, option: number, options: { agentId?: bigint } = {}) =>
      castVote(ctx, { ...options, proposalId, option }),
    /** Closes a vote after its end. See {@link finalizeProposal}. */
    finalize: (proposalId: bigint) => finalizeProposal(ctx, { proposalId }),
    /** A proposal. See {@link getProposal}. */
    get: (proposalId: bigint) => getProposal(ctx, { proposalId }),
    /** The weight cast for one option. See {@link getVotes}. */
    votesFor: (proposalId: bigint, option: number) => getVotes(ctx, { proposalId, option }),
  };
}

export type GovernanceModule = ReturnType<typeof governanceModule>;
