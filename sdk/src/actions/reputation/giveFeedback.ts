import { type Hex, zeroHash } from "viem";
import { type Context, type Written, write } from "../../client/context.js";
import { InvalidInputError } from "../../errors/input.js";
import type { WriteErrorType } from "../../errors/types.js";
import * as v from "../../validate.js";

export type GiveFeedbackParameters = {
  agentId: bigint;
  /** The score, as a fixed-point number with `decimals` decimals (e.g. 87 with 0, or 4250 with 2). */
  value: bigint | number;
  decimals?: number;
  tag1?: string;
  tag2?: string;
  endpoint?: string;
  feedbackURI?: string;
  feedbackHash?: Hex;
};

export type GiveFeedbackReturnType = Written;

export type GiveFeedbackErrorType = WriteErrorType<"ReputationRegistry">;

/** The largest |value| an int128 holds. */
const INT128_MAX = (1n << 127n) - 1n;

/**
 * Leaves ERC-8004 feedback on an agent (not one's own): a fixed-point score with optional tags, the
 * endpoint it concerns and a file with details.
 *
 * @example
 * await giveFeedback(client, { agentId: 3n, value: 87, tag1: "quality" });
 */
export async function giveFeedback(ctx: Context, p: GiveFeedbackParameters): Promise<GiveFeedbackReturnType> {
  if (typeof p.value === "number" && !Number.isSafeInteger(p.value)) {
    throw new InvalidInputError("value", "expected a whole number (scale it with `decimals`)", p.value);
  }
  const value = BigInt(p.value);
  if (value > INT128_MAX || value < -INT128_MAX) throw new InvalidInputError("value", "must fit in an int128", p.value);
  return write(ctx, "ReputationRegistry", "giveFeedback", [
    v.id("agentId", p.agentId),
    value,
    Number(v.uint("decimals", p.decimals ?? 0, { bits: 8 })),
    p.tag1 ?? "",
    p.tag2 ?? "",
    p.endpoint ?? "",
    p.feedbackURI === undefined ? "" : v.uri("feedbackURI", p.feedbackURI),
    p.feedbackHash === undefined ? zeroHash : v.bytes32("feedbackHash", p.feedbackHash),
  ]);
}
