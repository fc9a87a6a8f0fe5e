import { type Context, eventOf, type Written, write } from "../../client/context.js";
import type { WriteErrorType } from "../../errors/types.js";
import { ensureAllowance, ethValue, type PostTaskParameters, taskSpec } from "../../utils/taskSpec.js";

export type { PostTaskParameters } from "../../utils/taskSpec.js";

export type PostTaskReturnType = Written & { taskId: bigint };

export type PostTaskErrorType = WriteErrorType<"TaskBoard"> | WriteErrorType<"StakeToken">;

/**
 * Posts a task, escrowing `maxReward`: sent with the call in ETH, or approved first in an ERC-20.
 * Every term but `specURI` and `maxReward` has a default; all are checked before anything is sent.
 *
 * @example
 * const { taskId } = await postTask(agent, { specURI: "ipfs://brief", maxReward: parseEther("0.01") });
 */
export async function postTask(ctx: Context, params: PostTaskParameters): Promise<PostTaskReturnType> {
  const spec = await taskSpec(ctx, params);
  await ensureAllowance(ctx, spec.rewardToken, spec.maxReward);
  const written = await write(ctx, "TaskBoard", "postTask", [spec], {
    value: ethValue(spec.rewardToken, spec.maxReward),
  });
  return { ...written, taskId: eventOf(ctx, written.receipt, "TaskBoard", "TaskPosted").taskId };
}
