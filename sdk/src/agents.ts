/**
 * `createAgents`: one agent per chain, reading one indexer that follows them all. An identity is
 * per chain (agent 1 on one chain is not agent 1 on another), so each chain keeps its own `Agent`
 * (`agents.on(chainId)`), made by `createAgent` as usual; what the group adds is the merged view
 * (`tasks.list`, `tasks.watchOpen` across chains from one live query) and `tasks.claimNext`, which
 * picks across chains by reward net of the measured fee. The group only binds actions.
 */

import {
  type ClaimNextTaskOnChainsParameters,
  type ClaimNextTaskOnChainsReturnType,
  claimNextTaskOnChains,
} from "./actions/chains/claimNextTaskOnChains.js";
import { type ListTasksOnChainsParameters, listTasksOnChains } from "./actions/chains/listTasksOnChains.js";
import {
  type WatchOpenTasksOnChainsParameters,
  watchOpenTasksOnChains,
} from "./actions/chains/watchOpenTasksOnChains.js";
import { type Agent, type CreateAgentParameters, createAgent } from "./agent.js";
import { agentOn, type ChainsContext, chainIdsOf } from "./client/chains.js";
import { DuplicateChainError } from "./errors/chains.js";
import { InvalidInputError } from "./errors/input.js";
import { createIndexerClient, type IndexerClient } from "./indexer/client.js";
import type { Task } from "./indexer/rows.js";

export type CreateAgentsParameters = {
  /**
   * The indexer following every one of the chains (`STIGMERGY_CHAINS`), or several serving that
   * same index: one client, shared by every agent.
   */
  indexerUrl: string | readonly string[];
  /** One agent per chain: `createAgent`'s parameters, without an indexer of their own. */
  agents: readonly Omit<CreateAgentParameters, "indexerUrl" | "indexer">[];
};

/** Agents on several chains, one per chain, sharing one indexer; the context multi-chain actions take. */
export type Agents = ChainsContext<Agent> & {
  /** The chains, in the order the agents were given. */
  readonly chainIds: readonly number[];
  /** The agent on `chainId` (throws `UnknownChainError` when there is none). */
  on: (chainId: number) => Agent;
  readonly tasks: {
    /** Tasks on every chain (or `chainId`'s), by id then chain. See {@link listTasksOnChains}. */
    list: (filter?: ListTasksOnChainsParameters) => Promise<Task[]>;
    /**
     * Pushes the open tasks of every chain (or `chainId`'s) from one live query; returns the
     * unsubscribe function. See {@link watchOpenTasksOnChains}.
     */
    watchOpen: (
      filter: Omit<WatchOpenTasksOnChainsParameters, "onTasks" | "onError">,
      onTasks: (tasks: Task[]) => void,
      onError?: (error: Error) => void,
    ) => () => void;
    /**
     * Claims the open task paying best net of its measured fee, on whichever chain it is. See
     * {@link claimNextTaskOnChains}.
     */
    claimNext: (filter?: ClaimNextTaskOnChainsParameters) => Promise<ClaimNextTaskOnChainsReturnType<Agent>>;
  };
};

/**
 * Agents on several chains (one per chain, each made by `createAgent`) reading one indexer that
 * follows all of them. Two agents on one chain throw `DuplicateChainError`.
 *
 * @example
 * const agents = createAgents({
 *   indexerUrl: "http://127.0.0.1:42069",
 *   agents: [
 *     { rpcUrl: "http://127.0.0.1:8545", account, deployment: await loadDeployment(31337) },
 *     { rpcUrl: "http://127.0.0.1:8546", account, deployment: await loadDeployment(31338) },
 *   ],
 * });
 * agents.tasks.watchOpen({}, (open) => console.log(open.map((t) => `${t.chainId}/${t.id}`)));
 */
export function createAgents(params: CreateAgentsParameters): Agents {
  if (!Array.isArray(params.agents) || params.agents.length === 0) {
    throw new InvalidInputError("agents", "expected one agent's parameters per chain", params.agents);
  }
  const urls = typeof params.indexerUrl === "string" ? [params.indexerUrl] : (params.indexerUrl ?? []);
  if (urls.length === 0) throw new InvalidInputError("indexerUrl", "give the indexer that follows every chain");
  for (const url of urls) {
    try {
      new URL(url);
    } catch {
      throw new InvalidInputError("indexerUrl", "expected an http(s) URL such as http://127.0.0.1:42069", url);
    }
  }
  const indexer: IndexerClient = createIndexerClient(urls);
  const agents = params.agents.map((p, i) => {
    const own = p as CreateAgentParameters;
    if (own.indexerUrl !== undefined || own.indexer !== undefined) {
      throw new InvalidInputError(
        `agents[${i}]`,
        "must not name an indexer: the agents share createAgents' indexerUrl",
      );
    }
    return createAgent({ ...p, indexer });
  });
  const seen = new Map<number, number>();
  for (const [i, agent] of agents.entries()) {
    const chainId = agent.deployment.chainId;
    const first = seen.get(chainId);
    if (first !== undefined) throw new DuplicateChainError(chainId, [first, i]);
    seen.set(chainId, i);
  }
  const ctx: ChainsContext<Agent> = { agents, indexer };
  return {
    ...ctx,
    chainIds: chainIdsOf(ctx),
    on: (chainId) => agentOn(ctx, chainId),
    tasks: {
      list: (filter = {}) => listTasksOnChains(ctx, filter),
      watchOpen: (filter, onTasks, onError) => watchOpenTasksOnChains(ctx, { ...filter, onTasks, onError }),
      claimNext: (filter = {}) => claimNextTaskOnChains(ctx, filter),
    },
  };
}
