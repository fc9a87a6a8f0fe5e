/** Transactions whose outcome is not what the call needs: reverted without a reason, no event, no draw. */
import type { Hash } from "viem";
import { StigmergyError } from "./base.js";

/** Thrown when a transaction was mined but reverted and the reason could not be decoded. */
export class TransactionRevertedError extends StigmergyError {
  override name = "TransactionRevertedError";
  readonly hash: Hash;
  constructor(what: string, hash: Hash, cause?: unknown) {
    super(`${what} was mined but reverted.`, {
      code: "TRANSACTION_REVERTED",
      metaMessages: [`Transaction: ${hash}`],
      cause,
    });
    this.hash = hash;
  }
}

/** Thrown when a transaction succeeded but its receipt lacks the event the call reads its result from. */
export class UnexpectedReceiptError extends StigmergyError {
  override name = "UnexpectedReceiptError";
  readonly hash: Hash;
  constructor(hash: Hash, event: string) {
    super(`Transaction ${hash} succeeded but emitted no ${event} event.`, {
      code: "UNEXPECTED_RECEIPT",
      metaMessages: ["Check that the deployment file matches the contracts on this chain."],
    });
    this.hash = hash;
  }
}

/** Thrown when a leader draw's randomness did not appear in time (a randomness source that has not answered). */
export class DrawTimeoutError extends StigmergyError {
  override name = "DrawTimeoutError";
  readonly groupId: bigint;
  constructor(groupId: bigint, waitedMs: number) {
    super(
      `The leader draw of group ${groupId} was requested but its randomness did not appear within ${waitedMs} ms.`,
      {
        code: "DRAW_TIMEOUT",
        metaMessages: [
          "The group's randomness source (a VRF or a commit-reveal beacon) has not answered yet; " +
            "call elect again later: the draw stays pending.",
        ],
      },
    );
    this.groupId = groupId;
  }
}
