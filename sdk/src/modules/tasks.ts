/**
 * Work claims, bound to an agent: post tasks with escrow, claim them atomically, renew leases,
 * submit, review, hand off, escalate to a human; the helpers agents run (`claimNext`, `work`) and
 * watchers. Each method calls the action of the same concern in `actions/tasks/`.
 */
import type { Address, Hex } from "viem";
import { acceptHandoff } from "../actions/tasks/acceptHandoff.js";
import { acceptTask } from "../actions/tasks/acceptTask.js";
import { cancelTask } from "../actions/tasks/cancelTask.js";
import { type ClaimNextFilter, claimNextTask } from "../actions/tasks/claimNextTask.js";
import { type ClaimTaskParameters, claimTask } from "../actions/tasks/claimTask.js";
import { escalateTask } from "../actions/tasks/escalateTask.js";
import { type EstimateTaskFeeParameters, estimateTaskFee } from "../actions/tasks/estimateTaskFee.js";
import { expireEscalation } from "../actions/tasks/expireEscalation.js";
import { expireTask } from "../actions/tasks/expireTask.js";
import { getCredit } from "../actions/tasks/getCredit.js";
import { getTask } from "../actions/tasks/getTask.js";
import { getTaskHistory } from "../actions/tasks/getTaskHistory.js";
import { handoffTask } from "../actions/tasks/handoffTask.js";
import { type ListTasksParameters, listTasks, type TaskFilter } from "../actions/tasks/listTasks.js";
import { type PostTaskParameters, postTask } from "../actions/tasks/postTask.js";
import { reclaimTask } from "../actions/tasks/reclaimTask.js";
import { rejectTask } from "../actions/tasks/rejectTask.js";
import { renewLease } from "../actions/tasks/renewLease.js";
import { resolveEscalation } from "../actions/tasks/resolveEscalation.js";
import { submitTask } from "../actions/tasks/submitTask.js";
import { watchOpenTasks } from "../actions/tasks/watchOpenTasks.js";
import { watchTask } from "../actions/tasks/watchTask.js";
import { type WatchTasksParameters, watchTasks } from "../actions/tasks/watchTasks.js";
import { withdrawCredit } from "../actions/tasks/withdrawCredit.js";
import { type WorkHandler, workNextTask } from "../actions/tasks/workNextTask.js";
import type { Context } from "../client/context.js";
import type { Task } from "../indexer/rows.js";

