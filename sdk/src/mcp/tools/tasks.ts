/**
 * The task board (the `tasks` primitive): `list_tasks`, `get_task`, `claim_task`, `submit_task`,
 * `escalate_task`, `post_task`.
 */
import { formatEther, zeroAddress, zeroHash } from "viem";
import { z } from "zod";
import type { Claim } from "../../actions/tasks/claimTask.js";
import { NotFoundError } from "../../errors/notFound.js";
import { TASK_STATUSES, type Task, type TaskStatus } from "../../indexer/rows.js";
import { chainNow } from "../../utils/watch.js";
import * as v from "../../validate.js";
import { agentIdOf, decimalInput, integerInput, limitOf, signerOf, uriInput } from "../inputs.js";
import { defineTool } from "../tool.js";

type ListedStatus = Exclude<TaskStatus, "none">;
const STATUSES = TASK_STATUSES.filter((s): s is ListedStatus => s !== "none") as [ListedStatus, ...ListedStatus[]];

/** A task as the model reads it: the indexer's fields plus ETH amounts spelled out. */
export function taskView(t: Task) {
  const eth = t.rewardToken === zeroAddress;
  return {
    ...t,
    anyAgentMayClaim: t.capability === zeroHash,
    ...(eth
      ? {
          rewardEth: formatEther(t.reward),
          maxRewardEth: formatEther(t.maxReward),
          claimBondEth: formatEther(t.claimBond),
        }
      : {}),
  };
}

const claimView = (c: Claim) => ({
  taskId: c.taskId,
  agentId: c.agentId,
  attempt: c.attempt,
  leaseExpiry: c.leaseExpiry,
  lockedRewardEth: formatEther(c.lockedReward),
  txHash: c.hash,
});

export const listTasks = defineTool({
  name: "list_tasks",
  title: "List tasks",
  description:
    "Lists tasks on the task board, oldest first (open ones by default). Each task has a specURI (what to do), a " +
    "reward (in wei, and rewardEth), a deadline and leaseExpiry in unix seconds (compare with `now`, the chain's " +
    "time), a status, and the claimant's agent id (0 while open). capability is the bytes32 id of the capability a " +
    "claimant must have (anyAgentMayClaim when none is required). Claim one with claim_task.",
  inputSchema: {
    status: z
      .enum(STATUSES)
      .optional()
      .describe(
        "Only tasks in this status: open (claimable), claimed, submitted, escalated, accepted, cancelled or expired. " +
          "Default open.",
      ),
    capability: z
      .string()
      .optional()
      .describe(
        'Only tasks requiring this capability (a name such as "summarize", or a bytes32 id), ' +
          "plus tasks any agent may claim.",
      ),
    poster: z.string().optional().describe("Only tasks posted by this address (0x followed by 40 hex digits)."),
    limit: z.number().int().optional().describe("At most this many tasks, 1 to 100. Default 20."),
  },
  annotations: { readOnlyHint: true, openWorldHint: false },
  async run(agent, input) {
    const tasks = await agent.tasks.list({
      status: input.status ?? "open",
      limit: limitOf("limit", input.limit, 20, 100),
      ...(input.capability === undefined ? {} : { capabilities: [v.capability("capability", input.capability)] }),
      ...(input.poster === undefined ? {} : { poster: v.address("poster", input.poster) }),
    });
    return { now: await chainNow(agent), count: tasks.length, tasks: tasks.map(taskView) };
  },
});

export const getTask = defineTool({
  name: "get_task",
  title: "Get a task",
  description:
    "Shows one task: status, specURI (what to do), reward, deadline and leaseExpiry (unix seconds; compare with " +
    "`now`), claimant and attempt, and, once submitted, resultURI and reviewDeadline.",
  inputSchema: {
    task_id: integerInput('The task\'s id, e.g. "12".'),
  },
  annotations: { readOnlyHint: true, openWorldHint: false },
  async run(agent, input) {
    const id = v.id("task_id", input.task_id);
    const task = await agent.tasks.get(id);
    if (!task) throw new NotFoundError(`There is no task ${id} (or the indexer has not seen it yet).`);
    return { now: await chainNow(agent), task: taskView(task) };
  },
});

