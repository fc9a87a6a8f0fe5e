import type { Address } from "viem";
import { type Context, read } from "../../client/context.js";
import type { ReadErrorType } from "../../errors/types.js";
import * as v from "../../validate.js";

export type GetReputationSummaryParameters = {
  agentId: bigint;
  /** Whose feedback counts (required by ERC-8004, against Sybils). */
  clients: Address[];
  tag1?: string | undefined;
  tag2?: string | undefined;
};

/** How many pieces of feedback, and their average as a fixed-point number with `decimals` decimals. */
export type GetReputationSummaryReturnType = { count: bigint; value: bigint; decimals: number };

export type GetReputationSummaryErrorType = ReadErrorType<"ReputationRegistry">;

/**
 * Count and average of the feedback `clients` gave an agent, filtered by tags, from the chain.
 *
 * @example
 * const { count, value } = await getReputationSummary(agent, { agentId: 3n, clients: [alice, bob] });
 */
export async function getReputationSummary(
  ctx: Context,
  params: GetReputationSummaryParameters,
): Promise<GetReputationSummaryReturnType> {
  const clients = params.clients.map((c, i) => v.address(`clients[${i}]`, c));
  const args = [v.id("agentId", params.agentId), clients, params.tag1 ?? "", params.tag2 ?? ""] as const;
  const [count, value, decimals] = await read(ctx, "ReputationRegistry", "getSummary", args);
  return { count, value, decimals };
}
