/**
 * What a failed command means to its caller: the exit code, and the error as one plain line plus
 * hints (for people) or a JSON object (for scripts).
 *
 *   0  success
 *   1  the chain refused (a contract revert, decoded to its error) or anything unexpected
 *   2  usage or invalid input (unknown command or flag, a value that cannot be right, devnet
 *      or deploy outside a checkout)
 *   3  cannot reach the node or the indexer, or no usable deployment
 *   4  not found (no such agent, task, group, schedule; nothing to claim)
 */
import { InvalidDeploymentError } from "../deployment.js";
import { StigmergyError } from "../errors/base.js";
import { ContractRevertError } from "../errors/contract.js";
import { IndexerError, InvalidInputError, MissingConfigError } from "../errors/input.js";
import { isConnectionError, NodeUnreachableError, typedError } from "../errors/report.js";
import { NoCheckoutError } from "./checkout.js";

export { describeError, type ErrorReport, isConnectionError, NodeUnreachableError } from "../errors/report.js";

export const EXIT = { ok: 0, refused: 1, usage: 2, unreachable: 3, notFound: 4 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The command line cannot be right: an unknown command or flag, a missing or extra argument. */
export class UsageError extends StigmergyError {
  override name = "UsageError";
  constructor(problem: string, hint: string) {
    super(problem, { code: "USAGE", metaMessages: [hint] });
  }
}

/** The thing asked about does not exist (or there is nothing to claim). */
export class NotFoundError extends StigmergyError {
  override name = "NotFoundError";
  constructor(what: string, hint?: string) {
    super(what, { code: "NOT_FOUND", ...(hint ? { metaMessages: [hint] } : {}) });
  }
}

/** Reverts that mean "this does not exist": exit 4 rather than 1. */
const NOT_FOUND_REVERTS = new Set([
  "AgentNotFound",
  "TaskNotFound",
  "ScheduleNotFound",
  "GroupNotFound",
  "UnknownGroup",
  "ProposalNotFound",
  "FeedbackNotFound",
  "ValidationRequestNotFound",
  "ERC721NonexistentToken",
]);

/** The exit code an error means. */
export function exitCodeOf(raw: unknown): ExitCode {
  const error = typedError(raw);
  if (error instanceof UsageError || error instanceof InvalidInputError || error instanceof MissingConfigError || error instanceof NoCheckoutError) return EXIT.usage;
  if (error instanceof NotFoundError) return EXIT.notFound;
  if (error instanceof ContractRevertError) return NOT_FOUND_REVERTS.has(error.errorName) ? EXIT.notFound : EXIT.refused;
  if (error instanceof IndexerError || error instanceof InvalidDeploymentError || error instanceof NodeUnreachableError) return EXIT.unreachable;
  if (isConnectionError(error)) return EXIT.unreachable;
  return EXIT.refused;
}
