import { type Context, eventOf, type Written, write } from "../../client/context.js";
import type { WriteErrorType } from "../../errors/types.js";
import * as v from "../../validate.js";

export type CreateGroupParameters = {
  /** A name (hashed to bytes32) or a bytes32. */
  name: string;
  /** Seconds a leader's term lasts before a new election may run. */
  epochDuration: bigint | number;
  /** Seconds without a heartbeat after which anyone may fail the leader over. */
  heartbeatTimeout: bigint | number;
  /** Stake a member needs (base units). */
  minStake?: bigint;
  /** Stake slashed from a leader that is failed over. */
  failoverSlash?: bigint;
};

export type CreateGroupReturnType = Written & { groupId: bigint };

export type CreateGroupErrorType = WriteErrorType<"LeaderElection">;

/**
 * Creates a group whose members elect a stake-weighted leader each epoch (its creator has no special
 * rights afterwards).
 *
 * @example
 * const { groupId } = await createGroup(agent, { name: "reviewers", epochDuration: 3600, heartbeatTimeout: 60 });
 */
export async function createGroup(ctx: Context, p: CreateGroupParameters): Promise<CreateGroupReturnType> {
  const params = {
    epochDuration: v.duration("epochDuration", p.epochDuration),
    heartbeatTimeout: v.duration("heartbeatTimeout", p.heartbeatTimeout),
    minStake: v.uint("minStake", p.minStake ?? 0n, { bits: 128 }),
    failoverSlash: v.uint("failoverSlash", p.failoverSlash ?? 0n, { bits: 128 }),
  };
  const written = await write(ctx, "LeaderElection", "createGroup", [v.name32("name", p.name), params]);
  return { ...written, groupId: eventOf(ctx, written.receipt, "LeaderElection", "GroupCreated").groupId };
}
