import { type Hex, keccak256, stringToHex } from "viem";
import { type Context, eventOf, type Written, write } from "../../client/context.js";
import type { WriteErrorType } from "../../errors/types.js";
import * as v from "../../validate.js";

export type SubmitTaskParameters = {
  taskId: bigint | number | string;
  /** The attempt of the claim (from `claimTask`). */
  attempt: number;
  /** Where the result is. */
  resultURI: string;
  /** keccak256 of the result (default: keccak256 of `resultURI`). */
  resultHash?: Hex | undefined;
};

export type SubmitTaskReturnType = Written & { reviewDeadline: bigint };

export type SubmitTaskErrorType = WriteErrorType<"TaskBoard">;

/**
 * Submits a result for review. The poster accepts or rejects it before `reviewDeadline`; after it,
 * anyone may accept it (silence means acceptance).
 *
 * @example
 * await submitTask(agent, { taskId: claim.taskId, attempt: claim.attempt, resultURI: "ipfs://result" });
 */
export async function submitTask(ctx: Context, params: SubmitTaskParameters): Promise<SubmitTaskReturnType> {
  const uri = v.uri("resultURI", params.resultURI);
  const hash =
    params.resultHash === undefined ? keccak256(stringToHex(uri)) : v.bytes32("resultHash", params.resultHash);
  const written = await write(ctx, "TaskBoard", "submit", [
    v.id("taskId", params.taskId),
    Number(v.uint("attempt", params.attempt, { bits: 32, min: 1n })),
    uri,
    hash,
  ]);
  return { ...written, reviewDeadline: eventOf(ctx, written.receipt, "TaskBoard", "TaskSubmitted").reviewDeadline };
}
