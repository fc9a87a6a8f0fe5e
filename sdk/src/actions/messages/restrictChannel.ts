import type { Hex } from "viem";
import { type Context, eventOf, type Written, write } from "../../client/context.js";
import type { WriteErrorType } from "../../errors/types.js";
import * as v from "../../validate.js";

export type RestrictChannelParameters = {
  groupId: bigint | number | string;
  /** The channel's name within the group (hashed) or a bytes32. */
  name: string;
};

/** `channel`: the restricted channel's id (`getGroupChannel(groupId, name)`). */
export type RestrictChannelReturnType = Written & { channel: Hex };

export type RestrictChannelErrorType = WriteErrorType<"MessageBus">;

/**
 * Reserves the group's channel `name` for the group's members (before its first message).
 *
 * @example
 * const { channel } = await restrictChannel(agent, { groupId: 1n, name: "swarm" });
 */
export async function restrictChannel(
  ctx: Context,
  params: RestrictChannelParameters,
): Promise<RestrictChannelReturnType> {
  const written = await write(ctx, "MessageBus", "restrictChannel", [
    v.id("groupId", params.groupId),
    v.name32("name", params.name),
  ]);
  return { ...written, channel: eventOf(ctx, written.receipt, "MessageBus", "ChannelRestricted").channel };
}
