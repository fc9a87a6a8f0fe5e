/**
 *   GET /agents?chain=&capability=0x..&limit=&offset=  agents, by id then chain (with a capability: those
 *                                                      declaring it; with a chain: that chain's)
 *   GET /agents/:id?chain=                             an agent with its metadata, stake and groups
 *                                                      (`chain` required when several chains are indexed)
 */
import { db } from "ponder:api";
import { agent, agentCapability, agentMetadata, groupMember, stake } from "ponder:schema";
import { Hono } from "hono";
import { and, asc, eq } from "ponder";
import { bytes32, chainFilter, chainOf, limit, uint } from "./params.js";
import { json, notFound } from "./respond.js";
import { chains } from "./runtime.js";

export const agents = new Hono()
  .get("/agents", async (c) => {
    const capability = bytes32("capability", c.req.query("capability"));
    const chain = chainFilter(c.req.query("chain"), chains);
    const n = limit(c.req.query("limit"));
    const offset = Number(uint("offset", c.req.query("offset"), 0n));
    const onChain = chain ? eq(agent.chainId, chain.id) : undefined;
    const rows = capability
      ? await db
          .select({ agent })
          .from(agentCapability)
          .innerJoin(agent, and(eq(agent.chainId, agentCapability.chainId), eq(agent.id, agentCapability.agentId)))
          .where(and(eq(agentCapability.capability, capability), onChain))
          .orderBy(asc(agent.id), asc(agent.chainId))
          .limit(n)
          .offset(offset)
          .then((r) => r.map((x) => x.agent))
      : await db.select().from(agent).where(onChain).orderBy(asc(agent.id), asc(agent.chainId)).limit(n).offset(offset);
    return c.json(json({ agents: rows }));
  })
  .get("/agents/:id", async (c) => {
    const id = uint("id", c.req.param("id"));
    const chain = chainOf(c.req.query("chain"), chains);
    const [row] = await db
      .select()
      .from(agent)
      .where(and(eq(agent.chainId, chain.id), eq(agent.id, id)));
    if (!row) return c.json(notFound("agent", id, chain), 404);
    const metadata = await db
      .select()
      .from(agentMetadata)
      .where(and(eq(agentMetadata.chainId, chain.id), eq(agentMetadata.agentId, id)));
    const [staked] = await db
      .select()
      .from(stake)
      .where(and(eq(stake.chainId, chain.id), eq(stake.agentId, id)));
    const groups = await db
      .select()
      .from(groupMember)
      .where(and(eq(groupMember.chainId, chain.id), eq(groupMember.agentId, id)));
    return c.json(json({ agent: row, metadata, stake: staked ?? null, groups }));
  });
