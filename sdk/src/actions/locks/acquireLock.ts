import type { Hex } from "viem";
import { actingAgent, type Context, eventOf, type Written, write } from "../../client/context.js";
import type { WriteErrorType } from "../../errors/types.js";
import { lockKey } from "../../utils/keys.js";
import * as v from "../../validate.js";

export type AcquireLockParameters = {
  /** The resource's name (hashed to the key) or its bytes32 key. */
  key: string;
  /** Seconds the lock lasts unless released or renewed (default 60). */
  ttl?: bigint | number | undefined;
  /** The holder (default: the client's agent). */
  agentId?: bigint | undefined;
};

/** A lock held: its key, the fencing token that orders holders over time, and when it expires. */
export type Lease = Written & { key: Hex; fencingToken: bigint; expiresAt: bigint };

export type AcquireLockReturnType = Lease;

export type AcquireLockErrorType = WriteErrorType<"LockManager">;

/**
 * Takes the lock on `key` for `ttl` seconds (acquiring a lock the agent holds extends it). Pass the
 * fencing token to whatever the lock guards, so that a stale holder is refused.
 *
 * @example
 * const { fencingToken } = await acquireLock(agent, { key: "repo:main", ttl: 30 });
 */
export async function acquireLock(ctx: Context, params: AcquireLockParameters): Promise<AcquireLockReturnType> {
  const key = lockKey(params.key);
  const args = [key, actingAgent(ctx, params.agentId), v.duration("ttl", params.ttl ?? 60n)] as const;
  const written = await write(ctx, "LockManager", "acquire", args);
  const e = eventOf(ctx, written.receipt, "LockManager", "LockAcquired");
  return { ...written, key, fencingToken: e.fencingToken, expiresAt: e.expiresAt };
}
