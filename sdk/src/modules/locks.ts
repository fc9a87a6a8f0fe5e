/**
 * Leases on named resources with fencing tokens, bound to an agent: `acquire`, `release`,
 * `withLock`. Each method calls the action of the same concern in `actions/locks/`.
 */
import { acquireLock } from "../actions/locks/acquireLock.js";
import { getLockHolder } from "../actions/locks/getLockHolder.js";
import { releaseLock } from "../actions/locks/releaseLock.js";
import { type WithLockParameters, withLock } from "../actions/locks/withLock.js";
import type { Context } from "../client/context.js";
import { lockKey } from "../utils/keys.js";

export function locksModule(ctx: Context) {
  return {
    /** The bytes32 key of a resource name (keccak256), or the key itself. See {@link lockKey}. */
    keyOf: lockKey,
    /** Takes the lock on `key` for `ttl` seconds. See {@link acquireLock}. */
    acquire: (key: string, options: { ttl?: bigint | number; agentId?: bigint } = {}) =>
      acquireLock(ctx, { ...options, key }),
    /** Releases a lock the agent holds. See {@link releaseLock}. */
    release: (key: string, fencingToken: bigint) => releaseLock(ctx, { key, fencingToken }),
    /** Who holds `key`, its fencing token and expiry. See {@link getLockHolder}. */
    holder: (key: string) => getLockHolder(ctx, { key }),
    /** Runs `fn` holding the lock on `key`, releasing it afterwards. See {@link withLock}. */
    withLock: <T>(
      key: string,
      fn: (fencingToken: bigint) => Promise<T>,
      options: Omit<WithLockParameters<T>, "key" | "fn"> = {},
    ) => withLock(ctx, { ...options, key, fn }),
  };
}

export type LocksModule = ReturnType<typeof locksModule>;
