import { electionConfig, group, groupMember, term } from "ponder:schema";
import { handle } from "./lib/activity.js";

handle("LeaderElection:ElectionConfigured", async ({ event, context, chainId }) => {
  const { weightUnit, slashRecipient } = event.args;
  await context.db
    .insert(electionConfig)
    .values({ chainId, id: 1, weightUnit, slashRecipient })
    .onConflictDoUpdate({ weightUnit, slashRecipient });
});

handle("LeaderElection:GroupCreated", async ({ event, context, chainId }) => {
  const { groupId, name, creator, params, startTime } = event.args;
  await context.db.insert(group).values({
    chainId,
    id: groupId,
    name,
    creator,
    epochDuration: params.epochDuration,
    heartbeatTimeout: params.heartbeatTimeout,
    minStake: params.minStake,
    failoverSlash: params.failoverSlash,
    startTime,
    leader: 0n,
    term: 0n,
    epoch: 0n,
    lastHeartbeat: 0n,
    memberCount: 0,
    drawBlock: 0n,
    drawEpoch: 0n,
    drawTerm: 0n,
  });
  return { groupId };
});

handle("LeaderElection:MemberJoined", async ({ event, context, chainId }) => {
  const { groupId, agentId, weight } = event.args;
  await context.db.insert(groupMember).values({ chainId, groupId, agentId, weight, joinedAt: event.block.timestamp });
  await context.db.update(group, { chainId, id: groupId }).set((g) => ({ memberCount: g.memberCount + 1 }));
  return { groupId, agentId };
});

handle("LeaderElection:MemberLeft", async ({ event, context, chainId }) => {
  const { groupId, agentId } = event.args;
  await context.db.delete(groupMember, { chainId, groupId, agentId });
  await context.db.update(group, { chainId, id: groupId }).set((g) => ({ memberCount: g.memberCount - 1 }));
  return { groupId, agentId };
});

// A draw is requested (elect, failover, or the re-binding of an expired request); the seat is
// unchanged until LeaderElected settles it.
handle("LeaderElection:DrawRequested", async ({ event, context, chainId }) => {
  const { groupId, epoch, term: t, drawBlock } = event.args;
  await context.db.update(group, { chainId, id: groupId }).set({ drawBlock, drawEpoch: epoch, drawTerm: t });
  return { groupId };
});

handle("LeaderElection:LeaderElected", async ({ event, context, chainId }) => {
  const { groupId, epoch, term: t, agentId } = event.args;
  await context.db.update(group, { chainId, id: groupId }).set({
    leader: agentId,
    term: t,
    epoch,
    lastHeartbeat: agentId === 0n ? 0n : event.block.timestamp,
    drawBlock: 0n,
    drawEpoch: 0n,
    drawTerm: 0n,
  });
  await context.db.insert(term).values({
    chainId,
    groupId,
    term: t,
    epoch,
    agentId,
    startedAt: event.block.timestamp,
    heartbeats: 0,
  });
  return { groupId, agentId };
});

handle("LeaderElection:Heartbeat", async ({ event, context, chainId }) => {
  const { groupId, agentId } = event.args;
  const g = await context.db.update(group, { chainId, id: groupId }).set({ lastHeartbeat: event.block.timestamp });
  await context.db.update(term, { chainId, groupId, term: g.term }).set((row) => ({ heartbeats: row.heartbeats + 1 }));
  return { groupId, agentId };
});

handle("LeaderElection:LeaderFailedOver", async ({ event, context, chainId }) => {
  const { groupId, term: t, agentId, caller } = event.args;
  // The seat is vacant until the redraw is settled (LeaderElected).
  await context.db.update(group, { chainId, id: groupId }).set({ leader: 0n, lastHeartbeat: 0n });
  await context.db.update(term, { chainId, groupId, term: t }).set({ failedOverBy: caller });
  return { groupId, agentId };
});
