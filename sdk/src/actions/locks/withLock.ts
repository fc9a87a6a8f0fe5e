import type { Context } from "../../client/context.js";
import { ContractRevertError } from "../../errors/contract.js";
import { type AcquireLockErrorType, acquireLock, type Lease } from "./acquireLock.js";
import { releaseLock } from "./releaseLock.js";

export type WithLockParameters<T> = {
  /** The resource's name or bytes32 key. */
  key: string;
  /** The work, given the fencing token to pass to whatever the lock guards. */
  fn: (fencingToken: bigint) => Promise<T>;
  /** Seconds the lock lasts (default 60). */
  ttl?: bigint | number | undefined;
  /** The holder (default: the client's agent). */
  agentId?: bigint | undefined;
  /** While someone else holds the lock, keep trying for this long (default 0: the LockHeld error is thrown). */
  waitMs?: number | undefined;
  /** Milliseconds between tries (default 500). */
  retryMs?: number | undefined;
};

/** What `fn` resolved with. */
export type WithLockReturnType<T> = T;

/** Acquiring can throw these; `fn`'s own errors are rethrown as they are. */
export type WithLockErrorType = AcquireLockErrorType;

/**
 * Runs `fn` holding the lock on `key` and releases it afterwards, even if `fn` throws. While the
 * lock is held by someone else it retries every `retryMs` until `waitMs` has passed.
 *
 * @example
 * await withLock(agent, { key: "shared-ledger", waitMs: 10_000, fn: async (token) => appendToLedger(token) });
 */
export async function withLock<T>(ctx: Context, params: WithLockParameters<T>): Promise<WithLockReturnType<T>> {
  const { key, fn } = params;
  const until = Date.now() + (params.waitMs ?? 0);
  let lease: Lease;
  for (;;) {
    try {
      lease = await acquireLock(ctx, { key, ttl: params.ttl, agentId: params.agentId });
      break;
    } catch (error) {
      const held = error instanceof ContractRevertError && error.errorName === "LockHeld";
      if (!held || Date.now() >= until) throw error;
      await new Promise((r) => setTimeout(r, params.retryMs ?? 500));
    }
  }
  try {
    return await fn(lease.fencingToken);
  } finally {
    // Expired or taken over: nothing left to release.
    await releaseLock(ctx, { key, fencingToken: lease.fencingToken }).catch(() => undefined);
  }
}
