/**
 * The node: no answer at its URL. Connection failures reach the SDK as viem's transport errors or
 * as fetch errors deep in a cause chain; `isConnectionError` finds them there.
 */
import { HttpRequestError, TimeoutError } from "viem";
import { StigmergyError } from "./base.js";
import { walkCauses } from "./walk.js";

/** No JSON-RPC answer from the node. */
export class NodeUnreachableError extends StigmergyError {
  override name = "NodeUnreachableError";
  constructor(url: string, cause?: unknown) {
    super(`No node answers at ${url}.`, {
      code: "NODE_UNREACHABLE",
      metaMessages: [
        "Start one with `npx stigmergy devnet --indexer` (or `npm start` in a Stigmergy checkout), " +
          "or pass --rpc (or set STIGMERGY_RPC_URL) to a node that runs.",
      ],
      cause,
    });
  }
}

const CONNECTION_CODES = /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|UND_ERR_\w+)$/;

const isConnectionLink = (link: unknown): boolean => {
  if (link instanceof HttpRequestError || link instanceof TimeoutError || link instanceof NodeUnreachableError)
    return true;
  const code = typeof link === "object" && link !== null ? (link as { code?: unknown }).code : undefined;
  return typeof code === "string" && CONNECTION_CODES.test(code);
};

/** Whether `error` (or a cause) says a connection failed: refused, reset, timed out, DNS. */
export const isConnectionError = (error: unknown): boolean => walkCauses(error, isConnectionLink) !== null;

/** The URL a connection failure was for, when a viem `HttpRequestError` in the chain says. */
export function unreachableUrl(error: unknown): string | undefined {
  const http = walkCauses(error, (link) => link instanceof HttpRequestError);
  return http instanceof HttpRequestError ? http.url : undefined;
}
