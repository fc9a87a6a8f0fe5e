import type { Context } from "../../client/context.js";
import type { IndexedReadErrorType } from "../../errors/types.js";
import type { Row } from "../../indexer/client.js";
import { type Message, toMessage } from "../../indexer/rows.js";
import { channelId } from "../../utils/keys.js";
import { messagesFromChain } from "./messageLogs.js";

export type ReadChannelParameters = {
  /** The channel's name (hashed) or bytes32 id. */
  channel: string;
  /** Only messages after this sequence number. */
  after?: bigint | undefined;
  /** At most this many (the indexer's default page when not given). */
  limit?: number | undefined;
};

/** Oldest first. */
export type ReadChannelReturnType = Message[];

export type ReadChannelErrorType = IndexedReadErrorType<"MessageBus">;

/**
 * Messages on a channel after sequence number `after`, oldest first. From the indexer; without
 * one, from MessageBus's logs.
 *
 * @example
 * const news = await readChannel(agent, { channel: "market-news" });
 */
export async function readChannel(ctx: Context, params: ReadChannelParameters): Promise<ReadChannelReturnType> {
  const { channel } = params;
  if (!ctx.indexer) return (await messagesFromChain(ctx, { channel })).filter((m) => m.seq > (params.after ?? 0n));
  const query = { chain: ctx.deployment.chainId, after: params.after, limit: params.limit };
  const body = await ctx.indexer.get<{ messages: Row[] }>(`/channels/${channelId(channel)}`, query);
  return (body?.messages ?? []).map(toMessage);
}
