import { actingAgent, type Context, eventOf, type Written, write } from "../../client/context.js";
import type { WriteErrorType } from "../../errors/types.js";
import { channelId } from "../../utils/keys.js";
import { MAX_PAYLOAD } from "../../utils/payload.js";
import * as v from "../../validate.js";

export type PostMessageParameters = {
  /** The channel's name (hashed) or bytes32 id. */
  channel: string;
  /** Text, or 0x-prefixed hex for raw bytes (at most 16 KiB). Everything on the bus is public. */
  payload: string;
  /** The sender (default: the client's agent). */
  fromAgentId?: bigint | undefined;
};

/** `seq`: the message's sequence number on the channel. */
export type PostMessageReturnType = Written & { seq: bigint };

export type PostMessageErrorType = WriteErrorType<"MessageBus">;

/**
 * Broadcasts `payload` on a channel as the agent (a group's restricted channel takes its members only).
 *
 * @example
 * const { seq } = await postMessage(agent, { channel: "market-news", payload: "ETH up 3%" });
 */
export async function postMessage(ctx: Context, params: PostMessageParameters): Promise<PostMessageReturnType> {
  const args = [
    actingAgent(ctx, params.fromAgentId),
    channelId(params.channel),
    v.payload("payload", params.payload, MAX_PAYLOAD),
  ] as const;
  const written = await write(ctx, "MessageBus", "post", args);
  return { ...written, seq: eventOf(ctx, written.receipt, "MessageBus", "ChannelMessage").seq };
}
