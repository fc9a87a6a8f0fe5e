import type { Hex } from "viem";
import type { Context } from "../../client/context.js";
import type { IndexerError } from "../../errors/indexer.js";
import type { InvalidInputError } from "../../errors/input.js";
import { type Task, type TaskStatus, taskQuery, toTask } from "../../indexer/rows.js";
import { guarded, watchEvents } from "../../utils/watch.js";
import * as v from "../../validate.js";
import { listTasks, type TaskFilter } from "./listTasks.js";

export type WatchTasksParameters = TaskFilter & {
  /** The status, or statuses, of the tasks to follow. */
  status: TaskStatus | readonly TaskStatus[];
  /** At most this many tasks per status (default 100). */
  limit?: number;
  /** Called with the matching tasks, oldest first, now and after every change. */
  onTasks: (tasks: Task[]) => void;
  onError?: ((error: Error) => void) | undefined;
};

/** Unsubscribes. */
export type WatchTasksReturnType = () => void;

/** Passed to `onError`, never thrown (except for invalid input). */
export type WatchTasksErrorType = InvalidInputError | IndexerError;

/**
 * Calls `onTasks` with the tasks in `status` (one or several) matching the filter, now and after
 * every change to them. Pushed by the indexer (the rows ride in one live query per status); without one,
 * follows TaskBoard events. Returns the unsubscribe function.
 *
 * @example
 * const stop = watchTasks(agent, { status: ["submitted", "escalated"], onTasks: (tasks) => review(tasks) });
 */
export function watchTasks(ctx: Context, params: WatchTasksParameters): WatchTasksReturnType {
  const { onTasks, onError } = params;
  const statuses: readonly TaskStatus[] = [
    ...new Set(typeof params.status === "string" ? [params.status] : params.status),
  ];
  const filter: TaskFilter = {
    ...(params.capabilities
      ? { capabilities: params.capabilities.map((c, i) => v.capability(`capabilities[${i}]`, c)) }
      : {}),
    ...(params.poster ? { poster: v.address("poster", params.poster) } : {}),
  };
  const limit = params.limit ?? 100;
  const fetch = async () => {
    const lists = await Promise.all(statuses.map((status) => listTasks(ctx, { ...filter, status, limit })));
    return lists.flat().sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  };
  // Reads are chained so that results arrive in order, and a burst of changes costs one more read.
  let reading: Promise<void> | undefined;
  let again = false;
  const refresh = (): void => {
    if (reading) {
      again = true;
      return;
    }
    reading = fetch()
      .then(guarded(onTasks, onError), (e: Error) => onError?.(e))
      .finally(() => {
        reading = undefined;
        if (again) {
          again = false;
          refresh();
        }
      });
  };
  if (ctx.indexer) {
    // The rows ride in the live queries, one per status (no request per change), selected as
    // REST's /tasks?status=&capability=&poster= selects them (a capability filter admits tasks open
    // to any). Several statuses: the first call waits for each query's first result.
    const indexer = ctx.indexer;
    const capabilities = filter.capabilities as Hex[] | undefined;
    const query = (status: TaskStatus) =>
      taskQuery({ chainIds: [ctx.deployment.chainId], status, capabilities, poster: filter.poster, limit });
    const latest = new Map<TaskStatus, Task[]>();
    const emit = guarded(onTasks, onError);
    const stops = statuses.map((status) =>
      indexer.live(
        query(status),
        (rows) => {
          latest.set(status, rows.map(toTask));
          if (latest.size < statuses.length) return;
          emit([...latest.values()].flat().sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)));
        },
        onError,
      ),
    );
    return () => {
      for (const stop of stops) stop();
    };
  }
  refresh();
  return watchEvents(ctx, "TaskBoard", refresh, onError);
}
