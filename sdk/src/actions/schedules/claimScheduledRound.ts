import { actingAgent, type Context, eventOf, write } from "../../client/context.js";
import type { WriteErrorType } from "../../errors/types.js";
import { ensureAllowance, ethValue } from "../../utils/taskSpec.js";
import * as v from "../../validate.js";
import type { Claim } from "../tasks/claimTask.js";
import { getRoundTerms } from "./getRoundTerms.js";

export type ClaimScheduledRoundParameters = {
  scheduleId: bigint | number | string;
  /** The round, from 0. */
  round: number;
  /** The agent claiming (default: the client's). */
  agentId?: bigint | undefined;
};

export type ClaimScheduledRoundReturnType = Claim;

export type ClaimScheduledRoundErrorType = WriteErrorType<"TaskBoard">;

/**
 * Spawns a due round of a schedule and claims its task for the agent, in one transaction (paying
 * the round's bond like any claim).
 *
 * @example
 * const claim = await claimScheduledRound(agent, { scheduleId: 1n, round: 0 });
 */
export async function claimScheduledRound(
  ctx: Context,
  params: ClaimScheduledRoundParameters,
): Promise<ClaimScheduledRoundReturnType> {
  const id = v.id("scheduleId", params.scheduleId);
  const agentId = actingAgent(ctx, params.agentId);
  const terms = await getRoundTerms(ctx, { scheduleId: id });
  if (terms) await ensureAllowance(ctx, terms.rewardToken, terms.claimBond);
  const value = terms ? ethValue(terms.rewardToken, terms.claimBond) : 0n;
  const written = await write(
    ctx,
    "TaskBoard",
    "claimScheduled",
    [id, Number(v.uint("round", params.round, { bits: 32 })), agentId],
    { value },
  );
  const e = eventOf(ctx, written.receipt, "TaskBoard", "TaskClaimed");
  return {
    ...written,
    taskId: e.taskId,
    agentId,
    attempt: e.attempt,
    leaseExpiry: e.leaseExpiry,
    lockedReward: e.lockedReward,
  };
}
