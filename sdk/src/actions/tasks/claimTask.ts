import { type Address, zeroAddress } from "viem";
import { actingAgent, type Context, eventOf, read, type Written, write } from "../../client/context.js";
import { type TokenRefusedError, tokenRefusal } from "../../errors/token.js";
import type { WriteErrorType } from "../../errors/types.js";
import { ensureAllowance, ethValue } from "../../utils/taskSpec.js";
import * as v from "../../validate.js";

/** A claim that landed. */
export type Claim = Written & {
  taskId: bigint;
  agentId: bigint;
  attempt: number;
  leaseExpiry: bigint;
  lockedReward: bigint;
};

export type ClaimTaskParameters = {
  taskId: bigint | number | string;
  /** The agent claiming (default: the client's). */
  agentId?: bigint | undefined;
  /** Gas limit; when set the claim is not estimated first (a lost race then reverts on chain). */
  gas?: bigint | undefined;
  /** The task's bond terms, when known (saves a read). */
  bond?: { rewardToken: Address; claimBond: bigint } | undefined;
};

export type ClaimTaskReturnType = Claim;

/** Its reverts, and `TokenRefusedError` when the task's ERC-20 bond token refuses the claimant. */
export type ClaimTaskErrorType = WriteErrorType<"TaskBoard"> | TokenRefusedError;

/**
 * Claims `taskId` for the agent, paying the task's bond (in ETH with the call, or approved first in
 * its ERC-20). The claim holds the task for its lease; renew it with `renewLease`.
 *
 * @example
 * const { attempt, leaseExpiry } = await claimTask(agent, { taskId: 12n });
 */
export async function claimTask(ctx: Context, params: ClaimTaskParameters): Promise<ClaimTaskReturnType> {
  const id = v.id("taskId", params.taskId);
  const agentId = actingAgent(ctx, params.agentId);
  const t = params.bond ?? (await read(ctx, "TaskBoard", "getTask", [id]));
  await ensureAllowance(ctx, t.rewardToken, t.claimBond);
  const options = { value: ethValue(t.rewardToken, t.claimBond), ...(params.gas ? { gas: params.gas } : {}) };
  const pullsBond = t.rewardToken !== zeroAddress && t.claimBond > 0n;
  // A revert TaskBoard does not declare, on a claim that pulls an ERC-20 bond, is the token's.
  const written = await write(ctx, "TaskBoard", "claim", [id, agentId], options).catch((error: unknown) => {
    throw pullsBond ? tokenRefusal(error, t.rewardToken, "transferFrom") : error;
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
