import type { Hex } from "viem";
import type { Context, Written } from "../../client/context.js";
import { ContractRevertError } from "../../errors/contract.js";
import type { Task } from "../../indexer/rows.js";
import { timerMs } from "../../utils/watch.js";
import { type ClaimNextFilter, type ClaimNextTaskErrorType, claimNextTask } from "./claimNextTask.js";
import type { Claim } from "./claimTask.js";
import { getTask } from "./getTask.js";
import { renewLease } from "./renewLease.js";
import { submitTask } from "./submitTask.js";

/** Does the work of a claimed task and says where the result is; `signal` aborts when the lease is lost. */
export type WorkHandler = (job: {
  task: Task;
  claim: Claim;
  signal: AbortSignal;
}) => Promise<{ resultURI: string; resultHash?: Hex }>;

export type WorkNextTaskParameters = ClaimNextFilter & {
  /** The work. */
  handler: WorkHandler;
};

/** The claim and its submission, or `undefined` when there was nothing to claim. */
export type WorkNextTaskReturnType = (Claim & { submitted: Written }) | undefined;

/** What claiming and submitting can throw, and whatever the handler throws. */
export type WorkNextTaskErrorType = ClaimNextTaskErrorType;

/**
 * Claims the next task (`claimNextTask`), keeps its lease alive while `handler` runs, then submits
 * what it returns. Resolves `undefined` when there was nothing to claim. If the handler throws,
 * renewals stop (the lease runs out and the task reopens) and the error is rethrown.
 *
 * @example
 * await workNextTask(agent, {
 *   capabilities: ["summarize"],
 *   handler: async ({ task }) => ({ resultURI: await summarize(task.specURI) }),
 * });
 */
export async function workNextTask(ctx: Context, params: WorkNextTaskParameters): Promise<WorkNextTaskReturnType> {
  const { handler, ...filter } = params;
  const claim = await claimNextTask(ctx, filter);
  if (!claim) return undefined;
  const task = (await getTask(ctx, { taskId: claim.taskId }))!;
  const controller = new AbortController();
  const renewEveryMs = timerMs(Math.max(1_000, (Number(task.leaseDuration) * 1000) / 2));
  let renewing: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    renewing = renewLease(ctx, { taskId: claim.taskId, attempt: claim.attempt }).catch((error: unknown) => {
      clearInterval(timer);
      // Past the deadline a lease cannot be renewed, but it still runs (and submit has no deadline).
      if (error instanceof ContractRevertError && error.errorName === "RenewalPastDeadline") return;
      controller.abort(error);
    });
  }, renewEveryMs);
  try {
    const result = await handler({ task, claim, signal: controller.signal });
    clearInterval(timer);
    await renewing;
    const submitted = await submitTask(ctx, { taskId: claim.taskId, attempt: claim.attempt, ...result });
    return { ...claim, submitted };
  } finally {
    clearInterval(timer);
  }
}
