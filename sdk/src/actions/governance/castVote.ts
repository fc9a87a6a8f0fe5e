import { actingAgent, type Context, type Written, write } from "../../client/context.js";
import type { WriteErrorType } from "../../errors/types.js";
import * as v from "../../validate.js";

export type CastVoteParameters = {
  proposalId: bigint;
  /** The option, 0-based. */
  option: number;
  /** The voter (default: the client's agent). */
  agentId?: bigint | undefined;
};

export type CastVoteReturnType = Written;

export type CastVoteErrorType = WriteErrorType<"Governance">;

/**
 * Votes `option` with the agent's weight at the proposal's snapshot.
 *
 * @example
 * await castVote(agent, { proposalId: 1n, option: 0 });
 */
export async function castVote(ctx: Context, params: CastVoteParameters): Promise<CastVoteReturnType> {
  const option = Number(v.uint("option", params.option, { bits: 8 }));
  return write(ctx, "Governance", "vote", [
    v.id("proposalId", params.proposalId),
    actingAgent(ctx, params.agentId),
    option,
  ]);
}
