import type { Context } from "../../client/context.js";
import type { Task } from "../../indexer/rows.js";
import type { TaskFilter } from "./listTasks.js";
import { type WatchTasksErrorType, watchTasks } from "./watchTasks.js";

export type WatchOpenTasksParameters = TaskFilter & {
  /** Called with the open tasks (up to 100, oldest first) now and after every change. */
  onTasks: (tasks: Task[]) => void;
  onError?: ((error: Error) => void) | undefined;
};

/** Unsubscribes. */
export type WatchOpenTasksReturnType = () => void;

export type WatchOpenTasksErrorType = WatchTasksErrorType;

/**
 * Calls `onTasks` with the open tasks matching the filter (up to 100, oldest first) now and after
 * every change. Pushed by the indexer; without one, follows TaskBoard events. Returns the
 * unsubscribe function.
 *
 * @example
 * const stop = watchOpenTasks(agent, { capabilities: ["summarize"], onTasks: (open) => console.log(open.length) });
 */
export function watchOpenTasks(ctx: Context, params: WatchOpenTasksParameters): WatchOpenTasksReturnType {
  return watchTasks(ctx, { ...params, status: "open", limit: 100 });
}
