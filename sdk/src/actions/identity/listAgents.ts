import { type Context, read } from "../../client/context.js";
import type { IndexedReadErrorType } from "../../errors/types.js";
import type { Row } from "../../indexer/client.js";
import { type AgentRecord, toAgent } from "../../indexer/rows.js";
import * as v from "../../validate.js";
import { getAgent } from "./getAgent.js";

export type ListAgentsParameters = {
  /** Only agents declaring this capability (a name or a bytes32 id). */
  capability?: string | undefined;
  /** At most this many (default 50). */
  limit?: number | undefined;
  /** Skip this many first. */
  offset?: number | undefined;
};

export type ListAgentsReturnType = AgentRecord[];

export type ListAgentsErrorType = IndexedReadErrorType<"IdentityRegistry">;

/**
 * Agents on the agent's chain by id, optionally only those declaring `capability`. From the
 * indexer; without one, scans the chain.
 *
 * @example
 * const translators = await listAgents(agent, { capability: "translate" });
 */
export async function listAgents(ctx: Context, params: ListAgentsParameters = {}): Promise<ListAgentsReturnType> {
  const capability = params.capability === undefined ? undefined : v.capability("capability", params.capability);
  if (ctx.indexer) {
    const query = { chain: ctx.deployment.chainId, capability, limit: params.limit, offset: params.offset };
    const body = await ctx.indexer.get<{ agents: Row[] }>("/agents", query);
    return (body?.agents ?? []).map(toAgent);
  }
  const last = await read(ctx, "IdentityRegistry", "lastAgentId", []);
  const out: AgentRecord[] = [];
  for (let id = BigInt(params.offset ?? 0) + 1n; id <= last && out.length < (params.limit ?? 50); id++) {
    const a = await getAgent(ctx, { agentId: id });
    if (a && (!capability || a.capabilities.includes(capability))) out.push(a);
  }
  return out;
}
