import { channel, message } from "ponder:schema";
import { handle } from "./lib/activity.js";

handle("MessageBus:ChannelMessage", async ({ event, context, chainId }) => {
  const a = event.args;
  await context.db.insert(message).values({
    chainId,
    id: event.id,
    kind: "channel",
    channel: a.channel,
    fromAgentId: a.from,
    seq: a.seq,
    payload: a.payload,
    blockNumber: event.block.number,
    timestamp: event.block.timestamp,
  });
  await context.db
    .insert(channel)
    .values({ chainId, id: a.channel, groupId: 0n, seq: a.seq })
    .onConflictDoUpdate({ seq: a.seq });
  return { agentId: a.from };
});

handle("MessageBus:DirectMessage", async ({ event, context, chainId }) => {
  const a = event.args;
  await context.db.insert(message).values({
    chainId,
    id: event.id,
    kind: "direct",
    toAgentId: a.to,
    fromAgentId: a.from,
    seq: a.seq,
    payload: a.payload,
    blockNumber: event.block.number,
    timestamp: event.block.timestamp,
  });
  return { agentId: a.to };
});

handle("MessageBus:ChannelRestricted", async ({ event, context, chainId }) => {
  const a = event.args;
  await context.db
    .insert(channel)
    .values({ chainId, id: a.channel, groupId: a.groupId, name: a.name, seq: 0n })
    .onConflictDoUpdate({ groupId: a.groupId, name: a.name });
  return { groupId: a.groupId };
});
