import { ponder } from "ponder:registry";
import { channel, message } from "ponder:schema";
import { record } from "./lib/activity.js";

const C = "MessageBus";

ponder.on("MessageBus:ChannelMessage", async ({ event, context }) => {
  const a = event.args;
  await context.db.insert(message).values({
    id: event.id,
    kind: "channel",
    channel: a.channel,
    fromAgentId: a.from,
    seq: a.seq,
    payload: a.payload,
    blockNumber: event.block.number,
    timestamp: event.block.timestamp,
  });
  await context.db.insert(channel).values({ id: a.channel, groupId: 0n, seq: a.seq }).onConflictDoUpdate({ seq: a.seq });
  await record(context.db, C, "ChannelMessage", event, { agentId: a.from });
});

ponder.on("MessageBus:DirectMessage", async ({ event, context }) => {
  const a = event.args;
  await context.db.insert(message).values({
    id: event.id,
    kind: "direct",
    toAgentId: a.to,
    fromAgentId: a.from,
    seq: a.seq,
    payload: a.payload,
    blockNumber: event.block.number,
    timestamp: event.block.timestamp,
  });
  await record(context.db, C, "DirectMessage", event, { agentId: a.to });
});

ponder.on("MessageBus:ChannelRestricted", async ({ event, context }) => {
  const a = event.args;
  await context.db
    .insert(channel)
    .values({ id: a.channel, groupId: a.groupId, name: a.name, seq: 0n })
    .onConflictDoUpdate({ groupId: a.groupId, name: a.name });
  await record(context.db, C, "ChannelRestricted", event, { groupId: a.groupId });
});
