import { actingAgent, type Context, read } from "../../client/context.js";
import type { ReadErrorType } from "../../errors/types.js";
import * as v from "../../validate.js";

export type IsGroupMemberParameters = {
  groupId: bigint | number | string;
  /** The agent (default: the client's). */
  agentId?: bigint | undefined;
};

export type IsGroupMemberReturnType = boolean;

export type IsGroupMemberErrorType = ReadErrorType<"LeaderElection">;

/**
 * Whether the agent is a member of the group, from the chain.
 *
 * @example
 * if (!(await isGroupMember(agent, { groupId: 1n }))) await joinGroup(agent, { groupId: 1n });
 */
export async function isGroupMember(ctx: Context, params: IsGroupMemberParameters): Promise<IsGroupMemberReturnType> {
  return read(ctx, "LeaderElection", "isMember", [v.id("groupId", params.groupId), actingAgent(ctx, params.agentId)]);
}
