import { credit, schedule, scheduleRound, task } from "ponder:schema";
import { handle, jsonArgs } from "./lib/activity.js";

/*
 * A task's history is its activity rows (contract TaskBoard, its taskId): each handler returns the
 * task and the agent the event concerns (for a handoff, the agent handing off).
 */

/** The task back to Open, as TaskBoard._reopen and reclaim leave it. */
const reopened = (row: { reward: bigint }, timestamp: bigint) => ({
  status: "open" as const,
  claimant: 0n,
  leaseExpiry: 0n,
  leaseRemaining: 0n,
  answerBy: null,
  lockedReward: row.reward,
  reviewDeadline: null,
  updatedAt: timestamp,
});

handle("TaskBoard:TaskPosted", async ({ event, context, chainId }) => {
  const { taskId, poster, capability, spec, scheduleId, round } = event.args;
  await context.db.insert(task).values({
    chainId,
    id: taskId,
    status: "open",
    poster,
    capability,
    specURI: spec.specURI,
    specHash: spec.specHash,
    rewardToken: spec.rewardToken,
    reward: spec.reward,
    maxReward: spec.maxReward,
    claimBond: spec.claimBond,
    minStake: spec.minStake,
    abandonSlash: spec.abandonSlash,
    leaseDuration: spec.leaseDuration,
    notBefore: spec.notBefore,
    deadline: spec.deadline,
    reviewWindow: spec.reviewWindow,
    approver: spec.approver,
    // A schedule round's reward ramp starts at its due time.
    postedAt: scheduleId === 0n ? event.block.timestamp : spec.notBefore,
    scheduleId,
    round,
    claimant: 0n,
    attempt: 0,
    leaseExpiry: 0n,
    leaseRemaining: 0n,
    lockedReward: spec.reward,
    handoffTo: 0n,
    handoffAttempt: 0,
    updatedAt: event.block.timestamp,
  });
  if (scheduleId !== 0n) {
    await context.db.insert(scheduleRound).values({ chainId, scheduleId, round, taskId });
    await context.db.update(schedule, { chainId, id: scheduleId }).set((s) => ({ spawned: s.spawned + 1 }));
  }
  return { taskId };
});

handle("TaskBoard:TaskClaimed", async ({ event, context, chainId }) => {
  const { taskId, agentId, attempt, leaseExpiry, lockedReward } = event.args;
  await context.db.update(task, { chainId, id: taskId }).set({
    status: "claimed",
    claimant: agentId,
    attempt,
    leaseExpiry,
    leaseRemaining: 0n,
    lockedReward,
    updatedAt: event.block.timestamp,
  });
  return { taskId, agentId };
});

handle("TaskBoard:LeaseRenewed", async ({ event, context, chainId }) => {
  const { taskId, agentId, leaseExpiry } = event.args;
  await context.db.update(task, { chainId, id: taskId }).set({ leaseExpiry, updatedAt: event.block.timestamp });
  return { taskId, agentId };
});

handle("TaskBoard:TaskSubmitted", async ({ event, context, chainId }) => {
  const { taskId, agentId, resultURI, resultHash, reviewDeadline } = event.args;
  await context.db.update(task, { chainId, id: taskId }).set({
    status: "submitted",
    resultURI,
    resultHash,
    reviewDeadline,
    leaseExpiry: 0n,
    updatedAt: event.block.timestamp,
  });
  return { taskId, agentId };
});

handle("TaskBoard:TaskAccepted", async ({ event, context, chainId }) => {
  const { taskId, agentId } = event.args;
  await context.db
    .update(task, { chainId, id: taskId })
    .set({ status: "accepted", reviewDeadline: null, updatedAt: event.block.timestamp });
  return { taskId, agentId };
});

handle("TaskBoard:TaskRejected", async ({ event, context, chainId }) => {
  const { taskId, agentId } = event.args;
  await context.db.update(task, { chainId, id: taskId }).set((row) => reopened(row, event.block.timestamp));
  return { taskId, agentId };
});

