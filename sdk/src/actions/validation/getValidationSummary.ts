import type { Address } from "viem";
import { type Context, read } from "../../client/context.js";
import type { ReadErrorType } from "../../errors/types.js";
import * as v from "../../validate.js";

export type GetValidationSummaryParameters = {
  agentId: bigint;
  /** Only these validators' responses (default: every validator's). */
  validators?: Address[] | undefined;
  /** Only responses with this tag. */
  tag?: string | undefined;
};

/** How many responses, and their average (0..100). */
export type GetValidationSummaryReturnType = { count: bigint; average: number };

export type GetValidationSummaryErrorType = ReadErrorType<"ValidationRegistry">;

/**
 * Count and average of the validation responses an agent received, from the chain.
 *
 * @example
 * const { count, average } = await getValidationSummary(agent, { agentId: 3n });
 */
export async function getValidationSummary(
  ctx: Context,
  params: GetValidationSummaryParameters,
): Promise<GetValidationSummaryReturnType> {
  const validators = (params.validators ?? []).map((a, i) => v.address(`validators[${i}]`, a));
  const [count, average] = await read(ctx, "ValidationRegistry", "getSummary", [
    v.id("agentId", params.agentId),
    validators,
    params.tag ?? "",
  ]);
  return { count, average };
}
