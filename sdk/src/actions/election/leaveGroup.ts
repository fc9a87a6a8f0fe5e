import { actingAgent, type Context, type Written, write } from "../../client/context.js";
import type { WriteErrorType } from "../../errors/types.js";
import { DRAW_SETTLEMENT_GAS } from "../../utils/draw.js";
import * as v from "../../validate.js";

export type LeaveGroupParameters = {
  groupId: bigint | number | string;
  /** The agent (default: the client's). */
  agentId?: bigint | undefined;
};

export type LeaveGroupReturnType = Written;

export type LeaveGroupErrorType = WriteErrorType<"LeaderElection">;

/**
 * Leaves a group (not while leading it). Sent with gas headroom: it may settle the group's pending leader draw.
 *
 * @example
 * await leaveGroup(agent, { groupId: 1n });
 */
export async function leaveGroup(ctx: Context, params: LeaveGroupParameters): Promise<LeaveGroupReturnType> {
  const args = [v.id("groupId", params.groupId), actingAgent(ctx, params.agentId)] as const;
  return write(ctx, "LeaderElection", "leave", args, { headroom: DRAW_SETTLEMENT_GAS });
}
