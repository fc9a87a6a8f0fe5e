/**
 *   GET /groups/:id/leader  the group's leader, term and epoch, heartbeat deadline, members, pending draw
 */
import { db } from "ponder:api";
import { group, groupMember } from "ponder:schema";
import { Hono } from "hono";
import { eq } from "ponder";
import { uint } from "./params.js";
import { json, notFound } from "./respond.js";

export const groups = new Hono().get("/groups/:id/leader", async (c) => {
  const id = uint("id", c.req.param("id"));
  const [row] = await db.select().from(group).where(eq(group.id, id));
  if (!row) return c.json(notFound("group", id), 404);
  const members = await db
    .select({ agentId: groupMember.agentId })
    .from(groupMember)
    .where(eq(groupMember.groupId, id));
  return c.json(
    json({
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
