import { zeroHash } from "viem";
import { type Context, read } from "../../client/context.js";
import { ContractRevertError } from "../../errors/contract.js";
import type { IndexedReadErrorType } from "../../errors/types.js";
import type { Row } from "../../indexer/client.js";
import { TASK_STATUSES, type Task, toTask } from "../../indexer/rows.js";
import * as v from "../../validate.js";

export type GetTaskParameters = { taskId: bigint | number | string };

/** The task, or `null` when there is none with that id. */
export type GetTaskReturnType = Task | null;

export type GetTaskErrorType = IndexedReadErrorType<"TaskBoard">;

/**
 * A task by id on the agent's chain: from the indexer when there is one, else from the chain
 * (without its spec URI and result, which only events carry).
 *
 * @example
 * const task = await getTask(agent, { taskId: 12n });
 * if (task?.status === "submitted") console.log(task.resultURI);
 */
export async function getTask(ctx: Context, params: GetTaskParameters): Promise<GetTaskReturnType> {
  const id = v.id("taskId", params.taskId);
  if (ctx.indexer) {
    const body = await ctx.indexer.get<{ task: Row }>(`/tasks/${id}`, { chain: ctx.deployment.chainId });
    return body ? toTask(body.task) : null;
  }
  const t = await read(ctx, "TaskBoard", "getTask", [id]).catch((error: unknown) => {
    if (error instanceof ContractRevertError && error.errorName === "TaskNotFound") return null;
    throw error;
  });
  if (!t || t.status === 0) return null;
  const status = TASK_STATUSES[t.status] ?? "none";
  return {
    chainId: ctx.deployment.chainId,
    id,
    status,
    poster: t.poster,
    capability: t.capability,
    specURI: "",
    specHash: zeroHash,
    rewardToken: t.rewardToken,
    reward: t.reward,
    maxReward: t.maxReward,
    claimBond: t.claimBond,
    minStake: t.minStake,
    abandonSlash: t.abandonSlash,
    leaseDuration: t.leaseDuration,
    notBefore: t.notBefore,
    deadline: t.deadline,
    reviewWindow: t.reviewWindow,
    approver: t.approver,
    postedAt: t.postedAt,
    scheduleId: 0n,
    round: 0,
    claimant: t.claimant,
    attempt: t.attempt,
    leaseExpiry: status === "claimed" ? t.timer : 0n,
    lockedReward: t.lockedReward,
    resultURI: null,
    resultHash: null,
    reviewDeadline: status === "submitted" ? t.timer : null,
    pendingHandoff: await read(ctx, "TaskBoard", "pendingHandoff", [id]),
    updatedAt: 0n,
  };
}
