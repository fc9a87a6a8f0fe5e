import { sql } from "@ponder/client";
import { zeroHash } from "viem";
import type { Context } from "../../client/context.js";
import type { IndexerError } from "../../errors/indexer.js";
import type { InvalidInputError } from "../../errors/input.js";
import { type Task, TASK_ROW, type TaskStatus, toTask } from "../../indexer/rows.js";
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
 * every change to them. Pushed by the indexer (for one status the rows ride in the live query); without one, follows TaskBoard events. Returns the
 * unsubscribe function.
 *
 * @example
 * const stop = watchTasks(agent, { status: ["submitted", "escalated"], onTasks: (tasks) => review(tasks) });
 */
export function watchTasks(ctx: Context, params: WatchTasksParameters): WatchTasksReturnType {
  const { onTasks, onError } = params;
  const statuses: readonly TaskStatus[] = typeof params.status === "string" ? [params.status] : params.status;
  const filter: TaskFilter = {
    ...(params.capabilities ? { capabilities: params.capabilities.map((c, i) => v.capability(`capabilities[${i}]`, c)) } : {}),
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
    if (reading) return void (again = true);
    reading = fetch()
      .then(guarded(onTasks, onError), (e: Error) => onError?.(e))
      .finally(() => {
        reading = undefined;
        if (again) (again = false), refresh();
      });
  };
  if (ctx.indexer && statuses.length === 1) {
    // One status: the rows ride in the live query (no request per change), selected as REST's
    // /tasks?status=&capability=&poster= selects them (a capability filter admits tasks open to any).
    const where = [sql`status = ${statuses[0]}`];
    if (filter.capabilities) where.push(sql`capability in (${sql.join([zeroHash, ...filter.capabilities].map((c) => sql`${c.toLowerCase()}`), sql`, `)})`);
    if (filter.poster) where.push(sql`poster = ${filter.poster.toLowerCase()}`);
    const query = sql`select ${TASK_ROW} from task where ${sql.join(where, sql` and `)} order by id limit ${limit}`;
    return ctx.indexer.live(query, (rows) => guarded(onTasks, onError)(rows.map(toTask)), onError);
  }
  if (ctx.indexer) {
    const wanted = sql.join(statuses.map((s) => sql`${s}`), sql`, `);
    return ctx.indexer.onChange(sql`select id, status, updated_at from task where status in (${wanted}) order by id limit 500`, refresh, onError);
  }
  refresh();
  return watchEvents(ctx, "TaskBoard", refresh, onError);
}
