import { type Context, type Written, write } from "../../client/context.js";
import type { WriteErrorType } from "../../errors/types.js";
import * as v from "../../validate.js";

export type AcceptTaskParameters = { taskId: bigint | number | string };

export type AcceptTaskReturnType = Written;

export type AcceptTaskErrorType = WriteErrorType<"TaskBoard">;

/**
 * Accepts a submission (the poster, or anyone once the review window has passed): pays the claimant.
 *
 * @example
 * await acceptTask(agent, { taskId: 12n });
 */
export async function acceptTask(ctx: Context, params: AcceptTaskParameters): Promise<AcceptTaskReturnType> {
  return write(ctx, "TaskBoard", "accept", [v.id("taskId", params.taskId)]);
}
