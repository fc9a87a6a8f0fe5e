import { actingAgent, type Context, read } from "../../client/context.js";
import type { ReadErrorType } from "../../errors/types.js";
import * as v from "../../validate.js";

export type HasCapabilityParameters = {
  /** A name or a bytes32 id. */
  capability: string;
  /** The agent (default: the client's). */
  agentId?: bigint | undefined;
};

export type HasCapabilityReturnType = boolean;

export type HasCapabilityErrorType = ReadErrorType<"IdentityRegistry">;

/**
 * Whether an agent declares `capability`, from the chain.
 *
 * @example
 * if (await hasCapability(agent, { capability: "review" })) …
 */
export async function hasCapability(ctx: Context, params: HasCapabilityParameters): Promise<HasCapabilityReturnType> {
  return read(ctx, "IdentityRegistry", "hasCapability", [
    actingAgent(ctx, params.agentId),
    v.capability("capability", params.capability),
  ]);
}
