import { type Context, read } from "../../client/context.js";
import { ContractRevertError } from "../../errors/contract.js";
import type { IndexedReadErrorType } from "../../errors/types.js";
import type { Schedule } from "../../indexer/rows.js";
import * as v from "../../validate.js";
import { getRoundTerms } from "./getRoundTerms.js";

export type GetScheduleParameters = { scheduleId: bigint | number | string };

/** The schedule, or `null` when there is none with that id. */
export type GetScheduleReturnType = Schedule | null;

export type GetScheduleErrorType = IndexedReadErrorType<"TaskBoard">;

/**
 * A schedule: its poster, first due time, interval, rounds (spawned so far), whether it was
 * cancelled, and its rounds' terms. From the chain (the terms from the indexer when there is one).
 *
 * @example
 * const schedule = await getSchedule(agent, { scheduleId: 1n });
 */
export async function getSchedule(ctx: Context, params: GetScheduleParameters): Promise<GetScheduleReturnType> {
  const id = v.id("scheduleId", params.scheduleId);
  const s = await read(ctx, "TaskBoard", "getSchedule", [id]).catch((error: unknown) => {
    if (error instanceof ContractRevertError && error.errorName === "ScheduleNotFound") return null;
    throw error;
  });
  if (!s || s.count === 0) return null;
  const terms = await getRoundTerms(ctx, { scheduleId: id });
  const { poster, firstAt, interval, count, spawned, cancelled } = s;
  return { chainId: ctx.deployment.chainId, id, poster, firstAt, interval, count, spawned, cancelled, terms };
}
