import { type Hex, stringToHex } from "viem";
import { type Context, eventOf, type Written, write } from "../../client/context.js";
import type { WriteErrorType } from "../../errors/types.js";
import * as v from "../../validate.js";

export type RegisterAgentParameters = {
  /** Where the agent's registration file lives (see `registrationFile`). */
  uri: string;
  /** On-chain metadata entries (values as text or hex). */
  metadata?: Record<string, string>;
  /** Capabilities to declare right after registering (names or bytes32 ids). */
  capabilities?: string[];
};

export type RegisterAgentReturnType = Written & { agentId: bigint };

export type RegisterAgentErrorType = WriteErrorType<"IdentityRegistry">;

/**
 * Registers a new ERC-8004 agent owned by the account, declares its capabilities, and makes it the
 * agent this client acts as (`ctx.agentId`).
 *
 * @example
 * const { agentId } = await registerAgent(agent, {
 *   uri: toDataURI(registrationFile({ name: "a1" })),
 *   capabilities: ["summarize"],
 * });
 */
export async function registerAgent(ctx: Context, p: RegisterAgentParameters): Promise<RegisterAgentReturnType> {
  const uri = v.uri("uri", p.uri);
  const caps = p.capabilities?.map((c, i) => v.capability(`capabilities[${i}]`, c));
  const metadata = Object.entries(p.metadata ?? {}).map(([metadataKey, value]) => ({
    metadataKey,
    metadataValue: (value.startsWith("0x") ? v.payload(`metadata.${metadataKey}`, value) : stringToHex(value)) as Hex,
  }));
  const written = metadata.length
    ? await write(ctx, "IdentityRegistry", "register", [uri, metadata])
    : await write(ctx, "IdentityRegistry", "register", [uri]);
  const agentId = eventOf(ctx, written.receipt, "IdentityRegistry", "Registered").agentId;
  ctx.agentId = agentId;
  if (caps?.length) await write(ctx, "IdentityRegistry", "setCapabilities", [agentId, caps]);
  return { ...written, agentId };
}
