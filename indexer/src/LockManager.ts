import { ponder } from "ponder:registry";
import { lock } from "ponder:schema";
import { record } from "./lib/activity.js";

const C = "LockManager";

ponder.on("LockManager:LockAcquired", async ({ event, context }) => {
  const { key, agentId, fencingToken, expiresAt } = event.args;
  const row = { holder: agentId, fencingToken, expiresAt, updatedAt: event.block.timestamp };
  await context.db.insert(lock).values({ key, ...row }).onConflictDoUpdate(row);
  await record(context.db, C, "LockAcquired", event, { agentId });
});

ponder.on("LockManager:LockReleased", async ({ event, context }) => {
  const { key, agentId } = event.args;
  await context.db.update(lock, { key }).set({ holder: 0n, expiresAt: 0n, updatedAt: event.block.timestamp });
  await record(context.db, C, "LockReleased", event, { agentId });
});
