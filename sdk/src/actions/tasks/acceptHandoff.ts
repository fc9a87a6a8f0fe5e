import { actingAgent, type Context, eventOf, read, write } from "../../client/context.js";
import type { WriteErrorType } from "../../errors/types.js";
import { ensureAllowance, ethValue } from "../../utils/taskSpec.js";
import * as v from "../../validate.js";
import type { Claim } from "./claimTask.js";

export type AcceptHandoffParameters = {
  taskId: bigint | number | string;
  /** The agent taking over (default: the client's). */
  agentId?: bigint | undefined;
};

export type AcceptHandoffReturnType = Claim;

export type AcceptHandoffErrorType = WriteErrorType<"TaskBoard">;

/**
 * Takes over a task offered to the agent (paying the task's bond): a new attempt with a fresh lease.
 *
 * @example
 * const claim = await acceptHandoff(agent, { taskId: 12n });
 */
export async function acceptHandoff(ctx: Context, params: AcceptHandoffParameters): Promise<AcceptHandoffReturnType> {
  const id = v.id("taskId", params.taskId);
  const agentId = actingAgent(ctx, params.agentId);
  const t = await read(ctx, "TaskBoard", "getTask", [id]);
  await ensureAllowance(ctx, t.rewardToken, t.claimBond);
  const written = await write(ctx, "TaskBoard", "acceptHandoff", [id, agentId], {
    value: ethValue(t.rewardToken, t.claimBond),
  });
  const e = eventOf(ctx, written.receipt, "TaskBoard", "TaskClaimed");
  return {
    ...written,
    taskId: id,
    agentId,
    attempt: e.attempt,
    leaseExpiry: e.leaseExpiry,
    lockedReward: e.lockedReward,
  };
}
