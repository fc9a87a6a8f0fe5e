import { type Context, type Written, write } from "../../client/context.js";
import type { WriteErrorType } from "../../errors/types.js";
import * as v from "../../validate.js";

export type ExpireTaskParameters = { taskId: bigint | number | string };

export type ExpireTaskReturnType = Written;

export type ExpireTaskErrorType = WriteErrorType<"TaskBoard">;

/**
 * Expires an open task past its deadline (anyone): the escrow goes back to the poster as credit.
 *
 * @example
 * await expireTask(agent, { taskId: 12n });
 */
export async function expireTask(ctx: Context, params: ExpireTaskParameters): Promise<ExpireTaskReturnType> {
  return write(ctx, "TaskBoard", "expire", [v.id("taskId", params.taskId)]);
}
