/**
 * One way to tell a person (CLI) or a model (MCP) what went wrong: a stable code, one sentence,
 * hints, and for setup problems (no node, no indexer, no deployment, a missing setting) the remedy.
 * Connection failures that reach us as viem or fetch errors become {NodeUnreachableError}.
 */
import { HttpRequestError, TimeoutError, BaseError as ViemBaseError } from "viem";
import { InvalidDeploymentError } from "@stigmergy/contracts";
import { StigmergyError } from "./base.js";
import { ContractRevertError, decodeContractError } from "./contract.js";
import { IndexerError, InvalidInputError, MissingConfigError, TransactionRevertedError } from "./input.js";

/** No JSON-RPC answer from the node. */
export class NodeUnreachableError extends StigmergyError {
  override name = "NodeUnreachableError";
  constructor(url: string, cause?: unknown) {
    super(`No node answers at ${url}.`, {
      code: "NODE_UNREACHABLE",
      metaMessages: [
        "Start one with `npx stigmergy devnet --indexer` (or `npm start` in a Stigmergy checkout), or pass --rpc (or set STIGMERGY_RPC_URL) to a node that runs.",
      ],
      cause,
    });
  }
}

const MAX_CAUSE_DEPTH = 16;

/** The error and its causes, outermost first. */
export function* causes(error: unknown): Generator<unknown> {
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
export const typedError = (error: unknown): unknown => (error instanceof StigmergyError ? error : (decodeContractError(error) ?? error));

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
    const report: ErrorReport = { code: error.code, message: error.shortMessage, hints: [...(error.metaMessages ?? [])] };
    if (error.details) report.hints.push(`Details: ${error.details}`);
    if (error instanceof InvalidInputError) report.field = error.field;
    if (error instanceof ContractRevertError) {
      report.errorName = error.errorName;
      report.args = error.args;
    }
    if (SETUP_ERRORS.some((kind) => error instanceof kind) && error.metaMessages?.length) report.remedy = error.metaMessages.join(" ");
    if (error instanceof TransactionRevertedError) report.hints.push(`Transaction: ${error.hash}`);
    return report;
  }
  if (isConnectionError(error)) {
    const url = [...causes(error)].map((e) => (e instanceof HttpRequestError ? e.url : undefined)).find((u) => u !== undefined);
    return describeError(new NodeUnreachableError(url ?? "the configured RPC URL", error));
  }
  if (error instanceof ViemBaseError) {
    return { code: "CHAIN_ERROR", message: error.shortMessage, hints: [...(error.metaMessages ?? [])].map((l) => l.trim()).filter(Boolean) };
  }
  if (error instanceof Error) return { code: "ERROR", message: error.message, hints: [] };
  return { code: "ERROR", message: String(error), hints: [] };
}
