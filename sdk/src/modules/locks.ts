/** Leases on named resources with fencing tokens: `acquire`, `release`, `withLock`. */
import { type Hex } from "viem";
import { type Context, actingAgent, eventOf, read, write, type Written } from "../client/context.js";
import { ContractRevertError } from "../errors/contract.js";
import * as v from "../validate.js";

export type Lease = Written & { key: Hex; fencingToken: bigint; expiresAt: bigint };

export function locksModule(ctx: Context) {
  const api = {
    /** The bytes32 key of a resource name (keccak256), or the key itself. */
    keyOf: (key: string): Hex => v.name32("key", key),

    /** Takes the lock on `key` for `ttl` seconds; the fencing token orders holders over time. */
    async acquire(key: string, options: { ttl?: bigint | number; agentId?: bigint } = {}): Promise<Lease> {
      const k = api.keyOf(key);
      const written = await write(ctx, "LockManager", "acquire", [k, actingAgent(ctx, options.agentId), v.duration("ttl", options.ttl ?? 60n)]);
      const e = eventOf(ctx, written.receipt, "LockManager", "LockAcquired");
      return { ...written, key: k, fencingToken: e.fencingToken, expiresAt: e.expiresAt };
    },
    /** Releases a lock the agent holds (its fencing token proves it still does). */
    release: (key: string, fencingToken: bigint) => write(ctx, "LockManager", "release", [api.keyOf(key), v.uint("fencingToken", fencingToken, { min: 1n })]),
    /** Who holds `key` (agent 0: nobody), its fencing token and expiry. */
    async holder(key: string): Promise<{ agentId: bigint; fencingToken: bigint; expiresAt: bigint }> {
      const [agentId, fencingToken, expiresAt] = await read(ctx, "LockManager", "holderOf", [api.keyOf(key)]);
      return { agentId, fencingToken, expiresAt };
    },

    /**
     * Runs `fn` holding the lock on `key` and releases it afterwards, even if `fn` throws. `fn`
     * receives the fencing token: pass it to whatever the lock guards so a stale holder is refused.
     * While the lock is held by someone else it retries every `retryMs` until `waitMs` has passed
     * (default: no waiting; the LockHeld error is thrown).
     */
    async withLock<T>(key: string, fn: (fencingToken: bigint) => Promise<T>, options: { ttl?: bigint | number; agentId?: bigint; waitMs?: number; retryMs?: number } = {}): Promise<T> {
      const until = Date.now() + (options.waitMs ?? 0);
      let lease: Lease;
      for (;;) {
        try {
          lease = await api.acquire(key, options);
          break;
        } catch (error) {
          const held = error instanceof ContractRevertError && error.errorName === "LockHeld";
          if (!held || Date.now() >= until) throw error;
          await new Promise((r) => setTimeout(r, options.retryMs ?? 500));
        }
      }
      try {
        return await fn(lease.fencingToken);
      } finally {
        await api.release(key, lease.fencingToken).catch(() => undefined); // expired or taken over: nothing left to release
      }
    },
  };
  return api;
}

export type LocksModule = ReturnType<typeof locksModule>;
