import { stringToHex } from "viem";
import { actingAgent, type Context, type Written, write } from "../../client/context.js";
import type { WriteErrorType } from "../../errors/types.js";
import * as v from "../../validate.js";

export type SetMetadataParameters = {
  key: string;
  /** Text, or 0x-prefixed hex for raw bytes. */
  value: string;
  /** The agent (default: the client's). */
  agentId?: bigint | undefined;
};

export type SetMetadataReturnType = Written;

export type SetMetadataErrorType = WriteErrorType<"IdentityRegistry">;

/**
 * Sets one on-chain metadata entry of the agent (`agentWallet` is reserved: see `setAgentWallet`).
 *
 * @example
 * await setMetadata(agent, { key: "role", value: "reviewer" });
 */
export async function setMetadata(ctx: Context, params: SetMetadataParameters): Promise<SetMetadataReturnType> {
  const { key, value } = params;
  const bytes = value.startsWith("0x") ? v.payload("value", value) : stringToHex(value);
  return write(ctx, "IdentityRegistry", "setMetadata", [actingAgent(ctx, params.agentId), key, bytes]);
}
