import { slash, stake } from "ponder:schema";
import { handle } from "./lib/activity.js";
import { applyStake } from "./lib/weights.js";

/** A stake row for an agent seen for the first time. */
const fresh = { active: 0n, locked: 0n, unbonding: 0n, releaseAt: 0n, slashed: 0n };

handle("StakeManager:Staked", async ({ event, context, chainId }) => {
  const { agentId, newStake } = event.args;
  const updatedAt = event.block.timestamp;
  await context.db
    .insert(stake)
    .values({ chainId, ...fresh, agentId, active: newStake, updatedAt })
    .onConflictDoUpdate({ active: newStake, updatedAt });
  await applyStake(context.db, chainId, agentId, newStake);
  return { agentId };
});

handle("StakeManager:UnstakeRequested", async ({ event, context, chainId }) => {
  const { agentId, newStake, unbonding, releaseAt } = event.args;
  await context.db
    .update(stake, { chainId, agentId })
    .set({ active: newStake, unbonding, releaseAt, updatedAt: event.block.timestamp });
  await applyStake(context.db, chainId, agentId, newStake);
  return { agentId };
});

handle("StakeManager:Withdrawn", async ({ event, context, chainId }) => {
  const { agentId, unbonding } = event.args;
  // What a lock kept back stays unbonding, with its release time.
  await context.db
    .update(stake, { chainId, agentId })
    .set((row) => ({ unbonding, releaseAt: unbonding === 0n ? 0n : row.releaseAt, updatedAt: event.block.timestamp }));
  return { agentId };
});

handle("StakeManager:StakeLocked", async ({ event, context, chainId }) => {
  const { agentId, locked } = event.args;
  await context.db.update(stake, { chainId, agentId }).set({ locked, updatedAt: event.block.timestamp });
  return { agentId };
});

handle("StakeManager:StakeUnlocked", async ({ event, context, chainId }) => {
  const { agentId, locked } = event.args;
  const updatedAt = event.block.timestamp;
  // An unlock of nothing may name an agent that never staked.
  await context.db
    .insert(stake)
    .values({ chainId, ...fresh, agentId, locked, updatedAt })
    .onConflictDoUpdate({ locked, updatedAt });
  return { agentId };
});

handle("StakeManager:Slashed", async ({ event, context, chainId }) => {
  const a = event.args;
  const updatedAt = event.block.timestamp;
  await context.db
    .insert(stake)
    .values({
      ...fresh,
      chainId,
      agentId: a.agentId,
      active: a.newStake,
      unbonding: a.unbonding,
      slashed: a.amount,
      updatedAt,
    })
    .onConflictDoUpdate((row) => ({
      active: a.newStake,
      unbonding: a.unbonding,
      slashed: row.slashed + a.amount,
      updatedAt,
    }));
  await context.db.insert(slash).values({
    chainId,
    id: event.id,
    agentId: a.agentId,
    slasher: a.slasher,
    amount: a.amount,
    recipient: a.recipient,
    reason: a.reason,
    timestamp: event.block.timestamp,
  });
  await applyStake(context.db, chainId, a.agentId, a.newStake);
  return { agentId: a.agentId };
});

handle("StakeManager:StakeListenerSet");
handle("StakeManager:RoleGranted");
handle("StakeManager:RoleRevoked");
handle("StakeManager:RoleAdminChanged");
