/**
 * What a failed command means to its caller: the exit code. Light on purpose (no chain library):
 * the parser and `--help` load it. The error classes themselves live in sdk/src/errors/.
 *
 *   0  success
 *   1  the chain refused (a contract revert, decoded to its error) or anything unexpected
 *   2  usage or invalid input (unknown command or flag, a value that cannot be right, devnet
 *      or deploy outside a checkout)
 *   3  cannot reach the node or the indexer, or no usable deployment
 *   4  not found (no such agent, task, group, schedule; nothing to claim)
 */
import { StigmergyError } from "../errors/base.js";

export const EXIT = { ok: 0, refused: 1, usage: 2, unreachable: 3, notFound: 4 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A command that ran a child process in the foreground ended with the child's exit code (the child said why). */
export class ExitedWith extends Error {
  constructor(readonly exitCode: number) {
    super(`exited with code ${exitCode}`);
  }
}

/** Error codes by exit code (the codes of UsageError, InvalidInputError, IndexerError, …). */
const USAGE_CODES = new Set(["USAGE", "INVALID_INPUT", "MISSING_CONFIG", "NO_CHECKOUT"]);
const UNREACHABLE_CODES = new Set(["INDEXER_ERROR", "INVALID_DEPLOYMENT", "NODE_UNREACHABLE"]);

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

/** The exit code an error means. Errors that are not ours are decoded first (which loads viem). */
export async function exitCodeOf(raw: unknown): Promise<ExitCode> {
  let error = raw;
  if (!(error instanceof StigmergyError)) {
    const [{ isConnectionError }, { typedError }] = await Promise.all([
      import("../errors/connection.js"),
      import("../errors/report.js"),
    ]);
    if (isConnectionError(error)) return EXIT.unreachable;
    error = typedError(error);
  }
  if (!(error instanceof StigmergyError)) return EXIT.refused;
  if (USAGE_CODES.has(error.code)) return EXIT.usage;
  if (error.code === "NOT_FOUND") return EXIT.notFound;
  if (UNREACHABLE_CODES.has(error.code)) return EXIT.unreachable;
  const errorName = (error as { errorName?: unknown }).errorName;
  if (typeof errorName === "string") return NOT_FOUND_REVERTS.has(errorName) ? EXIT.notFound : EXIT.refused;
  return EXIT.refused;
}
