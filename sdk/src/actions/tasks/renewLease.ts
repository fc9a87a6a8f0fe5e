import { type Context, eventOf, type Written, write } from "../../client/context.js";
import type { WriteErrorType } from "../../errors/types.js";
import * as v from "../../validate.js";

export type RenewLeaseParameters = {
  taskId: bigint | number | string;
  /** The attempt of the claim (from `claimTask`): a stale one is refused. */
  attempt: number;
};

export type RenewLeaseReturnType = Written & { leaseExpiry: bigint };

export type RenewLeaseErrorType = WriteErrorType<"TaskBoard">;

/**
 * Extends the lease of a claim the agent holds by the task's lease duration (not past its deadline).
 *
 * @example
 * const { leaseExpiry } = await renewLease(agent, { taskId: claim.taskId, attempt: claim.attempt });
 */
export async function renewLease(ctx: Context, params: RenewLeaseParameters): Promise<RenewLeaseReturnType> {
  const written = await write(ctx, "TaskBoard", "renewLease", [
    v.id("taskId", params.taskId),
    Number(v.uint("attempt", params.attempt, { bits: 32, min: 1n })),
  ]);
  return { ...written, leaseExpiry: eventOf(ctx, written.receipt, "TaskBoard", "LeaseRenewed").leaseExpiry };
}
