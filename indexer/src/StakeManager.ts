import { ponder } from "ponder:registry";
import { slash, stake } from "ponder:schema";
import { record } from "./lib/activity.js";
import { applyStake } from "./lib/weights.js";

const C = "StakeManager";

ponder.on("StakeManager:Staked", async ({ event, context }) => {
  const { agentId, newStake } = event.args;
  await context.db
    .insert(stake)
    .values({ agentId, active: newStake, locked: 0n, unbonding: 0n, releaseAt: 0n, slashed: 0n, updatedAt: event.block.timestamp })
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
  const { agentId, unbonding } = event.args;
  // What a lock kept back stays unbonding, with its release time.
  await context.db
    .update(stake, { agentId })
    .set((row) => ({ unbonding, releaseAt: unbonding === 0n ? 0n : row.releaseAt, updatedAt: event.block.timestamp }));
  await record(context.db, C, "Withdrawn", event, { agentId });
});

ponder.on("StakeManager:StakeLocked", async ({ event, context }) => {
  const { agentId, locked } = event.args;
  await context.db.update(stake, { agentId }).set({ locked, updatedAt: event.block.timestamp });
  await record(context.db, C, "StakeLocked", event, { agentId });
});

ponder.on("StakeManager:StakeUnlocked", async ({ event, context }) => {
  const { agentId, locked } = event.args;
  // An unlock of nothing may name an agent that never staked.
  await context.db
    .insert(stake)
    .values({ agentId, active: 0n, locked, unbonding: 0n, releaseAt: 0n, slashed: 0n, updatedAt: event.block.timestamp })
    .onConflictDoUpdate({ locked, updatedAt: event.block.timestamp });
  await record(context.db, C, "StakeUnlocked", event, { agentId });
});

ponder.on("StakeManager:Slashed", async ({ event, context }) => {
  const a = event.args;
  await context.db
    .insert(stake)
    .values({ agentId: a.agentId, active: a.newStake, locked: 0n, unbonding: a.unbonding, releaseAt: 0n, slashed: a.amount, updatedAt: event.block.timestamp })
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