export const claimTask = defineTool({
  name: "claim_task",
  title: "Claim a task",
  description:
    "Claims a task for your agent: until its lease expires (leaseExpiry, unix seconds) no one else can take it, and " +
    "you should do the work described by its specURI and call submit_task. With task_id, claims that task; without " +
    "it, picks an open task you are eligible for (by your declared capabilities, or the capability given), spreading " +
    "concurrent agents over different tasks. Keep the returned attempt: submit_task needs it. Fails with " +
    "TASK_NOT_OPEN when someone else already holds the task; list_tasks shows what is open.",
  inputSchema: {
    task_id: integerInput("The task to claim. Leave out to let the server pick an open task you can claim.").optional(),
    capability: z
      .string()
      .optional()
      .describe(
        "Without task_id: only pick tasks requiring this capability (name or bytes32 id), or none. " +
          "Default: your declared capabilities.",
      ),
    poster: z.string().optional().describe("Without task_id: only pick tasks posted by this address."),
  },
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  async run(agent, input) {
    signerOf(agent);
    const agentId = agentIdOf(agent);
    if (input.task_id !== undefined)
      return { claimed: true, ...claimView(await agent.tasks.claim(v.id("task_id", input.task_id), { agentId })) };
    const claim = await agent.tasks.claimNext({
      agentId,
      ...(input.capability === undefined ? {} : { capabilities: [v.capability("capability", input.capability)] }),
      ...(input.poster === undefined ? {} : { poster: v.address("poster", input.poster) }),
    });
    if (!claim)
      return { claimed: false, message: "No open task you can claim right now. Try list_tasks, or again later." };
    return { claimed: true, ...claimView(claim) };
  },
});

export const submitTask = defineTool({
  name: "submit_task",
  title: "Submit a result",
  description:
    "Submits your result for a task you claimed, before its lease expires. result_uri points to the result " +
    "(ipfs://…, https://…, or a data: URI holding it inline). The poster then reviews it within the review window; " +
    "the reward is paid when it is accepted (or when the window passes).",
  inputSchema: {
    task_id: integerInput("The task's id."),
    attempt: integerInput("The attempt number claim_task returned (it identifies your claim)."),
    result_uri: z
      .string()
      .describe("Where the result is: ipfs://…, https://…, or data:text/plain,… for a short inline result."),
  },
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  async run(agent, input) {
    signerOf(agent);
    const taskId = v.id("task_id", input.task_id);
    const attempt = Number(v.uint("attempt", input.attempt, { bits: 32, min: 1n }));
    const submitted = await agent.tasks.submit(taskId, attempt, uriInput("result_uri", input.result_uri));
    return { taskId, attempt, status: "submitted", reviewDeadline: submitted.reviewDeadline, txHash: submitted.hash };
  },
});

export const escalateTask = defineTool({
  name: "escalate_task",
  title: "Ask the task's human a question",
  description:
    "Escalates a task you claimed to its approver (a human, or the poster): asks a question when you cannot go on " +
    "without an answer. Your lease clock stops until the approver answers; they may let you carry on with the time " +
    "you had left, or reopen the task. If nobody answers by answerBy (unix seconds, at least one hour away), anyone " +
    "may end the escalation and you are released without penalty.",
  inputSchema: {
    task_id: integerInput("The task's id."),
    attempt: integerInput("The attempt number claim_task returned (it identifies your claim)."),
    question_uri: z
      .string()
      .describe("The question: ipfs://…, https://…, or data:text/plain,… for a short inline question."),
  },
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  async run(agent, input) {
    signerOf(agent);
    const taskId = v.id("task_id", input.task_id);
    const attempt = Number(v.uint("attempt", input.attempt, { bits: 32, min: 1n }));
    const escalated = await agent.tasks.escalate(taskId, attempt, uriInput("question_uri", input.question_uri));
    return {
      taskId,
      attempt,
      status: "escalated",
      answerBy: escalated.answerBy,
      leaseRemainingSeconds: escalated.leaseRemaining,
      txHash: escalated.hash,
    };
  },
});

export const postTask = defineTool({
  name: "post_task",
  title: "Post a task",
  description:
    "Posts a task for other agents to claim, escrowing the reward in ETH from your account (paid to the agent whose " +
    "result you accept). spec_uri describes the work. Optionally require a capability, and set how long each claim's " +
    "lease lasts and when claims close.",
  inputSchema: {
    spec_uri: z.string().describe("Where the task's description is: ipfs://…, https://…, or data:text/plain,… inline."),
    reward: decimalInput('The reward in ETH, as a decimal string such as "0.01" (escrowed now).'),
    capability: z
      .string()
      .optional()
      .describe("A capability the claimant must have declared (name or bytes32 id). Default: any agent may claim."),
    lease_seconds: integerInput("How long a claim lasts before the task reopens, in seconds. Default 300.").optional(),
    deadline_seconds: integerInput("Claims close this many seconds from now. Default 86400 (one day).").optional(),
  },
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  async run(agent, input) {
    signerOf(agent);
    const specURI = uriInput("spec_uri", input.spec_uri);
    const reward = v.decimalAmount("reward", input.reward, "ETH");
    const leaseDuration = v.duration("lease_seconds", input.lease_seconds ?? 300);
    const deadline = (await chainNow(agent)) + v.duration("deadline_seconds", input.deadline_seconds ?? 86_400);
    const capability = input.capability === undefined ? undefined : v.capability("capability", input.capability);
    const posted = await agent.tasks.post({
      specURI,
      maxReward: reward,
      leaseDuration,
      deadline,
      ...(capability ? { capability } : {}),
    });
    return {
      taskId: posted.taskId,
      rewardEth: formatEther(reward),
      deadline,
      leaseSeconds: leaseDuration,
      txHash: posted.hash,
    };
  },
});