export function tasksModule(ctx: Context) {
  return {
    /** Posts a task, escrowing `maxReward` (ETH sent with the call, or an approved ERC-20). See {@link postTask}. */
    post: (params: PostTaskParameters) => postTask(ctx, params),
    /** Claims `taskId` for the agent, paying the task's bond. See {@link claimTask}. */
    claim: (taskId: bigint | number | string, options: Omit<ClaimTaskParameters, "taskId"> = {}) =>
      claimTask(ctx, { ...options, taskId }),
    /** Claims an open task the agent is eligible for, spreading concurrent agents. See {@link claimNextTask}. */
    claimNext: (filter: ClaimNextFilter = {}) => claimNextTask(ctx, filter),
    /** What claiming and submitting `task` would cost now, measured on the chain. See {@link estimateTaskFee}. */
    estimateFee: (task: EstimateTaskFeeParameters["task"]) => estimateTaskFee(ctx, { task }),
    /** Extends the lease of a claim the agent holds. See {@link renewLease}. */
    renewLease: (taskId: bigint, attempt: number) => renewLease(ctx, { taskId, attempt }),
    /** Submits a result for review; `resultHash` defaults to keccak256 of `resultURI`. See {@link submitTask}. */
    submit: (taskId: bigint, attempt: number, resultURI: string, resultHash?: Hex) =>
      submitTask(ctx, { taskId, attempt, resultURI, resultHash }),
    /** Accepts a submission: pays the claimant. See {@link acceptTask}. */
    accept: (taskId: bigint) => acceptTask(ctx, { taskId }),
    /** Rejects a submission: the task reopens. See {@link rejectTask}. */
    reject: (taskId: bigint, reasonURI: string) => rejectTask(ctx, { taskId, reasonURI }),
    /** Cancels an open task (the poster). See {@link cancelTask}. */
    cancel: (taskId: bigint) => cancelTask(ctx, { taskId }),
    /** Expires an open task past its deadline (anyone). See {@link expireTask}. */
    expire: (taskId: bigint) => expireTask(ctx, { taskId }),
    /** Reopens a task whose lease expired (anyone). See {@link reclaimTask}. */
    reclaim: (taskId: bigint) => reclaimTask(ctx, { taskId }),
    /** Offers the task the agent holds to another agent. See {@link handoffTask}. */
    handoff: (taskId: bigint, attempt: number, toAgentId: bigint, contextURI: string) =>
      handoffTask(ctx, { taskId, attempt, toAgentId, contextURI }),
    /** Takes over a task offered to the agent. See {@link acceptHandoff}. */
    acceptHandoff: (taskId: bigint, options: { agentId?: bigint } = {}) => acceptHandoff(ctx, { ...options, taskId }),
    /** Stops the lease clock and asks the task's approver a question. See {@link escalateTask}. */
    escalate: (taskId: bigint, attempt: number, questionURI: string) =>
      escalateTask(ctx, { taskId, attempt, questionURI }),
    /** The approver's answer: `resume` gives the task back to its claimant. See {@link resolveEscalation}. */
    resolveEscalation: (taskId: bigint, answerURI: string, resume: boolean) =>
      resolveEscalation(ctx, { taskId, answerURI, resume }),
    /** Ends an escalation left unanswered past its deadline (anyone). See {@link expireEscalation}. */
    expireEscalation: (taskId: bigint) => expireEscalation(ctx, { taskId }),
    /** Withdraws the caller's credit in `token` (default ETH). See {@link withdrawCredit}. */
    withdrawCredit: (token?: Address) => withdrawCredit(ctx, { token }),
    /** An account's withdrawable credit in `token` (default ETH). See {@link getCredit}. */
    creditOf: (account: Address, token?: Address) => getCredit(ctx, { account, token }),
    /** A task by id, or `null`. See {@link getTask}. */
    get: (taskId: bigint | number | string) => getTask(ctx, { taskId }),
    /** Tasks by status and filter, oldest first. See {@link listTasks}. */
    list: (filter: ListTasksParameters = {}) => listTasks(ctx, filter),
    /** A task's events in chain order. See {@link getTaskHistory}. */
    history: (taskId: bigint | number | string) => getTaskHistory(ctx, { taskId }),
    /** Claims the next task, keeps its lease alive while `handler` runs, submits. See {@link workNextTask}. */
    work: (filter: ClaimNextFilter, handler: WorkHandler) => workNextTask(ctx, { ...filter, handler }),
    /** Pushes the open tasks matching `filter`; returns the unsubscribe function. See {@link watchOpenTasks}. */
    watchOpen: (filter: TaskFilter, onTasks: (tasks: Task[]) => void, onError?: (error: Error) => void) =>
      watchOpenTasks(ctx, { ...filter, onTasks, onError }),
    /** Pushes the tasks in one or several statuses; returns the unsubscribe function. See {@link watchTasks}. */
    watchList: (
      filter: Omit<WatchTasksParameters, "onTasks" | "onError">,
      onTasks: (tasks: Task[]) => void,
      onError?: (error: Error) => void,
    ) => watchTasks(ctx, { ...filter, onTasks, onError }),
    /** Pushes one task whenever it changes; returns the unsubscribe function. See {@link watchTask}. */
    watch: (taskId: bigint, onTask: (task: Task) => void, onError?: (error: Error) => void) =>
      watchTask(ctx, { taskId, onTask, onError }),
  };
}

export type TasksModule = ReturnType<typeof tasksModule>;
