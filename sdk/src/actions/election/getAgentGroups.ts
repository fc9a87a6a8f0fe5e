import { actingAgent, type Context, read } from "../../client/context.js";
import type { ReadErrorType } from "../../errors/types.js";

export type GetAgentGroupsParameters = {
  /** The agent (default: the client's). */
  agentId?: bigint | undefined;
};

/** The ids of the groups the agent is a member of. */
export type GetAgentGroupsReturnType = readonly bigint[];

export type GetAgentGroupsErrorType = ReadErrorType<"LeaderElection">;

/**
 * The groups an agent is a member of, from the chain.
 *
 * @example
 * const groups = await getAgentGroups(agent);
 */
export async function getAgentGroups(
  ctx: Context,
  params: GetAgentGroupsParameters = {},
): Promise<GetAgentGroupsReturnType> {
  return read(ctx, "LeaderElection", "groupsOf", [actingAgent(ctx, params.agentId)]);
}
