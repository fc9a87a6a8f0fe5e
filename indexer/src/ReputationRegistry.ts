import { feedback, feedbackResponse } from "ponder:schema";
import { handle } from "./lib/activity.js";

handle("ReputationRegistry:NewFeedback", async ({ event, context, chainId }) => {
  const a = event.args;
  await context.db.insert(feedback).values({
    chainId,
    agentId: a.agentId,
    client: a.clientAddress,
    feedbackIndex: a.feedbackIndex,
    value: a.value,
    valueDecimals: a.valueDecimals,
    tag1: a.tag1,
    tag2: a.tag2,
    endpoint: a.endpoint,
    feedbackURI: a.feedbackURI,
    feedbackHash: a.feedbackHash,
    revoked: false,
    responseCount: 0,
    createdAt: event.block.timestamp,
  });
  return { agentId: a.agentId };
});

handle("ReputationRegistry:FeedbackRevoked", async ({ event, context, chainId }) => {
  const { agentId, clientAddress, feedbackIndex } = event.args;
  await context.db.update(feedback, { chainId, agentId, client: clientAddress, feedbackIndex }).set({ revoked: true });
  return { agentId };
});

handle("ReputationRegistry:ResponseAppended", async ({ event, context, chainId }) => {
  const a = event.args;
  await context.db.insert(feedbackResponse).values({
    chainId,
    id: event.id,
    agentId: a.agentId,
    client: a.clientAddress,
    feedbackIndex: a.feedbackIndex,
    responder: a.responder,
    responseURI: a.responseURI,
    responseHash: a.responseHash,
    timestamp: event.block.timestamp,
  });
  await context.db
    .update(feedback, { chainId, agentId: a.agentId, client: a.clientAddress, feedbackIndex: a.feedbackIndex })
    .set((row) => ({ responseCount: row.responseCount + 1 }));
  return { agentId: a.agentId };
});
