import { type Context, type Written, write } from "../../client/context.js";
import type { WriteErrorType } from "../../errors/types.js";
import * as v from "../../validate.js";

export type RejectTaskParameters = {
  taskId: bigint | number | string;
  /** Why, for the claimant. */
  reasonURI: string;
};

export type RejectTaskReturnType = Written;

export type RejectTaskErrorType = WriteErrorType<"TaskBoard">;

/**
 * Rejects a submission (the poster, within the review window): the task reopens for another attempt.
 *
 * @example
 * await rejectTask(agent, { taskId: 12n, reasonURI: "ipfs://why" });
 */
export async function rejectTask(ctx: Context, params: RejectTaskParameters): Promise<RejectTaskReturnType> {
  return write(ctx, "TaskBoard", "reject", [v.id("taskId", params.taskId), v.uri("reasonURI", params.reasonURI)]);
}
