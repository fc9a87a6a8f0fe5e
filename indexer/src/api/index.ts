import { db } from "ponder:api";
import schema, {
  activity,
  agent,
  agentCapability,
  agentMetadata,
  group,
  groupMember,
  message,
  stake,
  task,
  taskEvent,
} from "ponder:schema";
import { Hono } from "hono";
import { createMiddleware } from "hono/factory";
import { and, asc, client, desc, eq, graphql, gt, inArray, replaceBigInts } from "ponder";
import { randomUUID } from "node:crypto";
import { startDispatcher } from "../webhooks/dispatcher.js";
import { exitWithSupervisor, onIndexedBlock, ponderCommand, refusePortMove, requirePatchedPonder } from "../lib/ponder.js";
import { dashboard } from "./dashboard.js";
import { probes } from "./probes.js";
import { FilterError, parseFilter } from "../webhooks/filter.js";
import { WebhookStore } from "../webhooks/store.js";
import { address, BadRequest, bytes32, bytes32List, limit, oneOf, uint } from "./params.js";

/**
 * The indexer's API: GraphQL (depth and size limited), SQL over HTTP for @ponder/client live
 * queries, REST for the common questions, the truthful probes /healthz and /readyz, webhooks, and
 * the dashboard (a static web app under /dashboard/, see dashboard.ts).
 * Ponder itself serves /health, /ready, /status and /metrics on the same port (`PORT`).
 */
const app = new Hono();
const rpcUrl = process.env.STIGMERGY_RPC_URL ?? "http://127.0.0.1:8545";
const command = ponderCommand();
requirePatchedPonder();
refusePortMove();
exitWithSupervisor();

app.use("/graphql", graphql({ db, schema }, { maxOperationDepth: 8, maxOperationTokens: 2_000, maxOperationAliases: 30 }));

/**
 * A live query's SSE stream sends nothing until its result first changes, and Node sends the
 * response headers only with the first body bytes: a client would not know its stream is open. An
 * SSE comment first (ignored by every EventSource) opens it at once.
 */
app.use("/sql/live", async (c, next) => {
  await next();
  if (!c.res.body || !c.res.headers.get("content-type")?.startsWith("text/event-stream")) return;
  const opened = new TextEncoder().encode(": open\n\n");
  const body = c.res.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({ start: (controller) => controller.enqueue(opened) }),
  );
  c.res = new Response(body, c.res);
});
app.use("/sql/*", client({ db, schema }));

const TASK_STATUSES = ["open", "claimed", "submitted", "escalated", "accepted", "cancelled", "expired"] as const;

/** JSON with bigints as decimal strings. */
const json = (value: unknown) => replaceBigInts(value, (v) => v.toString());

app.onError((error, c) => {
  if (error instanceof BadRequest || error instanceof FilterError) {
    return c.json({ error: "bad_request", field: error.field, reason: error.reason }, 400);
  }
  console.error(error);
  return c.json({ error: "internal_error", reason: "the indexer failed to answer; see its log" }, 500);
});

const notFound = (what: string, id: bigint | string) => ({ error: "not_found", reason: `${what} ${id} is not indexed` });

/** The computed view of a task's handoff offer (valid while its attempt holds the task). */
const withPendingHandoff = <T extends { status: string; attempt: number; handoffTo: bigint; handoffAttempt: number }>(t: T) => ({
  ...t,
  pendingHandoff: t.status === "claimed" && t.handoffAttempt === t.attempt ? t.handoffTo : 0n,
});

// GET /agents?capability=0x..&limit=&offset=
app.get("/agents", async (c) => {
  const capability = bytes32("capability", c.req.query("capability"));
  const n = limit(c.req.query("limit"));
  const offset = Number(uint("offset", c.req.query("offset"), 0n));
  const rows = capability
    ? await db
        .select({ agent })
        .from(agentCapability)
        .innerJoin(agent, eq(agent.id, agentCapability.agentId))
        .where(eq(agentCapability.capability, capability))
        .orderBy(asc(agent.id))
        .limit(n)
        .offset(offset)
        .then((r) => r.map((x) => x.agent))
    : await db.select().from(agent).orderBy(asc(agent.id)).limit(n).offset(offset);
  return c.json(json({ agents: rows }));
});

// GET /agents/:id
app.get("/agents/:id", async (c) => {
  const id = uint("id", c.req.param("id"));
  const [row] = await db.select().from(agent).where(eq(agent.id, id));
  if (!row) return c.json(notFound("agent", id), 404);
  const metadata = await db.select().from(agentMetadata).where(eq(agentMetadata.agentId, id));
  const [staked] = await db.select().from(stake).where(eq(stake.agentId, id));
  const groups = await db.select().from(groupMember).where(eq(groupMember.agentId, id));
  return c.json(json({ agent: row, metadata, stake: staked ?? null, groups }));
});

// GET /tasks?status=&capability=&poster=&claimant=&after=&limit= (capability: one id, or up to 16 comma-separated)
app.get("/tasks", async (c) => {
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
});

