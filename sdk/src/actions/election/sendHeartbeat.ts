import { actingAgent, type Context, type Written, write } from "../../client/context.js";
import type { WriteErrorType } from "../../errors/types.js";
import { DRAW_SETTLEMENT_GAS } from "../../utils/draw.js";
import * as v from "../../validate.js";

export type SendHeartbeatParameters = {
  groupId: bigint | number | string;
  /** The agent (default: the client's). */
  agentId?: bigint | undefined;
};

export type SendHeartbeatReturnType = Written;

export type SendHeartbeatErrorType = WriteErrorType<"LeaderElection">;

/**
 * Proves the leader is alive (the leader only), which keeps a failover away until the next
 * timeout. Sent with gas headroom: it may settle the group's pending leader draw.
 *
 * @example
 * await sendHeartbeat(agent, { groupId: 1n });
 */
export async function sendHeartbeat(ctx: Context, params: SendHeartbeatParameters): Promise<SendHeartbeatReturnType> {
  const args = [v.id("groupId", params.groupId), actingAgent(ctx, params.agentId)] as const;
  return write(ctx, "LeaderElection", "heartbeat", args, { headroom: DRAW_SETTLEMENT_GAS });
}
