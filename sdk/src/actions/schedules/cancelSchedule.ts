import { type Context, type Written, write } from "../../client/context.js";
import type { WriteErrorType } from "../../errors/types.js";
import * as v from "../../validate.js";

export type CancelScheduleParameters = { scheduleId: bigint | number | string };

export type CancelScheduleReturnType = Written;

export type CancelScheduleErrorType = WriteErrorType<"TaskBoard">;

/**
 * Cancels the rounds of a schedule not yet spawned (the poster): their escrow comes back as credit.
 *
 * @example
 * await cancelSchedule(agent, { scheduleId: 1n });
 */
export async function cancelSchedule(
  ctx: Context,
  params: CancelScheduleParameters,
): Promise<CancelScheduleReturnType> {
  return write(ctx, "TaskBoard", "cancelSchedule", [v.id("scheduleId", params.scheduleId)]);
}
