import { actingAgent, type Context, type Written, write } from "../../client/context.js";
import type { WriteErrorType } from "../../errors/types.js";
import * as v from "../../validate.js";

export type SetAgentURIParameters = {
  /** Where the agent's registration file now lives. */
  uri: string;
  /** The agent (default: the client's). */
  agentId?: bigint | undefined;
};

export type SetAgentURIReturnType = Written;

export type SetAgentURIErrorType = WriteErrorType<"IdentityRegistry">;

/**
 * Points the agent at a new registration file.
 *
 * @example
 * await setAgentURI(agent, { uri: "ipfs://new-registration" });
 */
export async function setAgentURI(ctx: Context, params: SetAgentURIParameters): Promise<SetAgentURIReturnType> {
  return write(ctx, "IdentityRegistry", "setAgentURI", [actingAgent(ctx, params.agentId), v.uri("uri", params.uri)]);
}
