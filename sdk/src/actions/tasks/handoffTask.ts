import { type Context, type Written, write } from "../../client/context.js";
import type { WriteErrorType } from "../../errors/types.js";
import * as v from "../../validate.js";

export type HandoffTaskParameters = {
  taskId: bigint | number | string;
  /** The attempt of the claim the agent holds. */
  attempt: number;
  /** Who is offered the task. */
  toAgentId: bigint | number | string;
  /** What the next agent needs to know. */
  contextURI: string;
};

export type HandoffTaskReturnType = Written;

export type HandoffTaskErrorType = WriteErrorType<"TaskBoard">;

/**
 * Offers the task the agent holds to another agent, with context for it; the other agent takes it
 * over with `acceptHandoff` (until then the offerer still holds it).
 *
 * @example
 * await handoffTask(agent, { taskId, attempt, toAgentId: 7n, contextURI: "ipfs://notes" });
 */
export async function handoffTask(ctx: Context, params: HandoffTaskParameters): Promise<HandoffTaskReturnType> {
  const { taskId, toAgentId, contextURI } = params;
  return write(ctx, "TaskBoard", "handoff", [
    v.id("taskId", taskId),
    Number(v.uint("attempt", params.attempt, { bits: 32, min: 1n })),
    v.id("toAgentId", toAgentId),
    v.uri("contextURI", contextURI),
  ]);
}
