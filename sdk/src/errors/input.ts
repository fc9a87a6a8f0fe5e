import { StigmergyError } from "./base.js";

/**
 * Thrown before any transaction is sent when an argument cannot be right: it names the field,
 * says what was expected and shows what was given.
 */
export class InvalidInputError extends StigmergyError {
  override name = "InvalidInputError";
  /** The argument at fault, as a path (`spec.deadline`, `agentId`). */
  readonly field: string;

  constructor(field: string, expected: string, received?: unknown) {
    super(`Invalid ${field}: ${expected}.`, {
      code: "INVALID_INPUT",
      ...(received === undefined ? {} : { metaMessages: [`Received: ${show(received)}`] }),
    });
    this.field = field;
  }
}

/** Thrown when an operation needs something the agent was not given (a wallet, an indexer, an agent id). */
export class MissingConfigError extends StigmergyError {
  override name = "MissingConfigError";
  constructor(what: string, hint: string) {
    super(`This needs ${what}.`, { code: "MISSING_CONFIG", metaMessages: [hint] });
  }
}

/** Thrown when a transaction was mined but reverted and the reason could not be decoded. */
export class TransactionRevertedError extends StigmergyError {
  override name = "TransactionRevertedError";
  readonly hash: `0x${string}`;
  constructor(what: string, hash: `0x${string}`, cause?: unknown) {
    super(`${what} was mined but reverted.`, { code: "TRANSACTION_REVERTED", metaMessages: [`Transaction: ${hash}`], cause });
    this.hash = hash;
  }
}

/** Thrown when a leader draw's randomness did not appear in time (a randomness source that has not answered). */
export class DrawTimeoutError extends StigmergyError {
  override name = "DrawTimeoutError";
  readonly groupId: bigint;
  constructor(groupId: bigint, waitedMs: number) {
    super(`The leader draw of group ${groupId} was requested but its randomness did not appear within ${waitedMs} ms.`, {
      code: "DRAW_TIMEOUT",
      metaMessages: ["The group's randomness source (a VRF or a commit-reveal beacon) has not answered yet; call elect again later: the draw stays pending."],
    });
    this.groupId = groupId;
  }
}

/** Thrown when the indexer cannot answer (down, or an unexpected reply). */
export class IndexerError extends StigmergyError {
  override name = "IndexerError";
  readonly status: number | undefined;
  constructor(url: string, problem: string, status?: number, cause?: unknown) {
    super(`The indexer at ${url} ${problem}.`, {
      code: "INDEXER_ERROR",
      metaMessages: ["Check that the indexer is running (`npm run indexer`) and that indexerUrl points at it."],
      cause,
    });
    this.status = status;
  }
}

function show(value: unknown): string {
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "string") return JSON.stringify(value);
  try {
    return JSON.stringify(value, (_, v: unknown) => (typeof v === "bigint" ? `${v}n` : v)) ?? String(value);
  } catch {
    return String(value);
  }
}
