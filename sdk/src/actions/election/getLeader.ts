import { type Context, read } from "../../client/context.js";
import type { IndexedReadErrorType } from "../../errors/types.js";
import type { Row } from "../../indexer/client.js";
import { type Leadership, toLeadership } from "../../indexer/rows.js";
import * as v from "../../validate.js";

export type GetLeaderParameters = { groupId: bigint | number | string };

export type GetLeaderReturnType = Leadership;

export type GetLeaderErrorType = IndexedReadErrorType<"LeaderElection">;

/**
 * The group's current leader, term, epoch, last heartbeat and heartbeat deadline, and its pending
 * draw. From the indexer; without one (or before it has indexed the group), from the chain.
 *
 * @example
 * const { leader, heartbeatDeadline } = await getLeader(agent, { groupId: 1n });
 */
export async function getLeader(ctx: Context, params: GetLeaderParameters): Promise<GetLeaderReturnType> {
  const id = v.id("groupId", params.groupId);
  if (ctx.indexer) {
    const body = await ctx.indexer.get<Row>(`/groups/${id}/leader`, { chain: ctx.deployment.chainId });
    if (body) return toLeadership(body);
  }
  const [agentId, term, epoch, lastHeartbeat] = await read(ctx, "LeaderElection", "currentLeader", [id]);
  const [groupParams] = await read(ctx, "LeaderElection", "groupParams", [id]);
  const [drawBlock, drawEpoch, drawTerm] = await read(ctx, "LeaderElection", "pendingDraw", [id]);
  return {
    chainId: ctx.deployment.chainId,
    groupId: id,
    leader: agentId,
    term,
    epoch,
    lastHeartbeat,
    heartbeatDeadline: agentId === 0n ? null : lastHeartbeat + groupParams.heartbeatTimeout,
    pendingDraw: drawBlock === 0n ? null : { drawBlock, epoch: drawEpoch, term: drawTerm },
  };
}