handle("TaskBoard:TaskReclaimed", async ({ event, context, chainId }) => {
  const { taskId, agentId } = event.args;
  await context.db.update(task, { chainId, id: taskId }).set((row) => reopened(row, event.block.timestamp));
  return { taskId, agentId };
});

handle("TaskBoard:TaskCancelled", async ({ event, context, chainId }) => {
  const { taskId } = event.args;
  await context.db.update(task, { chainId, id: taskId }).set({ status: "cancelled", updatedAt: event.block.timestamp });
  return { taskId };
});

handle("TaskBoard:TaskExpired", async ({ event, context, chainId }) => {
  const { taskId } = event.args;
  await context.db.update(task, { chainId, id: taskId }).set({ status: "expired", updatedAt: event.block.timestamp });
  return { taskId };
});

handle("TaskBoard:TaskHandedOff", async ({ event, context, chainId }) => {
  const { taskId, fromAgentId, toAgentId, attempt } = event.args;
  await context.db
    .update(task, { chainId, id: taskId })
    .set({ handoffTo: toAgentId, handoffAttempt: attempt, updatedAt: event.block.timestamp });
  return { taskId, agentId: fromAgentId };
});

handle("TaskBoard:TaskEscalated", async ({ event, context, chainId }) => {
  const { taskId, agentId, leaseRemaining, answerBy } = event.args;
  await context.db
    .update(task, { chainId, id: taskId })
    .set({ status: "escalated", leaseExpiry: 0n, leaseRemaining, answerBy, updatedAt: event.block.timestamp });
  return { taskId, agentId };
});

handle("TaskBoard:EscalationResolved", async ({ event, context, chainId }) => {
  const { taskId, resume, leaseExpiry } = event.args;
  const updatedAt = event.block.timestamp;
  await context.db
    .update(task, { chainId, id: taskId })
    .set((row) =>
      resume
        ? { status: "claimed", leaseExpiry, leaseRemaining: 0n, answerBy: null, updatedAt }
        : reopened(row, updatedAt),
    );
  return { taskId };
});

handle("TaskBoard:EscalationExpired", async ({ event, context, chainId }) => {
  const { taskId, agentId } = event.args;
  await context.db.update(task, { chainId, id: taskId }).set((row) => reopened(row, event.block.timestamp));
  return { taskId, agentId };
});

/** A settlement whose reputation write failed: in the task's history, so the missing feedback can be found. */
handle("TaskBoard:FeedbackFailed", ({ event }) => ({ taskId: event.args.taskId, agentId: event.args.agentId }));

handle("TaskBoard:ScheduleCreated", async ({ event, context, chainId }) => {
  const { scheduleId, poster, template, firstAt, interval, count } = event.args;
  await context.db.insert(schedule).values({
    chainId,
    id: scheduleId,
    poster,
    template: jsonArgs(template),
    firstAt,
    interval,
    count,
    spawned: 0,
    cancelled: false,
  });
});

handle("TaskBoard:ScheduleCancelled", async ({ event, context, chainId }) => {
  await context.db.update(schedule, { chainId, id: event.args.scheduleId }).set({ cancelled: true });
});

handle("TaskBoard:Credited", async ({ event, context, chainId }) => {
  const { account, token, amount, taskId } = event.args;
  await context.db
    .insert(credit)
    .values({ chainId, account, token, amount })
    .onConflictDoUpdate((row) => ({ amount: row.amount + amount }));
  // Credits are the task's money, not its history (REST /tasks/:id leaves them out).
  return taskId === 0n ? {} : { taskId };
});

handle("TaskBoard:CreditWithdrawn", async ({ event, context, chainId }) => {
  const { account, token, amount } = event.args;
  await context.db.update(credit, { chainId, account, token }).set((row) => ({ amount: row.amount - amount }));
});
