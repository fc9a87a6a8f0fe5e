import { sql } from "@ponder/client";
import type { Context } from "../../client/context.js";
import type { IndexerError } from "../../errors/indexer.js";
import type { InvalidInputError } from "../../errors/input.js";
import { sqlChain, sqlInt } from "../../indexer/client.js";
import { TASK_ROW, type Task, toTask } from "../../indexer/rows.js";
import { guarded, watchEvents } from "../../utils/watch.js";
import * as v from "../../validate.js";
import { getTask } from "./getTask.js";

export type WatchTaskParameters = {
  taskId: bigint | number | string;
  /** Called with the task now and whenever its status, attempt, claimant, lease or handoff changes. */
  onTask: (task: Task) => void;
  onError?: ((error: Error) => void) | undefined;
};

/** Unsubscribes. */
export type WatchTaskReturnType = () => void;

/** Passed to `onError`, never thrown (except for invalid input). */
export type WatchTaskErrorType = InvalidInputError | IndexerError;

/**
 * Calls `onTask` with the task now and whenever it changes (its status, attempt, claimant, lease or
 * handoff). Pushed by the indexer; without one, follows TaskBoard events. Returns the unsubscribe
 * function.
 *
 * @example
 * const stop = watchTask(agent, { taskId: 12n, onTask: (t) => t.status === "accepted" && stop() });
 */
export function watchTask(ctx: Context, params: WatchTaskParameters): WatchTaskReturnType {
  const { onTask, onError } = params;
  const id = v.id("taskId", params.taskId);
  let last = "";
  const deliver = guarded((t: Task | null | undefined) => {
    if (!t) return;
    const key = `${t.status}/${t.attempt}/${t.claimant}/${t.leaseExpiry}/${t.pendingHandoff}`;
    if (key !== last) {
      last = key;
      onTask(t);
    }
  }, onError);
  // The row rides in the live query (no request per change) and reads like REST's /tasks/:id.
  if (ctx.indexer) {
    const query = sql`select ${TASK_ROW} from task where ${sqlChain(ctx.deployment.chainId)} and id = ${sqlInt(id)}`;
    return ctx.indexer.live(query, ([row]) => deliver(row && toTask(row)), onError);
  }
  const refresh = () => void getTask(ctx, { taskId: id }).then(deliver, (e: Error) => onError?.(e));
  refresh();
  return watchEvents(
    ctx,
    "TaskBoard",
    (logs) => {
      if (logs.some((l) => (l.args as { taskId?: bigint }).taskId === id)) refresh();
    },
    onError,
  );
}
