import { lock } from "ponder:schema";
import { handle } from "./lib/activity.js";

handle("LockManager:LockAcquired", async ({ event, context, chainId }) => {
  const { key, agentId, fencingToken, expiresAt } = event.args;
  const row = { holder: agentId, fencingToken, expiresAt, updatedAt: event.block.timestamp };
  await context.db
    .insert(lock)
    .values({ chainId, key, ...row })
    .onConflictDoUpdate(row);
  return { agentId };
});

handle("LockManager:LockReleased", async ({ event, context, chainId }) => {
  const { key, agentId } = event.args;
  await context.db.update(lock, { chainId, key }).set({ holder: 0n, expiresAt: 0n, updatedAt: event.block.timestamp });
  return { agentId };
});
