import { type Context, write, type Written } from "../../client/context.js";
import type { WriteErrorType } from "../../errors/types.js";
import * as v from "../../validate.js";

export type EscalateTaskParameters = {
  taskId: bigint | number | string;
  /** The attempt of the claim the agent holds. */
  attempt: number;
  /** The question for the task's approver. */
  questionURI: string;
};

export type EscalateTaskReturnType = Written;

export type EscalateTaskErrorType = WriteErrorType<"TaskBoard">;

/**
 * Stops the lease clock and asks the task's approver (a human) a question; the approver answers
 * with `resolveEscalation`.
 *
 * @example
 * await escalateTask(agent, { taskId, attempt, questionURI: "ipfs://which-sources-count" });
 */
export function escalateTask(ctx: Context, params: EscalateTaskParameters): Promise<EscalateTaskReturnType> {
  return write(ctx, "TaskBoard", "escalate", [v.id("taskId", params.taskId), Number(v.uint("attempt", params.attempt, { bits: 32, min: 1n })), v.uri("questionURI", params.questionURI)]);
}
