/**
 * One way to tell a person (CLI) or a model (MCP) what went wrong: a stable code, one sentence,
 * hints, and for setup problems (no node, no indexer, no deployment, a missing setting) the remedy.
 * Connection failures that reach us as viem or fetch errors become {NodeUnreachableError}. Every
 * error class lives in this folder, by domain (input, config, connection, indexer, transaction,
 * notFound, process, and the contracts' reverts in revert.ts and generated/errors.ts).
 */

import { InvalidDeploymentError } from "@stigmergy/contracts";
import { BaseError as ViemBaseError } from "viem";
import { StigmergyError } from "./base.js";
import { MissingConfigError } from "./config.js";
import { isConnectionError, NodeUnreachableError, unreachableUrl } from "./connection.js";
import { ContractRevertError, decodeContractError } from "./contract.js";
import { IndexerError } from "./indexer.js";
import { InvalidInputError } from "./input.js";
import { TransactionRevertedError } from "./transaction.js";

/** `error` as the contracts' typed error when it is a revert the SDK did not decode (a failed view call). */
export const typedError = (error: unknown): unknown =>
  error instanceof StigmergyError ? error : (decodeContractError(error) ?? error);

/** An error as a script or a model reads it. */
export type ErrorReport = {
  code: string;
  message: string;
  field?: string;
  /** The contract error's name and arguments (bigints as decimal strings), for reverts. */
  errorName?: string;
  args?: Record<string, unknown>;
  /** For setup problems: what to do about it (start a node, deploy, pass a setting). */
  remedy?: string;
  hints: string[];
};

/** Errors whose fix lies outside the call's input: their hints are the remedy. */
const SETUP_ERRORS = [NodeUnreachableError, IndexerError, InvalidDeploymentError, MissingConfigError];

/** What to tell the user about an error: a one-line message, a stable code, hint lines. */
export function describeError(raw: unknown): ErrorReport {
  const error = typedError(raw);
  if (error instanceof StigmergyError) {
    const report: ErrorReport = {
      code: error.code,
      message: error.shortMessage,
      hints: [...(error.metaMessages ?? [])],
    };
    if (error.details) report.hints.push(`Details: ${error.details}`);
    if (error instanceof InvalidInputError) report.field = error.field;
    if (error instanceof ContractRevertError) {
      report.errorName = error.errorName;
      report.args = error.args;
    }
    if (SETUP_ERRORS.some((kind) => error instanceof kind) && error.metaMessages?.length)
      report.remedy = error.metaMessages.join(" ");
    if (error instanceof TransactionRevertedError) report.hints.push(`Transaction: ${error.hash}`);
    return report;
  }
  if (isConnectionError(error)) {
    return describeError(new NodeUnreachableError(unreachableUrl(error) ?? "the configured RPC URL", error));
  }
  if (error instanceof ViemBaseError) {
    return {
      code: "CHAIN_ERROR",
      message: error.shortMessage,
      hints: [...(error.metaMessages ?? [])].map((l) => l.trim()).filter(Boolean),
    };
  }
  if (error instanceof Error) return { code: "ERROR", message: error.message, hints: [] };
  return { code: "ERROR", message: String(error), hints: [] };
}
