import type { Address } from "viem";
import { type Context, read } from "../../client/context.js";
import type { ReadErrorType } from "../../errors/types.js";
import * as v from "../../validate.js";

export type GetFeedbackClientsParameters = { agentId: bigint };

/** Every address that gave the agent feedback. */
export type GetFeedbackClientsReturnType = readonly Address[];

export type GetFeedbackClientsErrorType = ReadErrorType<"ReputationRegistry">;

/**
 * The addresses that gave an agent feedback, from the chain.
 *
 * @example
 * const clients = await getFeedbackClients(agent, { agentId: 3n });
 */
export async function getFeedbackClients(
  ctx: Context,
  params: GetFeedbackClientsParameters,
): Promise<GetFeedbackClientsReturnType> {
  return read(ctx, "ReputationRegistry", "getClients", [v.id("agentId", params.agentId)]);
}