// GET /tasks/:id (with its history)
app.get("/tasks/:id", async (c) => {
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

// GET /groups/:id/leader
app.get("/groups/:id/leader", async (c) => {
  const id = uint("id", c.req.param("id"));
  const [row] = await db.select().from(group).where(eq(group.id, id));
  if (!row) return c.json(notFound("group", id), 404);
  const members = await db.select({ agentId: groupMember.agentId }).from(groupMember).where(eq(groupMember.groupId, id));
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

/** Messages of one inbox or channel after sequence number `after`, in order. */
const messagesAfter = (where: ReturnType<typeof eq>, after: string | undefined, pageSize: string | undefined) =>
  db
    .select()
    .from(message)
    .where(and(where, gt(message.seq, uint("after", after, 0n))))
    .orderBy(asc(message.seq))
    .limit(limit(pageSize));

// GET /inbox/:agentId?after=seq&limit=
app.get("/inbox/:agentId", async (c) => {
  const agentId = uint("agentId", c.req.param("agentId"));
  const rows = await messagesAfter(eq(message.toAgentId, agentId), c.req.query("after"), c.req.query("limit"));
  return c.json(json({ agentId, messages: rows }));
});

// GET /channels/:channel?after=seq&limit=
app.get("/channels/:channel", async (c) => {
  const channel = bytes32("channel", c.req.param("channel"));
  if (!channel) throw new BadRequest("channel", "is required");
  const rows = await messagesAfter(eq(message.channel, channel), c.req.query("after"), c.req.query("limit"));
  return c.json(json({ channel, messages: rows }));
});

// ---------------------------------------------------------------- the dashboard (/dashboard/, /deployment, /escrow)

app.route("/", dashboard());

// ---------------------------------------------------------------- probes

app.route(
  "/",
  probes({
    rpcUrl,
    watchReorgs: command !== "serve",
    // The block of the latest indexed event, to check that the index is on the canonical chain.
    // One block is enough: a reorg that replaced an older event's block replaced this one too.
    latestEventBlock: async () => {
      const [row] = await db
        .select({ number: activity.blockNumber, hash: activity.blockHash })
        .from(activity)
        .orderBy(desc(activity.blockNumber))
        .limit(1);
      return row ? { number: Number(row.number), hash: row.hash } : undefined;
    },
  }),
);

// ---------------------------------------------------------------- webhooks

/**
 * Webhook state lives beside the indexer's database; `ponder start` also runs the dispatcher,
 * `ponder serve` only answers the API. With STIGMERGY_WEBHOOK_TOKEN set, the endpoints need
 * `Authorization: Bearer <token>`.
 */
const webhooks = WebhookStore.open();
if (command !== "serve" && process.env.STIGMERGY_WEBHOOKS !== "off") {
  webhooks.then((store) =>
    startDispatcher({
      db,
      store,
      rpcUrl,
      pollMs: Number(process.env.STIGMERGY_POLLING_INTERVAL ?? 250),
      onIndexedBlock,
      confirmations: BigInt(process.env.STIGMERGY_WEBHOOK_CONFIRMATIONS ?? 0),
      maxAttempts: Number(process.env.STIGMERGY_WEBHOOK_MAX_ATTEMPTS ?? 12),
      backoffMs: Number(process.env.STIGMERGY_WEBHOOK_BACKOFF_MS ?? 1_000),
      backoffCapMs: Number(process.env.STIGMERGY_WEBHOOK_BACKOFF_CAP_MS ?? 300_000),
      log: (message) => console.log(message),
    }),
  );
}

const requireToken = createMiddleware(async (c, next) => {
  const token = process.env.STIGMERGY_WEBHOOK_TOKEN;
  if (token && c.req.header("authorization") !== `Bearer ${token}`) {
    return c.json({ error: "unauthorized", reason: "send Authorization: Bearer <STIGMERGY_WEBHOOK_TOKEN>" }, 401);
  }
  await next();
});
app.use("/webhooks", requireToken);
app.use("/webhooks/*", requireToken);

// POST /webhooks {url, secret, filter} -> 201 {id}
app.post("/webhooks", async (c) => {
  let body: Record<string, unknown>;
  try {
    body = (await c.req.json()) as Record<string, unknown>;
  } catch {
    throw new BadRequest("body", "must be a JSON object {url, secret, filter}");
  }
  const url = body.url;
  if (typeof url !== "string" || !/^https?:\/\/[^\s]+$/.test(url)) throw new BadRequest("url", "must be an http(s) URL");
  const secret = body.secret;
  if (typeof secret !== "string" || secret.length < 16) throw new BadRequest("secret", "must be a string of at least 16 characters");
  const filter = parseFilter(body.filter);
  const id = randomUUID();
  await (await webhooks).addSubscription({ id, url, secret, filter });
  return c.json({ id, url, filter }, 201);
});

// GET /webhooks -> subscriptions (secrets are never returned)
app.get("/webhooks", async (c) => {
  const subs = await (await webhooks).subscriptions();
  return c.json({ webhooks: subs.map(({ secret: _secret, ...rest }) => rest), outbox: await (await webhooks).stats() });
});

// DELETE /webhooks/:id -> 204, or 404
app.delete("/webhooks/:id", async (c) => {
  const id = c.req.param("id");
  if (!(await (await webhooks).deleteSubscription(id))) return c.json(notFound("webhook", id), 404);
  return c.body(null, 204);
});

export default app;
