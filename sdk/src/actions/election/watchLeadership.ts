import { sql } from "@ponder/client";
import type { Context } from "../../client/context.js";
import type { IndexerError } from "../../errors/indexer.js";
import type { InvalidInputError } from "../../errors/input.js";
import { sqlChain, sqlInt } from "../../indexer/client.js";
import type { Leadership } from "../../indexer/rows.js";
import { guarded, watchEvents } from "../../utils/watch.js";
import * as v from "../../validate.js";
import { getLeader } from "./getLeader.js";

export type WatchLeadershipParameters = {
  groupId: bigint | number | string;
  /** Called with the group's leadership now and after every change: leader, term, heartbeat, pending draw. */
  onLeadership: (leadership: Leadership) => void;
  onError?: ((error: Error) => void) | undefined;
};

/** Unsubscribes. */
export type WatchLeadershipReturnType = () => void;

/** Passed to `onError`, never thrown (except for invalid input). */
export type WatchLeadershipErrorType = InvalidInputError | IndexerError;

/**
 * Calls `onLeadership` with the group's leadership now and after every change to it, heartbeats
 * included (so `heartbeatDeadline` is always current: what a member watching for a silent leader
 * needs). Pushed by the indexer; without one, follows LeaderElection events. Returns the
 * unsubscribe function.
 *
 * @example
 * const stop = watchLeadership(agent, { groupId: 1n, onLeadership: (l) => (deadline = l.heartbeatDeadline) });
 */
export function watchLeadership(ctx: Context, params: WatchLeadershipParameters): WatchLeadershipReturnType {
  const { onError } = params;
  const id = v.id("groupId", params.groupId);
  let last = "";
  const deliver = guarded((l: Leadership | undefined) => {
    if (!l) return;
    const key = `${l.leader}/${l.term}/${l.lastHeartbeat}/${l.heartbeatDeadline}/${l.pendingDraw?.drawBlock}`;
    if (key !== last) {
      last = key;
      params.onLeadership(l);
    }
  }, onError);
  const refresh = () => void getLeader(ctx, { groupId: id }).then(deliver, (e: Error) => onError?.(e));
  if (ctx.indexer) {
    const where = sql`${sqlChain(ctx.deployment.chainId)} and id = ${sqlInt(id)}`;
    const signal = sql`select leader, term, last_heartbeat, draw_block from "group" where ${where}`;
    return ctx.indexer.onChange(signal, refresh, onError);
  }
  refresh();
  return watchEvents(
    ctx,
    "LeaderElection",
    (logs) => {
      if (logs.some((l) => (l.args as { groupId?: bigint }).groupId === id)) refresh();
    },
    onError,
  );
}
