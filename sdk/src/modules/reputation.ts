/**
 * ERC-8004 reputation, bound to an agent: feedback from clients, responses, summaries. Each method
 * calls the action of the same concern in `actions/reputation/`.
 */
import type { Address, Hex } from "viem";
import { appendResponse } from "../actions/reputation/appendResponse.js";
import { getFeedbackClients } from "../actions/reputation/getFeedbackClients.js";
import { getReputationSummary } from "../actions/reputation/getReputationSummary.js";
import { type GiveFeedbackParameters, giveFeedback } from "../actions/reputation/giveFeedback.js";
import { revokeFeedback } from "../actions/reputation/revokeFeedback.js";
import type { Context } from "../client/context.js";

export function reputationModule(ctx: Context) {
  return {
    /** Leaves feedback on an agent (not one's own). See {@link giveFeedback}. */
    giveFeedback: (params: GiveFeedbackParameters) => giveFeedback(ctx, params),
    /** Revokes feedback the caller gave. See {@link revokeFeedback}. */
    revokeFeedback: (agentId: bigint, feedbackIndex: bigint) => revokeFeedback(ctx, { agentId, feedbackIndex }),
    /** Appends a response to a piece of feedback. See {@link appendResponse}. */
    appendResponse: (
      agentId: bigint,
      client: Address,
      feedbackIndex: bigint,
      responseURI: string,
      responseHash?: Hex,
    ) => appendResponse(ctx, { agentId, client, feedbackIndex, responseURI, responseHash }),
    /** Count and average of the feedback from `clients`, filtered by tags. See {@link getReputationSummary}. */
    summary: (agentId: bigint, clients: Address[], tags: { tag1?: string; tag2?: string } = {}) =>
      getReputationSummary(ctx, { ...tags, agentId, clients }),
    /** The addresses that gave an agent feedback. See {@link getFeedbackClients}. */
    clients: (agentId: bigint) => getFeedbackClients(ctx, { agentId }),
  };
}

export type ReputationModule = ReturnType<typeof reputationModule>;
