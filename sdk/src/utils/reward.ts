/** What a task pays: its reward ramps from `reward` at posting to `maxReward` at its deadline. */
import type { Task } from "../indexer/rows.js";

/**
 * The reward a claim at chain time `now` (unix seconds) locks, as TaskBoard computes it: linear from
 * `reward` at posting to `maxReward` at the deadline (a flat task: `reward`).
 *
 * @example
 * const reward = rewardAt(task, await chainNow(agent));
 */
export function rewardAt(task: Pick<Task, "reward" | "maxReward" | "postedAt" | "deadline">, now: bigint): bigint {
  if (task.maxReward === task.reward || now <= task.postedAt) return task.reward;
  if (now >= task.deadline) return task.maxReward;
  return task.reward + ((task.maxReward - task.reward) * (now - task.postedAt)) / (task.deadline - task.postedAt);
}
