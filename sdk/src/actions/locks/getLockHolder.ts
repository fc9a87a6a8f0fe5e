import { type Context, read } from "../../client/context.js";
import type { ReadErrorType } from "../../errors/types.js";
import { lockKey } from "../../utils/keys.js";

export type GetLockHolderParameters = {
  /** The resource's name or bytes32 key. */
  key: string;
};

/** The holder (agent 0: nobody), its fencing token and when it expires. */
export type GetLockHolderReturnType = { agentId: bigint; fencingToken: bigint; expiresAt: bigint };

export type GetLockHolderErrorType = ReadErrorType<"LockManager">;

/**
 * Who holds the lock on `key`, from the chain.
 *
 * @example
 * const { agentId, expiresAt } = await getLockHolder(agent, { key: "repo:main" });
 */
export async function getLockHolder(ctx: Context, params: GetLockHolderParameters): Promise<GetLockHolderReturnType> {
  const [agentId, fencingToken, expiresAt] = await read(ctx, "LockManager", "holderOf", [lockKey(params.key)]);
  return { agentId, fencingToken, expiresAt };
}
