/**
 *   GET /inbox/:agentId?chain=&after=seq&limit=    an agent's direct messages after sequence number `after`
 *   GET /channels/:channel?chain=&after=seq&limit= a channel's messages after sequence number `after`
 * (`chain` required when several chains are indexed: sequence numbers are per chain)
 */
import { db } from "ponder:api";
import { message } from "ponder:schema";
import { Hono } from "hono";
import { and, asc, eq, gt } from "ponder";
import { BadRequest, bytes32, chainOf, type IndexedChain, limit, uint } from "./params.js";
import { json } from "./respond.js";
import { chains } from "./runtime.js";

/** Messages of one inbox or channel after sequence number `after`, in order. */
const messagesAfter = (
  chain: IndexedChain,
  where: ReturnType<typeof eq>,
  after: string | undefined,
  pageSize: string | undefined,
) =>
  db
    .select()
    .from(message)
    .where(and(eq(message.chainId, chain.id), where, gt(message.seq, uint("after", after, 0n))))
    .orderBy(asc(message.seq))
    .limit(limit(pageSize));

export const messages = new Hono()
  .get("/inbox/:agentId", async (c) => {
    const agentId = uint("agentId", c.req.param("agentId"));
    const chain = chainOf(c.req.query("chain"), chains);
    const rows = await messagesAfter(chain, eq(message.toAgentId, agentId), c.req.query("after"), c.req.query("limit"));
    return c.json(json({ chainId: chain.id, agentId, messages: rows }));
  })
  .get("/channels/:channel", async (c) => {
    const channel = bytes32("channel", c.req.param("channel"));
    if (!channel) throw new BadRequest("channel", "is required");
    const chain = chainOf(c.req.query("chain"), chains);
    const rows = await messagesAfter(chain, eq(message.channel, channel), c.req.query("after"), c.req.query("limit"));
    return c.json(json({ chainId: chain.id, channel, messages: rows }));
  });
