import { type Context, eventOf, type Written, write } from "../../client/context.js";
import type { WriteErrorType } from "../../errors/types.js";
import * as v from "../../validate.js";

export type EscalateTaskParameters = {
  taskId: bigint | number | string;
  /** The attempt of the claim the agent holds. */
  attempt: number;
  /** The question for the task's approver. */
  questionURI: string;
};

export type EscalateTaskReturnType = Written & {
  /** Until when (unix seconds) the approver can answer; after that anyone may expire the escalation. */
  answerBy: bigint;
  /** Seconds of lease the claim had left; they restart if the approver resumes it. */
  leaseRemaining: bigint;
};

export type EscalateTaskErrorType = WriteErrorType<"TaskBoard">;

/**
 * Stops the lease clock and asks the task's approver (a human) a question; the approver answers
 * with `resolveEscalation`.
 *
 * @example
 * const { answerBy } = await escalateTask(agent, { taskId, attempt, questionURI: "ipfs://which-sources-count" });
 */
export async function escalateTask(ctx: Context, params: EscalateTaskParameters): Promise<EscalateTaskReturnType> {
  const taskId = v.id("taskId", params.taskId);
  const attempt = Number(v.uint("attempt", params.attempt, { bits: 32, min: 1n }));
  const written = await write(ctx, "TaskBoard", "escalate", [
    taskId,
    attempt,
    v.uri("questionURI", params.questionURI),
  ]);
  const { answerBy, leaseRemaining } = eventOf(ctx, written.receipt, "TaskBoard", "TaskEscalated");
  return { ...written, answerBy, leaseRemaining };
}
