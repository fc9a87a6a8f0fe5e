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
import { BaseError as ViemBaseError, HttpRequestError, TimeoutError } from "viem";
import { InvalidDeploymentError } from "../deployment.js";
import { StigmergyError } from "../errors/base.js";
import { ContractRevertError, decodeContractError } from "../errors/contract.js";
import { IndexerError, InvalidInputError, MissingConfigError, TransactionRevertedError } from "../errors/input.js";
import { NoCheckoutError } from "./checkout.js";

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

/** No JSON-RPC answer from the node. */
export class NodeUnreachableError extends StigmergyError {
  override name = "NodeUnreachableError";
  constructor(url: string, cause?: unknown) {
    super(`No node answers at ${url}.`, {
      code: "NODE_UNREACHABLE",
      metaMessages: ["Start one with `stigmergy devnet`, or pass --rpc (or set STIGMERGY_RPC_URL) to a node that runs."],
      cause,
    });
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

const MAX_CAUSE_DEPTH = 16;

/** The error and its causes, outermost first. */
function* causes(error: unknown): Generator<unknown> {
  let current = error;
  for (let depth = 0; depth < MAX_CAUSE_DEPTH && current !== undefined && current !== null; depth++) {
    yield current;
    current = typeof current === "object" ? (current as { cause?: unknown }).cause : undefined;
  }
}

/** Whether `error` (or a cause) says a connection failed: refused, reset, timed out, DNS. */
export function isConnectionError(error: unknown): boolean {
  for (const link of causes(error)) {
    if (link instanceof HttpRequestError || link instanceof TimeoutError || link instanceof NodeUnreachableError) return true;
    const code = typeof link === "object" && link !== null ? (link as { code?: unknown }).code : undefined;
    if (typeof code === "string" && /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|UND_ERR_\w+)$/.test(code)) return true;
  }
  return false;
}

/** `error` as the contracts' typed error when it is a revert the SDK did not decode (a failed view call). */
const typed = (error: unknown): unknown => (error instanceof StigmergyError ? error : decodeContractError(error) ?? error);

/** The exit code an error means. */
export function exitCodeOf(raw: unknown): ExitCode {
  const error = typed(raw);
  if (error instanceof UsageError || error instanceof InvalidInputError || error instanceof MissingConfigError || error instanceof NoCheckoutError) return EXIT.usage;
  if (error instanceof NotFoundError) return EXIT.notFound;
  if (error instanceof ContractRevertError) return NOT_FOUND_REVERTS.has(error.errorName) ? EXIT.notFound : EXIT.refused;
  if (error instanceof IndexerError || error instanceof InvalidDeploymentError || error instanceof NodeUnreachableError) return EXIT.unreachable;
  if (isConnectionError(error)) return EXIT.unreachable;
  return EXIT.refused;
}

/** An error as a script reads it (`{ "error": … }` on stdout with --json). */
export type ErrorReport = {
  code: string;
  message: string;
  field?: string;
  /** The contract error's name and arguments (bigints as decimal strings), for reverts. */
  errorName?: string;
  args?: Record<string, unknown>;
  hints: string[];
};

/** What to tell the user about an error: a one-line message, a stable code, hint lines. */
export function describeError(raw: unknown): ErrorReport {
  const error = typed(raw);
  if (error instanceof StigmergyError) {
    const report: ErrorReport = { code: error.code, message: error.shortMessage, hints: [...(error.metaMessages ?? [])] };
    if (error.details) report.hints.push(`Details: ${error.details}`);
    if (error instanceof InvalidInputError) report.field = error.field;
    if (error instanceof ContractRevertError) {
      report.errorName = error.errorName;
      report.args = error.args;
    }
    if (error instanceof TransactionRevertedError) report.hints.push(`Transaction: ${error.hash}`);
    return report;
  }
  if (isConnectionError(error)) {
    const url = [...causes(error)].map((e) => (e instanceof HttpRequestError ? e.url : undefined)).find((u) => u !== undefined);
    return describeError(new NodeUnreachableError(url ?? "the configured RPC URL", error));
  }
  if (error instanceof ViemBaseError) return { code: "CHAIN_ERROR", message: error.shortMessage, hints: [...(error.metaMessages ?? [])].map((l) => l.trim()).filter(Boolean) };
  if (error instanceof Error) return { code: "ERROR", message: error.message, hints: [] };
  return { code: "ERROR", message: String(error), hints: [] };
}
