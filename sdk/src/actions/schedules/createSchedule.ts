import { type Context, eventOf, type Written, write } from "../../client/context.js";
import { InvalidInputError } from "../../errors/input.js";
import type { WriteErrorType } from "../../errors/types.js";
import { ensureAllowance, ethValue, type PostTaskParameters, taskSpec } from "../../utils/taskSpec.js";
import { chainNow } from "../../utils/watch.js";
import * as v from "../../validate.js";

export type CreateScheduleParameters = {
  /** The task each round posts; its `deadline` is the claim window in seconds after the due time. */
  template: Omit<PostTaskParameters, "notBefore">;
  /** Unix time round 0 falls due. */
  firstAt: bigint | number;
  /** Seconds between rounds. */
  interval: bigint | number;
  /** Number of rounds. */
  count: number;
};

export type CreateScheduleReturnType = Written & { scheduleId: bigint };

export type CreateScheduleErrorType = WriteErrorType<"TaskBoard"> | WriteErrorType<"StakeToken">;

/**
 * Creates a schedule of recurring tasks, escrowing `count × maxReward`. Each round falls due at
 * `firstAt + round × interval`; the first eligible agent to claim it spawns and takes it.
 *
 * @example
 * await createSchedule(agent, {
 *   template: { specURI: "ipfs://daily-report", maxReward: parseEther("0.01"), deadline: 600 },
 *   firstAt,
 *   interval: 86_400,
 *   count: 30,
 * });
 */
export async function createSchedule(ctx: Context, p: CreateScheduleParameters): Promise<CreateScheduleReturnType> {
  const spec = await taskSpec(ctx, p.template, true);
  const count = Number(v.uint("count", p.count, { bits: 32, min: 1n }));
  const now = await chainNow(ctx);
  const firstAt = v.uint("firstAt", p.firstAt, { bits: 64 });
  if (firstAt + BigInt(spec.deadline) <= now) {
    throw new InvalidInputError(
      "firstAt",
      `round 0's claim window would already be over (chain time ${now})`,
      p.firstAt,
    );
  }
  const escrow = spec.maxReward * BigInt(count);
  await ensureAllowance(ctx, spec.rewardToken, escrow);
  const args = [spec, firstAt, v.uint("interval", p.interval, { bits: 64 }), count] as const;
  const written = await write(ctx, "TaskBoard", "createSchedule", args, { value: ethValue(spec.rewardToken, escrow) });
  return { ...written, scheduleId: eventOf(ctx, written.receipt, "TaskBoard", "ScheduleCreated").scheduleId };
}
