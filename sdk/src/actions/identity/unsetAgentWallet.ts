import { actingAgent, type Context, type Written, write } from "../../client/context.js";
import type { WriteErrorType } from "../../errors/types.js";

export type UnsetAgentWalletParameters = {
  /** The agent (default: the client's). */
  agentId?: bigint | undefined;
};

export type UnsetAgentWalletReturnType = Written;

export type UnsetAgentWalletErrorType = WriteErrorType<"IdentityRegistry">;

/**
 * Clears the agent's verified wallet.
 *
 * @example
 * await unsetAgentWallet(agent);
 */
export async function unsetAgentWallet(
  ctx: Context,
  params: UnsetAgentWalletParameters = {},
): Promise<UnsetAgentWalletReturnType> {
  return write(ctx, "IdentityRegistry", "unsetAgentWallet", [actingAgent(ctx, params.agentId)]);
}
