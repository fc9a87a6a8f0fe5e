/**
 *   GET /groups/:id/leader?chain=  the group's leader, term and epoch, heartbeat deadline, members, pending
 *                                  draw (`chain` required when several chains are indexed)
 */
import { db } from "ponder:api";
import { group, groupMember } from "ponder:schema";
import { Hono } from "hono";
import { and, eq } from "ponder";
import { chainOf, uint } from "./params.js";
import { json, notFound } from "./respond.js";
import { chains } from "./runtime.js";

export const groups = new Hono().get("/groups/:id/leader", async (c) => {
  const id = uint("id", c.req.param("id"));
  const chain = chainOf(c.req.query("chain"), chains);
  const [row] = await db
    .select()
    .from(group)
    .where(and(eq(group.chainId, chain.id), eq(group.id, id)));
  if (!row) return c.json(notFound("group", id, chain), 404);
  const members = await db
    .select({ agentId: groupMember.agentId })
    .from(groupMember)
    .where(and(eq(groupMember.chainId, chain.id), eq(groupMember.groupId, id)));
  return c.json(
    json({
      chainId: chain.id,
      groupId: id,
      leader: row.leader,
      term: row.term,
      epoch: row.epoch,
      lastHeartbeat: row.lastHeartbeat,
      heartbeatDeadline: row.leader === 0n ? null : row.lastHeartbeat + row.heartbeatTimeout,
      memberCount: members.length,
      pendingDraw: row.drawBlock === 0n ? null : { drawBlock: row.drawBlock, epoch: row.drawEpoch, term: row.drawTerm },
    }),
  );
});
