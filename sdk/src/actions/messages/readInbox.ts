import { actingAgent, type Context } from "../../client/context.js";
import type { IndexedReadErrorType } from "../../errors/types.js";
import type { Row } from "../../indexer/client.js";
import { type Message, toMessage } from "../../indexer/rows.js";
import { messagesFromChain } from "./messageLogs.js";

export type ReadInboxParameters = {
  /** Whose inbox (default: the client's agent). */
  agentId?: bigint | undefined;
  /** Only messages after this sequence number. */
  after?: bigint | undefined;
  /** At most this many (the indexer's default page when not given). */
  limit?: number | undefined;
};

/** Oldest first. */
export type ReadInboxReturnType = Message[];

export type ReadInboxErrorType = IndexedReadErrorType<"MessageBus">;

/**
 * Messages in an inbox after sequence number `after`, oldest first. From the indexer; without one,
 * from MessageBus's logs.
 *
 * @example
 * const messages = await readInbox(agent, { after: lastSeen });
 */
export async function readInbox(ctx: Context, params: ReadInboxParameters = {}): Promise<ReadInboxReturnType> {
  const agentId = actingAgent(ctx, params.agentId);
  if (!ctx.indexer)
    return (await messagesFromChain(ctx, { toAgentId: agentId })).filter((m) => m.seq > (params.after ?? 0n));
  const query = { chain: ctx.deployment.chainId, after: params.after, limit: params.limit };
  const body = await ctx.indexer.get<{ messages: Row[] }>(`/inbox/${agentId}`, query);
  return (body?.messages ?? []).map(toMessage);
}
