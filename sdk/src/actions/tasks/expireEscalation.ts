import { type Context, type Written, write } from "../../client/context.js";
import type { WriteErrorType } from "../../errors/types.js";
import * as v from "../../validate.js";

export type ExpireEscalationParameters = { taskId: bigint | number | string };

export type ExpireEscalationReturnType = Written;

export type ExpireEscalationErrorType = WriteErrorType<"TaskBoard">;

/**
 * Ends an escalation its approver left unanswered past its deadline (anyone): the task reopens, the
 * claimant keeps its bond.
 *
 * @example
 * await expireEscalation(agent, { taskId: 12n });
 */
export async function expireEscalation(
  ctx: Context,
  params: ExpireEscalationParameters,
): Promise<ExpireEscalationReturnType> {
  return write(ctx, "TaskBoard", "expireEscalation", [v.id("taskId", params.taskId)]);
}
