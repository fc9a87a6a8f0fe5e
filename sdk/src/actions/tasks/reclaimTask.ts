import { type Context, type Written, write } from "../../client/context.js";
import type { WriteErrorType } from "../../errors/types.js";
import * as v from "../../validate.js";

export type ReclaimTaskParameters = { taskId: bigint | number | string };

export type ReclaimTaskReturnType = Written;

export type ReclaimTaskErrorType = WriteErrorType<"TaskBoard">;

/**
 * Reopens a task whose lease expired (anyone): the claimant loses its bond and the abandon slash.
 *
 * @example
 * await reclaimTask(agent, { taskId: 12n });
 */
export async function reclaimTask(ctx: Context, params: ReclaimTaskParameters): Promise<ReclaimTaskReturnType> {
  return write(ctx, "TaskBoard", "reclaim", [v.id("taskId", params.taskId)]);
}
