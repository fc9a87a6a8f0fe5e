/**
 * Something a call needs that the client, the server or the command was not given: an account to
 * sign with, an agent id, a Stigmergy checkout. (A deployment file that cannot be used is
 * `InvalidDeploymentError`, from @stigmergy/contracts.)
 */
import { StigmergyError } from "./base.js";

/** Thrown when an operation needs something the agent was not given (a wallet, an indexer, an agent id). */
export class MissingConfigError extends StigmergyError {
  override name = "MissingConfigError";
  constructor(what: string, hint: string) {
    super(`This needs ${what}.`, { code: "MISSING_CONFIG", metaMessages: [hint] });
  }
}

/** An MCP tool needs an agent id and the server has none yet. */
export class NoAgentError extends StigmergyError {
  override name = "NoAgentError";
  constructor() {
    super("This server has no agent yet: call register_agent first, or restart the server with --agent ID.", {
      code: "NO_AGENT",
    });
  }
}

/** An MCP tool sends a transaction and the server has no key to sign it with. */
export class NoAccountError extends StigmergyError {
  override name = "NoAccountError";
  constructor() {
    super("This server is read-only: restart it with --key 0x… or --account N to sign transactions.", {
      code: "NO_ACCOUNT",
    });
  }
}

/** Not inside a Stigmergy checkout (no hardhat.config.ts and contracts/ up the tree). */
export class NoCheckoutError extends StigmergyError {
  override name = "NoCheckoutError";
  constructor(from: string) {
    super(`${from} is not inside a Stigmergy checkout (no hardhat.config.ts with a contracts/ folder above it).`, {
      code: "NO_CHECKOUT",
      metaMessages: [
        "Run this from a clone of the Stigmergy repository after `npm install`, " +
          "or point --rpc at a node that runs Stigmergy.",
      ],
    });
  }
}
