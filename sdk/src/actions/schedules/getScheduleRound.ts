import { type Context, read } from "../../client/context.js";
import type { ReadErrorType } from "../../errors/types.js";
import * as v from "../../validate.js";

export type GetScheduleRoundParameters = {
  scheduleId: bigint | number | string;
  /** The round, from 0. */
  round: number;
};

/** The round and the task it spawned (`null` while it has not been spawned). */
export type GetScheduleRoundReturnType = { scheduleId: bigint; round: number; taskId: bigint | null };

export type GetScheduleRoundErrorType = ReadErrorType<"TaskBoard">;

/**
 * Whether a schedule's round was spawned, and as which task: read from the chain, so that an agent
 * deciding whether to claim a due round sees what the contract will see (no indexer lag).
 *
 * @example
 * const { taskId } = await getScheduleRound(agent, { scheduleId: 1n, round: 3 });
 * if (taskId === null) await claimScheduledRound(agent, { scheduleId: 1n, round: 3 });
 */
export async function getScheduleRound(
  ctx: Context,
  params: GetScheduleRoundParameters,
): Promise<GetScheduleRoundReturnType> {
  const scheduleId = v.id("scheduleId", params.scheduleId);
  const round = Number(v.uint("round", params.round, { bits: 32 }));
  const taskId = await read(ctx, "TaskBoard", "roundTask", [scheduleId, round]);
  return { scheduleId, round, taskId: taskId === 0n ? null : taskId };
}
