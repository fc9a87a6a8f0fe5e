import { ponder } from "ponder:registry";
import { credit, schedule, scheduleRound, task, taskEvent } from "ponder:schema";
import { jsonArgs, type LoggedEvent, record } from "./lib/activity.js";

const C = "TaskBoard";

// biome-ignore lint: Ponder's store type is not exported; this is the part used here.
type Db = any;

/** One history row per task event, and the audit log row. */
async function log(db: Db, name: string, event: LoggedEvent, taskId: bigint, agentId?: bigint, attempt?: number) {
  await db.insert(taskEvent).values({
    id: event.id,
    taskId,
    kind: name,
    agentId: agentId ?? null,
    attempt: attempt ?? null,
    data: jsonArgs(event.args),
    blockNumber: event.block.number,
    logIndex: event.log.logIndex,
    timestamp: event.block.timestamp,
    txHash: event.transaction.hash,
  });
  await record(db, C, name, event, { taskId, ...(agentId === undefined ? {} : { agentId }) });
}

/** The task back to Open, as TaskBoard._reopen and reclaim leave it. */
const reopened = (row: { reward: bigint }, timestamp: bigint) => ({
  status: "open",
  claimant: 0n,
  leaseExpiry: 0n,
  leaseRemaining: 0n,
  answerBy: null,
  lockedReward: row.reward,
  reviewDeadline: null,
  updatedAt: timestamp,
});

