import { actingAgent, type Context, read } from "../../client/context.js";
import type { IndexedReadErrorType } from "../../errors/types.js";
import type { Row } from "../../indexer/client.js";
import { type AgentRecord, toAgent } from "../../indexer/rows.js";

export type GetAgentParameters = {
  /** The agent (default: the client's). */
  agentId?: bigint | undefined;
};

/** The agent's record, or `null` when it does not exist. */
export type GetAgentReturnType = AgentRecord | null;

export type GetAgentErrorType = IndexedReadErrorType<"IdentityRegistry">;

/**
 * An agent's record: owner, registration URI, verified wallet and capabilities. From the indexer;
 * without one, from the chain (without the registration time).
 *
 * @example
 * const record = await getAgent(agent, { agentId: 3n });
 */
export async function getAgent(ctx: Context, params: GetAgentParameters = {}): Promise<GetAgentReturnType> {
  const id = actingAgent(ctx, params.agentId);
  if (ctx.indexer) {
    const body = await ctx.indexer.get<{ agent: Row }>(`/agents/${id}`, { chain: ctx.deployment.chainId });
    return body ? toAgent(body.agent) : null;
  }
  if (!(await read(ctx, "IdentityRegistry", "exists", [id]))) return null;
  const [owner, uri, wallet, capabilities] = await Promise.all([
    read(ctx, "IdentityRegistry", "ownerOf", [id]),
    read(ctx, "IdentityRegistry", "tokenURI", [id]),
    read(ctx, "IdentityRegistry", "getAgentWallet", [id]),
    read(ctx, "IdentityRegistry", "capabilitiesOf", [id]),
  ]);
  return { chainId: ctx.deployment.chainId, id, owner, uri, wallet, capabilities: [...capabilities], registeredAt: 0n };
}
