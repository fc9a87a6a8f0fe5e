import { type Context, type Written, write } from "../../client/context.js";
import type { WriteErrorType } from "../../errors/types.js";
import * as v from "../../validate.js";

export type RevokeFeedbackParameters = {
  agentId: bigint;
  /** The index of the caller's feedback to that agent (from 1). */
  feedbackIndex: bigint;
};

export type RevokeFeedbackReturnType = Written;

export type RevokeFeedbackErrorType = WriteErrorType<"ReputationRegistry">;

/**
 * Revokes feedback the caller gave (it stays on record, marked revoked, and leaves the summaries).
 *
 * @example
 * await revokeFeedback(client, { agentId: 3n, feedbackIndex: 1n });
 */
export async function revokeFeedback(
  ctx: Context,
  params: RevokeFeedbackParameters,
): Promise<RevokeFeedbackReturnType> {
  const index = v.uint("feedbackIndex", params.feedbackIndex, { bits: 64, min: 1n });
  return write(ctx, "ReputationRegistry", "revokeFeedback", [v.id("agentId", params.agentId), index]);
}
