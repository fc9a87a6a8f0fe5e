import { type Hex, zeroHash } from "viem";
import { type Context, type Written, write } from "../../client/context.js";
import type { WriteErrorType } from "../../errors/types.js";
import * as v from "../../validate.js";

export type RespondToValidationParameters = {
  requestHash: Hex;
  /** 0 (failed) to 100 (passed). */
  response: number;
  responseURI?: string;
  responseHash?: Hex;
  tag?: string;
};

export type RespondToValidationReturnType = Written;

export type RespondToValidationErrorType = WriteErrorType<"ValidationRegistry">;

/**
 * The validator's answer to a request: 0 (failed) to 100 (passed), with optional evidence and tag.
 *
 * @example
 * await respondToValidation(validator, { requestHash, response: 100, tag: "tests" });
 */
export async function respondToValidation(
  ctx: Context,
  p: RespondToValidationParameters,
): Promise<RespondToValidationReturnType> {
  return write(ctx, "ValidationRegistry", "validationResponse", [
    v.bytes32("requestHash", p.requestHash),
    Number(v.uint("response", p.response, { bits: 8 })),
    p.responseURI === undefined ? "" : v.uri("responseURI", p.responseURI),
    p.responseHash === undefined ? zeroHash : v.bytes32("responseHash", p.responseHash),
    p.tag ?? "",
  ]);
}
