import { actingAgent, type Context, type Written, write } from "../../client/context.js";
import type { WriteErrorType } from "../../errors/types.js";
import { DRAW_SETTLEMENT_GAS } from "../../utils/draw.js";
import * as v from "../../validate.js";

export type JoinGroupParameters = {
  groupId: bigint | number | string;
  /** The agent (default: the client's). */
  agentId?: bigint | undefined;
};

export type JoinGroupReturnType = Written;

export type JoinGroupErrorType = WriteErrorType<"LeaderElection">;

/**
 * Joins a group with the agent's stake as its weight (closed while the epoch's draw is pending).
 * Sent with gas headroom: it may settle the group's pending leader draw.
 *
 * @example
 * await joinGroup(agent, { groupId: 1n });
 */
export async function joinGroup(ctx: Context, params: JoinGroupParameters): Promise<JoinGroupReturnType> {
  const args = [v.id("groupId", params.groupId), actingAgent(ctx, params.agentId)] as const;
  return write(ctx, "LeaderElection", "join", args, { headroom: DRAW_SETTLEMENT_GAS });
}
