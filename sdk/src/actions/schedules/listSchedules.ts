import { sql } from "@ponder/client";
import { type Context, read } from "../../client/context.js";
import type { IndexedReadErrorType } from "../../errors/types.js";
import { sqlChain } from "../../indexer/client.js";
import { type Schedule, toSchedule } from "../../indexer/rows.js";
import { getSchedule } from "./getSchedule.js";

export type ListSchedulesParameters = {
  /** Only schedules with rounds left to spawn (not cancelled). */
  active?: boolean | undefined;
  /** At most this many (default 50). */
  limit?: number | undefined;
};

/** Newest first. */
export type ListSchedulesReturnType = Schedule[];

export type ListSchedulesErrorType = IndexedReadErrorType<"TaskBoard">;

/**
 * Schedules, newest first. From the indexer; without one, from the chain.
 *
 * @example
 * const active = await listSchedules(agent, { active: true });
 */
export async function listSchedules(
  ctx: Context,
  params: ListSchedulesParameters = {},
): Promise<ListSchedulesReturnType> {
  const limit = params.limit ?? 50;
  if (ctx.indexer) {
    const active = params.active ? sql` and not cancelled and spawned < count` : sql``;
    const where = sql`${sqlChain(ctx.deployment.chainId)}${active}`;
    const rows = await ctx.indexer.query(sql`select * from schedule where ${where} order by id desc limit ${limit}`);
    return rows.map(toSchedule);
  }
  const out: Schedule[] = [];
  for (let id = await read(ctx, "TaskBoard", "scheduleCount", []); id >= 1n && out.length < limit; id--) {
    const s = await getSchedule(ctx, { scheduleId: id });
    if (s && (!params.active || (!s.cancelled && s.spawned < s.count))) out.push(s);
  }
  return out;
}
