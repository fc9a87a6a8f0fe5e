/**
 *   GET /tasks?status=&capability=&poster=&claimant=&after=&limit=  tasks by id, filtered
 *                                   (capability: one id, or up to 16 comma-separated)
 *   GET /tasks/:id                  a task and its history
 */
import { db } from "ponder:api";
import { task, taskEvent } from "ponder:schema";
import { Hono } from "hono";
import { and, asc, eq, gt, inArray } from "ponder";
import { address, bytes32List, limit, oneOf, uint } from "./params.js";
import { json, notFound } from "./respond.js";

const TASK_STATUSES = ["open", "claimed", "submitted", "escalated", "accepted", "cancelled", "expired"] as const;

/** The computed view of a task's handoff offer (valid while its attempt holds the task). */
const withPendingHandoff = <T extends { status: string; attempt: number; handoffTo: bigint; handoffAttempt: number }>(t: T) => ({
  ...t,
  pendingHandoff: t.status === "claimed" && t.handoffAttempt === t.attempt ? t.handoffTo : 0n,
});

export const tasks = new Hono()
  .get("/tasks", async (c) => {
    const status = oneOf("status", c.req.query("status"), TASK_STATUSES);
    const capabilities = bytes32List("capability", c.req.query("capability"), 16);
    const poster = address("poster", c.req.query("poster"));
    const claimantParam = c.req.query("claimant");
    const claimant = claimantParam === undefined ? undefined : uint("claimant", claimantParam);
    const after = uint("after", c.req.query("after"), 0n);
    const filters = [gt(task.id, after)];
    if (status) filters.push(eq(task.status, status));
    if (capabilities) filters.push(inArray(task.capability, capabilities));
    if (poster) filters.push(eq(task.poster, poster));
    if (claimant !== undefined) filters.push(eq(task.claimant, claimant));
    const rows = await db
      .select()
      .from(task)
      .where(and(...filters))
      .orderBy(asc(task.id))
      .limit(limit(c.req.query("limit")));
    return c.json(json({ tasks: rows.map(withPendingHandoff) }));
  })
  .get("/tasks/:id", async (c) => {
    const id = uint("id", c.req.param("id"));
    const [row] = await db.select().from(task).where(eq(task.id, id));
    if (!row) return c.json(notFound("task", id), 404);
    const history = await db
      .select()
      .from(taskEvent)
      .where(eq(taskEvent.taskId, id))
      .orderBy(asc(taskEvent.blockNumber), asc(taskEvent.logIndex));
    return c.json(json({ task: withPendingHandoff(row), history }));
  });
