import { actingAgent, type Context, type Written, write } from "../../client/context.js";
import type { WriteErrorType } from "../../errors/types.js";
import * as v from "../../validate.js";

export type SetCapabilitiesParameters = {
  /** Names or bytes32 ids; they replace the agent's current ones. */
  capabilities: string[];
  /** The agent (default: the client's). */
  agentId?: bigint | undefined;
};

export type SetCapabilitiesReturnType = Written;

export type SetCapabilitiesErrorType = WriteErrorType<"IdentityRegistry">;

/**
 * Replaces the agent's declared capabilities (what tasks may require of a claimant).
 *
 * @example
 * await setCapabilities(agent, { capabilities: ["summarize", "translate"] });
 */
export async function setCapabilities(
  ctx: Context,
  params: SetCapabilitiesParameters,
): Promise<SetCapabilitiesReturnType> {
  const capabilities = params.capabilities.map((c, i) => v.capability(`capabilities[${i}]`, c));
  return write(ctx, "IdentityRegistry", "setCapabilities", [actingAgent(ctx, params.agentId), capabilities]);
}
