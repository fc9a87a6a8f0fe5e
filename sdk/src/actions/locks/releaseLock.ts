import { type Context, type Written, write } from "../../client/context.js";
import type { WriteErrorType } from "../../errors/types.js";
import { lockKey } from "../../utils/keys.js";
import * as v from "../../validate.js";

export type ReleaseLockParameters = {
  /** The resource's name or bytes32 key. */
  key: string;
  /** The token `acquireLock` returned: it proves the agent still holds the lock. */
  fencingToken: bigint;
};

export type ReleaseLockReturnType = Written;

export type ReleaseLockErrorType = WriteErrorType<"LockManager">;

/**
 * Releases a lock the agent holds, so others can take it at once.
 *
 * @example
 * await releaseLock(agent, { key: "repo:main", fencingToken });
 */
export async function releaseLock(ctx: Context, params: ReleaseLockParameters): Promise<ReleaseLockReturnType> {
  return write(ctx, "LockManager", "release", [
    lockKey(params.key),
    v.uint("fencingToken", params.fencingToken, { min: 1n }),
  ]);
}
