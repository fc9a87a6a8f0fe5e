import { sql } from "@ponder/client";
import type { Context } from "../../client/context.js";
import { sqlChain, sqlInt } from "../../indexer/client.js";
import { GROUP_ROW, type Leadership, leadershipOfRow } from "../../indexer/rows.js";
import { guarded, watchEvents } from "../../utils/watch.js";
import * as v from "../../validate.js";
import { getLeader } from "./getLeader.js";
import type { WatchLeadershipErrorType } from "./watchLeadership.js";

export type WatchLeaderChangesParameters = {
  groupId: bigint | number | string;
  /** Called with the group's leadership now and whenever the leader or the term changes. */
  onChange: (leadership: Leadership) => void;
  onError?: ((error: Error) => void) | undefined;
};

/** Unsubscribes. */
export type WatchLeaderChangesReturnType = () => void;

export type WatchLeaderChangesErrorType = WatchLeadershipErrorType;

/**
 * Calls `onChange` with the group's leadership now and whenever the leader or the term changes
 * (not on heartbeats: see `watchLeadership`). Pushed by the indexer (the group's row rides in the
 * live query); without one, follows LeaderElection events. Returns the unsubscribe function.
 *
 * @example
 * const stop = watchLeaderChanges(agent, { groupId: 1n, onChange: (l) => (leading = l.leader === agent.agentId) });
 */
export function watchLeaderChanges(ctx: Context, params: WatchLeaderChangesParameters): WatchLeaderChangesReturnType {
  const { onError } = params;
  const id = v.id("groupId", params.groupId);
  let last = "";
  const deliver = guarded((l: Leadership | undefined) => {
    if (!l) return;
    const key = `${l.leader}/${l.term}`;
    if (key !== last) {
      last = key;
      params.onChange(l);
    }
  }, onError);
  // The row rides in the live query (no request per change) and reads like REST's /groups/:id/leader.
  if (ctx.indexer) {
    const chain = sqlChain(ctx.deployment.chainId);
    const query = sql`select ${GROUP_ROW} from "group" where ${chain} and id = ${sqlInt(id)}`;
    return ctx.indexer.live(query, ([row]) => deliver(row && leadershipOfRow(row)), onError);
  }
  const refresh = () => void getLeader(ctx, { groupId: id }).then(deliver, (e: Error) => onError?.(e));
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
