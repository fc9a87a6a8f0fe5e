import type { Hex } from "viem";
import { type Context, read } from "../../client/context.js";
import type { ReadErrorType } from "../../errors/types.js";
import * as v from "../../validate.js";

export type GetValidationStatusParameters = { requestHash: Hex };

/** The validator, the agent, the response (0..100), its hash, tag and last update time. */
export type GetValidationStatusReturnType = Awaited<ReturnType<typeof readStatus>>;

export type GetValidationStatusErrorType = ReadErrorType<"ValidationRegistry">;

const readStatus = (ctx: Context, requestHash: Hex) =>
  read(ctx, "ValidationRegistry", "getValidationStatus", [requestHash]);

/**
 * A validation request's status, from the chain.
 *
 * @example
 * const [validator, agentId, response] = await getValidationStatus(agent, { requestHash });
 */
export async function getValidationStatus(
  ctx: Context,
  params: GetValidationStatusParameters,
): Promise<GetValidationStatusReturnType> {
  return readStatus(ctx, v.bytes32("requestHash", params.requestHash));
}
