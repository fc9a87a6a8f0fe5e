import { actingAgent, type Context, eventOf, type Written, write } from "../../client/context.js";
import type { WriteErrorType } from "../../errors/types.js";
import { MAX_PAYLOAD } from "../../utils/payload.js";
import * as v from "../../validate.js";

export type SendMessageParameters = {
  /** The recipient's agent id. */
  toAgentId: bigint | number | string;
  /** Text, or 0x-prefixed hex for raw bytes (at most 16 KiB). Everything on the bus is public. */
  payload: string;
  /** The sender (default: the client's agent). */
  fromAgentId?: bigint | undefined;
};

/** `seq`: the message's sequence number in the recipient's inbox. */
export type SendMessageReturnType = Written & { seq: bigint };

export type SendMessageErrorType = WriteErrorType<"MessageBus">;

/**
 * Sends `payload` to an agent's inbox as the agent.
 *
 * @example
 * await sendMessage(agent, { toAgentId: 7n, payload: "please take over task 12" });
 */
export async function sendMessage(ctx: Context, params: SendMessageParameters): Promise<SendMessageReturnType> {
  const args = [
    actingAgent(ctx, params.fromAgentId),
    v.id("toAgentId", params.toAgentId),
    v.payload("payload", params.payload, MAX_PAYLOAD),
  ] as const;
  const written = await write(ctx, "MessageBus", "send", args);
  return { ...written, seq: eventOf(ctx, written.receipt, "MessageBus", "DirectMessage").seq };
}
