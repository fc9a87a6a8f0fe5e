import { type ChainsContext, chainIdsFor } from "../../client/chains.js";
import type { Context } from "../../client/context.js";
import type { UnknownChainError } from "../../errors/chains.js";
import type { IndexerError } from "../../errors/indexer.js";
import type { InvalidInputError } from "../../errors/input.js";
import { type Task, taskQuery, toTask } from "../../indexer/rows.js";
import { guarded } from "../../utils/watch.js";
import * as v from "../../validate.js";
import type { TaskFilter } from "../tasks/listTasks.js";

export type WatchOpenTasksOnChainsParameters = TaskFilter & {
  /** One chain's open tasks only (default: every chain the agents are on). */
  chainId?: number | undefined;
  /** At most this many in all (default 100). */
  limit?: number | undefined;
  /** Called with the open tasks of every chain (by id, then chain) now and after every change. */
  onTasks: (tasks: Task[]) => void;
  onError?: ((error: Error) => void) | undefined;
};

/** Unsubscribes. */
export type WatchOpenTasksOnChainsReturnType = () => void;

/** `InvalidInputError` and `UnknownChainError` are thrown; `IndexerError` is passed to `onError`. */
export type WatchOpenTasksOnChainsErrorType = InvalidInputError | UnknownChainError | IndexerError;

/**
 * Calls `onTasks` with the open tasks of every chain the agents are on (or of `chainId`), now and
 * after every change on any of them: one live query to the indexer they share, not one per chain.
 * Each task carries its `chainId`; `agents.on(task.chainId)` is the agent to claim it with.
 * Returns the unsubscribe function.
 *
 * @example
 * const stop = watchOpenTasksOnChains(agents, {
 *   onTasks: (open) => console.log(open.map((t) => `chain ${t.chainId} task ${t.id}`)),
 * });
 */
export function watchOpenTasksOnChains(
  ctx: ChainsContext<Context>,
  params: WatchOpenTasksOnChainsParameters,
): WatchOpenTasksOnChainsReturnType {
  const query = taskQuery({
    chainIds: chainIdsFor(ctx, params.chainId),
    status: "open",
    capabilities: params.capabilities?.map((c, i) => v.capability(`capabilities[${i}]`, c)),
    poster: params.poster === undefined ? undefined : v.address("poster", params.poster),
    limit: Number(v.uint("limit", params.limit ?? 100, { min: 1n, bits: 32 })),
  });
  const deliver = guarded(params.onTasks, params.onError);
  return ctx.indexer.live(query, (rows) => deliver(rows.map(toTask)), params.onError);
}
