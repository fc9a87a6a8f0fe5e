/**
 * Shared time, bound to an agent: recurring tasks whose rounds fall due on schedule. The first
 * eligible agent to `claim` a due round spawns and takes it in one transaction; `onDue` wakes
 * agents when a round falls due, with no keeper. Each method calls the action of the same concern
 * in `actions/schedules/`.
 */
import { cancelSchedule } from "../actions/schedules/cancelSchedule.js";
import { claimScheduledRound } from "../actions/schedules/claimScheduledRound.js";
import { type CreateScheduleParameters, createSchedule } from "../actions/schedules/createSchedule.js";
import { getSchedule } from "../actions/schedules/getSchedule.js";
import { getScheduleRound } from "../actions/schedules/getScheduleRound.js";
import { type ListSchedulesParameters, listSchedules } from "../actions/schedules/listSchedules.js";
import { type DueRound, watchDueRounds } from "../actions/schedules/watchDueRounds.js";
import type { Context } from "../client/context.js";

export function schedulesModule(ctx: Context) {
  return {
    /** Creates a schedule, escrowing `count × maxReward`. See {@link createSchedule}. */
    create: (params: CreateScheduleParameters) => createSchedule(ctx, params),
    /** Spawns due round `round` of a schedule and claims its task for the agent. See {@link claimScheduledRound}. */
    claim: (scheduleId: bigint, round: number, options: { agentId?: bigint } = {}) =>
      claimScheduledRound(ctx, { ...options, scheduleId, round }),
    /** Cancels the rounds not yet spawned (the poster). See {@link cancelSchedule}. */
    cancel: (scheduleId: bigint) => cancelSchedule(ctx, { scheduleId }),
    /** A schedule, or `null`. See {@link getSchedule}. */
    get: (scheduleId: bigint) => getSchedule(ctx, { scheduleId }),
    /** Schedules, newest first. See {@link listSchedules}. */
    list: (options: ListSchedulesParameters = {}) => listSchedules(ctx, options),
    /** Whether a round was spawned, and as which task (from the chain). See {@link getScheduleRound}. */
    round: (scheduleId: bigint, round: number) => getScheduleRound(ctx, { scheduleId, round }),
    /** Calls `onDue` for each round that falls due. See {@link watchDueRounds}. */
    onDue: (onDue: (round: DueRound) => void, onError?: (error: Error) => void) =>
      watchDueRounds(ctx, { onDue, onError }),
  };
}

export type SchedulesModule = ReturnType<typeof schedulesModule>;
