/**
 *   GET /tasks?chain=&status=&capability=&poster=&claimant=&after=&afterChain=&limit=  tasks by id (then
 *                                   chain), filtered (capability: one id, or up to 16 comma-separated; chain:
 *                                   one chain id); the next page starts after the last row's id and chainId
 *   GET /tasks/:id?chain=           a task and its history (`chain` required when several chains are indexed)
 */
import { db } from "ponder:api";
import { activity, task, taskStatuses } from "ponder:schema";
import { Hono } from "hono";
import { and, asc, eq, gt, inArray, ne, or } from "ponder";
import { address, bytes32List, chainFilter, chainOf, limit, oneOf, uint } from "./params.js";
import { json, notFound } from "./respond.js";
import { chains } from "./runtime.js";

/**
 * One event of a task's history, from its activity row: the event's name as `kind`, the agent it
 * concerns, the attempt when the event carries one, and its arguments as `data`.
 */
const historyEntry = (row: typeof activity.$inferSelect) => {
  const args = row.args as Record<string, unknown>;
  return {
    id: row.id,
    chainId: row.chainId,
    taskId: row.taskId,
    kind: row.event,
    agentId: row.agentId,
    attempt: typeof args.attempt === "number" ? args.attempt : null,
    data: args,
    blockNumber: row.blockNumber,
    logIndex: row.logIndex,
    timestamp: row.timestamp,
    txHash: row.txHash,
  };
};

/** The computed view of a task's handoff offer (valid while its attempt holds the task). */
type Handoff = { status: string; attempt: number; handoffTo: bigint; handoffAttempt: number };
const withPendingHandoff = <T extends Handoff>(t: T) => ({
  ...t,
  pendingHandoff: t.status === "claimed" && t.handoffAttempt === t.attempt ? t.handoffTo : 0n,
});

export const tasks = new Hono()
  .get("/tasks", async (c) => {
    const status = oneOf("status", c.req.query("status"), taskStatuses);
    const capabilities = bytes32List("capability", c.req.query("capability"), 16);
    const poster = address("poster", c.req.query("poster"));
    const claimantParam = c.req.query("claimant");
    const claimant = claimantParam === undefined ? undefined : uint("claimant", claimantParam);
    const after = uint("after", c.req.query("after"), 0n);
    const afterChain = c.req.query("afterChain");
    const chain = chainFilter(c.req.query("chain"), chains);
    // Across chains one id may be on several: the cursor is (id, chainId), the order of the list.
    const filters = [
      afterChain === undefined
        ? gt(task.id, after)
        : or(gt(task.id, after), and(eq(task.id, after), gt(task.chainId, Number(uint("afterChain", afterChain)))))!,
    ];
    if (chain) filters.push(eq(task.chainId, chain.id));
    if (status) filters.push(eq(task.status, status));
    if (capabilities) filters.push(inArray(task.capability, capabilities));
    if (poster) filters.push(eq(task.poster, poster));
    if (claimant !== undefined) filters.push(eq(task.claimant, claimant));
    const rows = await db
      .select()
      .from(task)
      .where(and(...filters))
      .orderBy(asc(task.id), asc(task.chainId))
      .limit(limit(c.req.query("limit")));
    return c.json(json({ tasks: rows.map(withPendingHandoff) }));
  })
  .get("/tasks/:id", async (c) => {
    const id = uint("id", c.req.param("id"));
    const chain = chainOf(c.req.query("chain"), chains);
    const [row] = await db
      .select()
      .from(task)
      .where(and(eq(task.chainId, chain.id), eq(task.id, id)));
    if (!row) return c.json(notFound("task", id, chain), 404);
    // Its TaskBoard events; the credits a settlement made are money, not history.
    const history = await db
      .select()
      .from(activity)
      .where(
        and(
          eq(activity.chainId, chain.id),
          eq(activity.taskId, id),
          eq(activity.contract, "TaskBoard"),
          ne(activity.event, "Credited"),
        ),
      )
      .orderBy(asc(activity.blockNumber), asc(activity.logIndex));
    return c.json(json({ task: withPendingHandoff(row), history: history.map(historyEntry) }));
  });
