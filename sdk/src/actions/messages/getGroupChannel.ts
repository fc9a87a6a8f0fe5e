import type { Hex } from "viem";
import { type Context, read } from "../../client/context.js";
import type { ReadErrorType } from "../../errors/types.js";
import * as v from "../../validate.js";

export type GetGroupChannelParameters = {
  groupId: bigint | number | string;
  /** The channel's name within the group (hashed) or a bytes32. */
  name: string;
};

/** The channel's bytes32 id. */
export type GetGroupChannelReturnType = Hex;

export type GetGroupChannelErrorType = ReadErrorType<"MessageBus">;

/**
 * The id of group `groupId`'s channel `name` (what `restrictChannel` reserves), from the chain.
 *
 * @example
 * const channel = await getGroupChannel(agent, { groupId: 1n, name: "swarm" });
 */
export async function getGroupChannel(
  ctx: Context,
  params: GetGroupChannelParameters,
): Promise<GetGroupChannelReturnType> {
  return read(ctx, "MessageBus", "groupChannel", [v.id("groupId", params.groupId), v.name32("name", params.name)]);
}
