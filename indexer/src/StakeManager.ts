import { ponder } from "ponder:registry";
import { slash, stake } from "ponder:schema";
import { record } from "./lib/activity.js";
import { applyStake } from "./lib/weights.js";

const C = "StakeManager";

ponder.on("StakeManager:Staked", async ({ event, context }) => {
  const { agentId, newStake } = event.args;
  await context.db
    .insert(stake)
    .values({ agentId, active: newStake, unbonding: 0n, releaseAt: 0n, slashed: 0n, updatedAt: event.block.timestamp })
    .onConflictDoUpdate({ active: newStake, updatedAt: event.block.timestamp });
  await applyStake(context.db, agentId, newStake);
  await record(context.db, C, "Staked", event, { agentId });
});

ponder.on("StakeManager:UnstakeRequested", async ({ event, context }) => {
  const { agentId, newStake, unbonding, releaseAt } = event.args;
  await context.db
    .update(stake, { agentId })
    .set({ active: newStake, unbonding, releaseAt, updatedAt: event.block.timestamp });
  await applyStake(context.db, agentId, newStake);
  await record(context.db, C, "UnstakeRequested", event, { agentId });
});

ponder.on("StakeManager:Withdrawn", async ({ event, context }) => {
  const { agentId } = event.args;
  await context.db.update(stake, { agentId }).set({ unbonding: 0n, releaseAt: 0n, updatedAt: event.block.timestamp });
  await record(context.db, C, "Withdrawn", event, { agentId });
});

ponder.on("StakeManager:Slashed", async ({ event, context }) => {
  const a = event.args;
  await context.db
    .insert(stake)
    .values({ agentId: a.agentId, active: a.newStake, unbonding: a.unbonding, releaseAt: 0n, slashed: a.amount, updatedAt: event.block.timestamp })
    .onConflictDoUpdate((row) => ({
      active: a.newStake,
      unbonding: a.unbonding,
      slashed: row.slashed + a.amount,
      updatedAt: event.block.timestamp,
    }));
  await context.db.insert(slash).values({
    id: event.id,
    agentId: a.agentId,
    slasher: a.slasher,
    amount: a.amount,
    recipient: a.recipient,
    reason: a.reason,
    timestamp: event.block.timestamp,
  });
  await applyStake(context.db, a.agentId, a.newStake);
  await record(context.db, C, "Slashed", event, { agentId: a.agentId });
});

ponder.on("StakeManager:StakeListenerSet", async ({ event, context }) => {
  await record(context.db, C, "StakeListenerSet", event);
});

ponder.on("StakeManager:RoleGranted", async ({ event, context }) => {
  await record(context.db, C, "RoleGranted", event);
});

ponder.on("StakeManager:RoleRevoked", async ({ event, context }) => {
  await record(context.db, C, "RoleRevoked", event);
});
