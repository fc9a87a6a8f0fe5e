/** The bytes32 keys the contracts take for names: lock keys and channel ids. */
import type { Hex } from "viem";
import * as v from "../validate.js";

/**
 * The bytes32 key of a lock's resource name (keccak256 of it), or the key itself when given one.
 *
 * @example
 * lockKey("repo:main"); // 0x…
 */
export const lockKey = (name: string): Hex => v.name32("key", name);

/**
 * The bytes32 id of a channel name (keccak256 of it), or the id itself when given one.
 *
 * @example
 * channelId("market-news"); // 0x…
 */
export const channelId = (channel: string): Hex => v.name32("channel", channel);
