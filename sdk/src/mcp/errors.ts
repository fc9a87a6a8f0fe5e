/** Errors only the MCP server raises: what a tool needs that the server was not started with. */
import { StigmergyError } from "../errors/base.js";

/** A tool needs an agent id and the server has none yet. */
export class NoAgentError extends StigmergyError {
  override name = "NoAgentError";
  constructor() {
    super("This server has no agent yet: call register_agent first, or restart the server with --agent ID.", { code: "NO_AGENT" });
  }
}

/** A tool sends a transaction and the server has no key to sign it with. */
export class NoAccountError extends StigmergyError {
  override name = "NoAccountError";
  constructor() {
    super("This server is read-only: restart it with --key 0x… or --account N to sign transactions.", { code: "NO_ACCOUNT" });
  }
}

/** Something looked up by id does not exist (or is not indexed yet). */
export class NotFoundError extends StigmergyError {
  override name = "NotFoundError";
  constructor(what: string, id: bigint) {
    super(`There is no ${what} ${id} (or the indexer has not seen it yet).`, { code: "NOT_FOUND" });
  }
}
