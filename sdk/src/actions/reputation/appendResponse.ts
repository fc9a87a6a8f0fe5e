import { type Address, type Hex, zeroHash } from "viem";
import { type Context, type Written, write } from "../../client/context.js";
import type { WriteErrorType } from "../../errors/types.js";
import * as v from "../../validate.js";

export type AppendResponseParameters = {
  agentId: bigint;
  /** Who gave the feedback. */
  client: Address;
  /** Its index (from 1). */
  feedbackIndex: bigint;
  responseURI: string;
  responseHash?: Hex | undefined;
};

export type AppendResponseReturnType = Written;

export type AppendResponseErrorType = WriteErrorType<"ReputationRegistry">;

/**
 * Appends a response to a piece of feedback (anyone: the agent answering, a third party refuting).
 *
 * @example
 * await appendResponse(agent, { agentId: 3n, client, feedbackIndex: 1n, responseURI: "ipfs://reply" });
 */
export async function appendResponse(
  ctx: Context,
  params: AppendResponseParameters,
): Promise<AppendResponseReturnType> {
  return write(ctx, "ReputationRegistry", "appendResponse", [
    v.id("agentId", params.agentId),
    v.address("client", params.client),
    v.uint("feedbackIndex", params.feedbackIndex, { bits: 64, min: 1n }),
    v.uri("responseURI", params.responseURI),
    v.bytes32("responseHash", params.responseHash ?? zeroHash),
  ]);
}
