/**
 *   GET /agents?capability=0x..&limit=&offset=  agents, by id (with a capability: those declaring it)
 *   GET /agents/:id                             an agent with its metadata, stake and groups
 */
import { db } from "ponder:api";
import { agent, agentCapability, agentMetadata, groupMember, stake } from "ponder:schema";
import { Hono } from "hono";
import { asc, eq } from "ponder";
import { bytes32, limit, uint } from "./params.js";
import { json, notFound } from "./respond.js";

export const agents = new Hono()
  .get("/agents", async (c) => {
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
  })
  .get("/agents/:id", async (c) => {
    const id = uint("id", c.req.param("id"));
    const [row] = await db.select().from(agent).where(eq(agent.id, id));
    if (!row) return c.json(notFound("agent", id), 404);
    const metadata = await db.select().from(agentMetadata).where(eq(agentMetadata.agentId, id));
    const [staked] = await db.select().from(stake).where(eq(stake.agentId, id));
    const groups = await db.select().from(groupMember).where(eq(groupMember.agentId, id));
    return c.json(json({ agent: row, metadata, stake: staked ?? null, groups }));
  });
