import { type Context, type Written, write } from "../../client/context.js";
import type { WriteErrorType } from "../../errors/types.js";
import * as v from "../../validate.js";

export type ResolveEscalationParameters = {
  taskId: bigint | number | string;
  /** The approver's answer. */
  answerURI: string;
  /** `true` gives the task back to its claimant (the lease clock restarts); `false` reopens it. */
  resume: boolean;
};

export type ResolveEscalationReturnType = Written;

export type ResolveEscalationErrorType = WriteErrorType<"TaskBoard">;

/**
 * The approver's answer to an escalation: `resume` gives the task back to its claimant, otherwise
 * it reopens.
 *
 * @example
 * await resolveEscalation(approver, { taskId: 12n, answerURI: "ipfs://answer", resume: true });
 */
export async function resolveEscalation(
  ctx: Context,
  params: ResolveEscalationParameters,
): Promise<ResolveEscalationReturnType> {
  return write(ctx, "TaskBoard", "resolveEscalation", [
    v.id("taskId", params.taskId),
    v.uri("answerURI", params.answerURI),
    params.resume,
  ]);
}
