import { type Context, type Written, write } from "../../client/context.js";
import type { WriteErrorType } from "../../errors/types.js";
import * as v from "../../validate.js";

export type CancelTaskParameters = { taskId: bigint | number | string };

export type CancelTaskReturnType = Written;

export type CancelTaskErrorType = WriteErrorType<"TaskBoard">;

/**
 * Cancels an open task (the poster): the escrow comes back as credit.
 *
 * @example
 * await cancelTask(agent, { taskId: 12n });
 */
export async function cancelTask(ctx: Context, params: CancelTaskParameters): Promise<CancelTaskReturnType> {
  return write(ctx, "TaskBoard", "cancel", [v.id("taskId", params.taskId)]);
}
