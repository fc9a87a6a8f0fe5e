import { sql } from "@ponder/client";
import { chainClock } from "@stigmergy/contracts";
import { type Context, read } from "../../client/context.js";
import type { IndexerError } from "../../errors/indexer.js";
import { type Row, sqlChain } from "../../indexer/client.js";
import { type Schedule, toSchedule } from "../../indexer/rows.js";
import { guarded, timerMs, watchEvents } from "../../utils/watch.js";
import { listSchedules } from "./listSchedules.js";

/** A round that fell due and has not been spawned. */
export type DueRound = { scheduleId: bigint; round: number; dueAt: bigint };

export type WatchDueRoundsParameters = {
  /** Called once for each round that falls due and is not yet spawned, at its due time (chain time). */
  onDue: (round: DueRound) => void;
  onError?: ((error: Error) => void) | undefined;
};

/** Unsubscribes. */
export type WatchDueRoundsReturnType = () => void;

/** Passed to `onError`, never thrown. */
export type WatchDueRoundsErrorType = IndexerError;

/**
 * Calls `onDue` once for each round that falls due and is not yet spawned, at its due time (chain
 * time), for every active schedule: agents wake when a round falls due, with no keeper. Schedules
 * come from the indexer (pushed) or, without one, from TaskBoard events. Returns the unsubscribe
 * function.
 *
 * @example
 * const stop = watchDueRounds(agent, { onDue: (r) => void claimScheduledRound(agent, r) });
 */
export function watchDueRounds(ctx: Context, params: WatchDueRoundsParameters): WatchDueRoundsReturnType {
  const { onError } = params;
  let schedules: Schedule[] = [];
  let spawned = new Set<string>();
  const delivered = new Set<string>();
  const clock = chainClock(); // the chain's time, learned from its latest block at each refresh
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const notify = guarded(params.onDue, onError);
  const chain = sqlChain(ctx.deployment.chainId);
  const evaluate = () => {
    if (stopped) return;
    if (timer) clearTimeout(timer);
    timer = undefined;
    const now = clock.now();
    let wake: bigint | undefined;
    for (const s of schedules) {
      if (s.cancelled) continue;
      for (let r = 0; r < s.count; r++) {
        const dueAt = s.firstAt + BigInt(r) * s.interval;
        const key = `${s.id}/${r}`;
        if (dueAt > now) {
          wake = wake === undefined || dueAt < wake ? dueAt : wake;
          break;
        }
        const closed = s.terms !== undefined && dueAt + s.terms.window <= now; // its claim window is over
        if (!spawned.has(key) && !delivered.has(key) && !closed) {
          delivered.add(key);
          notify({ scheduleId: s.id, round: r, dueAt });
        }
      }
    }
    if (wake !== undefined) timer = setTimeout(evaluate, timerMs(clock.wallAt(Number(wake) * 1000) - Date.now() + 50));
  };
  const refresh = async () => {
    const latest = await ctx.publicClient.getBlock({ blockTag: "latest" });
    clock.observe({ number: latest.number, timestamp: latest.timestamp }, Date.now());
    if (ctx.indexer) {
      const rows = await ctx.indexer.query(sql`select schedule_id, round from schedule_round where ${chain}`);
      spawned = new Set(rows.map((r: Row) => `${r.scheduleId}/${r.round}`));
    } else {
      schedules = await listSchedules(ctx, { active: true, limit: 500 });
      spawned = new Set();
      for (const s of schedules)
        for (let r = 0; r < s.count; r++)
          if ((await read(ctx, "TaskBoard", "roundTask", [s.id, r])) !== 0n) spawned.add(`${s.id}/${r}`);
    }
    evaluate();
  };
  const fail = (e: unknown) => onError?.(e instanceof Error ? e : new Error(String(e)));
  let unsubscribe: () => void;
  if (ctx.indexer) {
    const active = sql`select * from schedule where ${chain} and not cancelled and spawned < count order by id`;
    unsubscribe = ctx.indexer.live(
      active,
      (rows) => {
        schedules = rows.map(toSchedule);
        void refresh().catch(fail);
      },
      onError,
    );
  } else {
    void refresh().catch(fail);
    unsubscribe = watchEvents(
      ctx,
      "TaskBoard",
      (logs) => {
        const relevant = logs.some(
          (l) =>
            l.eventName === "ScheduleCreated" ||
            l.eventName === "ScheduleCancelled" ||
            (l.eventName === "TaskPosted" && (l.args as { scheduleId?: bigint }).scheduleId),
        );
        if (relevant) void refresh().catch(fail);
      },
      onError,
    );
  }
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    unsubscribe();
  };
}