ponder.on("TaskBoard:TaskPosted", async ({ event, context }) => {
  const { taskId, poster, capability, spec, scheduleId, round } = event.args;
  await context.db.insert(task).values({
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
    await context.db.insert(scheduleRound).values({ scheduleId, round, taskId });
    await context.db.update(schedule, { id: scheduleId }).set((s) => ({ spawned: s.spawned + 1 }));
  }
  await log(context.db, "TaskPosted", event, taskId);
});

ponder.on("TaskBoard:TaskClaimed", async ({ event, context }) => {
  const { taskId, agentId, attempt, leaseExpiry, lockedReward } = event.args;
  await context.db.update(task, { id: taskId }).set({
    status: "claimed",
    claimant: agentId,
    attempt,
    leaseExpiry,
    leaseRemaining: 0n,
    lockedReward,
    updatedAt: event.block.timestamp,
  });
  await log(context.db, "TaskClaimed", event, taskId, agentId, attempt);
});

ponder.on("TaskBoard:LeaseRenewed", async ({ event, context }) => {
  const { taskId, agentId, attempt, leaseExpiry } = event.args;
  await context.db.update(task, { id: taskId }).set({ leaseExpiry, updatedAt: event.block.timestamp });
  await log(context.db, "LeaseRenewed", event, taskId, agentId, attempt);
});

ponder.on("TaskBoard:TaskSubmitted", async ({ event, context }) => {
  const { taskId, agentId, attempt, resultURI, resultHash, reviewDeadline } = event.args;
  await context.db
    .update(task, { id: taskId })
    .set({ status: "submitted", resultURI, resultHash, reviewDeadline, leaseExpiry: 0n, updatedAt: event.block.timestamp });
  await log(context.db, "TaskSubmitted", event, taskId, agentId, attempt);
});

ponder.on("TaskBoard:TaskAccepted", async ({ event, context }) => {
  const { taskId, agentId, attempt } = event.args;
  await context.db.update(task, { id: taskId }).set({ status: "accepted", reviewDeadline: null, updatedAt: event.block.timestamp });
  await log(context.db, "TaskAccepted", event, taskId, agentId, attempt);
});

ponder.on("TaskBoard:TaskRejected", async ({ event, context }) => {
  const { taskId, agentId, attempt } = event.args;
  await context.db.update(task, { id: taskId }).set((row) => reopened(row, event.block.timestamp));
  await log(context.db, "TaskRejected", event, taskId, agentId, attempt);
});

ponder.on("TaskBoard:TaskReclaimed", async ({ event, context }) => {
  const { taskId, agentId, attempt } = event.args;
  await context.db.update(task, { id: taskId }).set((row) => reopened(row, event.block.timestamp));
  await log(context.db, "TaskReclaimed", event, taskId, agentId, attempt);
});

ponder.on("TaskBoard:TaskCancelled", async ({ event, context }) => {
  await context.db.update(task, { id: event.args.taskId }).set({ status: "cancelled", updatedAt: event.block.timestamp });
  await log(context.db, "TaskCancelled", event, event.args.taskId);
});

ponder.on("TaskBoard:TaskExpired", async ({ event, context }) => {
  await context.db.update(task, { id: event.args.taskId }).set({ status: "expired", updatedAt: event.block.timestamp });
  await log(context.db, "TaskExpired", event, event.args.taskId);
});

ponder.on("TaskBoard:TaskHandedOff", async ({ event, context }) => {
  const { taskId, fromAgentId, toAgentId, attempt } = event.args;
  await context.db
    .update(task, { id: taskId })
    .set({ handoffTo: toAgentId, handoffAttempt: attempt, updatedAt: event.block.timestamp });
  await log(context.db, "TaskHandedOff", event, taskId, fromAgentId, attempt);
});

ponder.on("TaskBoard:TaskEscalated", async ({ event, context }) => {
  const { taskId, agentId, attempt, leaseRemaining, answerBy } = event.args;
  await context.db
    .update(task, { id: taskId })
    .set({ status: "escalated", leaseExpiry: 0n, leaseRemaining, answerBy, updatedAt: event.block.timestamp });
  await log(context.db, "TaskEscalated", event, taskId, agentId, attempt);
});

ponder.on("TaskBoard:EscalationResolved", async ({ event, context }) => {
  const { taskId, resume, leaseExpiry } = event.args;
  if (resume) {
    await context.db
      .update(task, { id: taskId })
      .set({ status: "claimed", leaseExpiry, leaseRemaining: 0n, answerBy: null, updatedAt: event.block.timestamp });
  } else {
    await context.db.update(task, { id: taskId }).set((row) => reopened(row, event.block.timestamp));
  }
  await log(context.db, "EscalationResolved", event, taskId);
});

ponder.on("TaskBoard:EscalationExpired", async ({ event, context }) => {
  const { taskId, agentId, attempt } = event.args;
  await context.db.update(task, { id: taskId }).set((row) => reopened(row, event.block.timestamp));
  await log(context.db, "EscalationExpired", event, taskId, agentId, attempt);
});

/** A settlement whose reputation write failed: in the task's history, so the missing feedback can be found. */
ponder.on("TaskBoard:FeedbackFailed", async ({ event, context }) => {
  const { taskId, agentId } = event.args;
  await log(context.db, "FeedbackFailed", event, taskId, agentId);
});

ponder.on("TaskBoard:ScheduleCreated", async ({ event, context }) => {
  const { scheduleId, poster, template, firstAt, interval, count } = event.args;
  await context.db.insert(schedule).values({
    id: scheduleId,
    poster,
    template: jsonArgs(template),
    firstAt,
    interval,
    count,
    spawned: 0,
    cancelled: false,
  });
  await record(context.db, C, "ScheduleCreated", event);
});

ponder.on("TaskBoard:ScheduleCancelled", async ({ event, context }) => {
  await context.db.update(schedule, { id: event.args.scheduleId }).set({ cancelled: true });
  await record(context.db, C, "ScheduleCancelled", event);
});

ponder.on("TaskBoard:Credited", async ({ event, context }) => {
  const { account, token, amount, taskId } = event.args;
  await context.db
    .insert(credit)
    .values({ account, token, amount })
    .onConflictDoUpdate((row) => ({ amount: row.amount + amount }));
  await record(context.db, C, "Credited", event, taskId === 0n ? {} : { taskId });
});

ponder.on("TaskBoard:CreditWithdrawn", async ({ event, context }) => {
  const { account, token, amount } = event.args;
  await context.db.update(credit, { account, token }).set((row) => ({ amount: row.amount - amount }));
  await record(context.db, C, "CreditWithdrawn", event);
});
