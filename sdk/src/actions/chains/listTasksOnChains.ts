import { type ChainsContext, chainIdsFor } from "../../client/chains.js";
import type { Context } from "../../client/context.js";
import type { UnknownChainError } from "../../errors/chains.js";
import type { IndexerError } from "../../errors/indexer.js";
import type { InvalidInputError } from "../../errors/input.js";
import { type Task, type TaskStatus, taskQuery, toTask } from "../../indexer/rows.js";
import * as v from "../../validate.js";
import type { TaskFilter } from "../tasks/listTasks.js";

export type ListTasksOnChainsParameters = TaskFilter & {
  /** One chain's tasks only (default: every chain the agents are on). */
  chainId?: number | undefined;
  status?: TaskStatus | undefined;
  /** At most this many in all (default 100). */
  limit?: number | undefined;
};

/** By id, then chain: `{ chainId, id }` names a task. */
export type ListTasksOnChainsReturnType = Task[];

export type ListTasksOnChainsErrorType = InvalidInputError | UnknownChainError | IndexerError;

/**
 * Tasks on every chain the agents are on (or on `chainId`), by status and filter, in one query to
 * the indexer they share: by id, then chain, each carrying its `chainId`.
 *
 * @example
 * const open = await listTasksOnChains(agents, { status: "open" });
 * for (const t of open) console.log(`chain ${t.chainId} task ${t.id}`);
 */
export async function listTasksOnChains(
  ctx: ChainsContext<Context>,
  params: ListTasksOnChainsParameters = {},
): Promise<ListTasksOnChainsReturnType> {
  const query = taskQuery({
    chainIds: chainIdsFor(ctx, params.chainId),
    status: params.status,
    capabilities: params.capabilities?.map((c, i) => v.capability(`capabilities[${i}]`, c)),
    poster: params.poster === undefined ? undefined : v.address("poster", params.poster),
    limit: Number(v.uint("limit", params.limit ?? 100, { min: 1n, bits: 32 })),
  });
  return (await ctx.indexer.query(query)).map(toTask);
}
