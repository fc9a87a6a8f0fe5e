import type { Hex } from "viem";
import { actingAgent, type Context, read } from "../../client/context.js";
import type { ReadErrorType } from "../../errors/types.js";

export type GetCapabilitiesParameters = {
  /** The agent (default: the client's). */
  agentId?: bigint | undefined;
};

/** The capability ids (bytes32) the agent declares. */
export type GetCapabilitiesReturnType = readonly Hex[];

export type GetCapabilitiesErrorType = ReadErrorType<"IdentityRegistry">;

/**
 * The capabilities an agent declares, from the chain.
 *
 * @example
 * const ids = await getCapabilities(agent, { agentId: 3n });
 */
export async function getCapabilities(
  ctx: Context,
  params: GetCapabilitiesParameters = {},
): Promise<GetCapabilitiesReturnType> {
  return read(ctx, "IdentityRegistry", "capabilitiesOf", [actingAgent(ctx, params.agentId)]);
}
