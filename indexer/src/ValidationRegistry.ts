import { validation } from "ponder:schema";
import { handle } from "./lib/activity.js";

handle("ValidationRegistry:ValidationRequest", async ({ event, context, chainId }) => {
  const a = event.args;
  await context.db.insert(validation).values({
    chainId,
    requestHash: a.requestHash,
    validator: a.validatorAddress,
    agentId: a.agentId,
    requestURI: a.requestURI,
    requestedAt: event.block.timestamp,
    lastUpdate: event.block.timestamp,
  });
  return { agentId: a.agentId };
});

handle("ValidationRegistry:ValidationResponse", async ({ event, context, chainId }) => {
  const a = event.args;
  await context.db.update(validation, { chainId, requestHash: a.requestHash }).set({
    response: a.response,
    responseURI: a.responseURI,
    responseHash: a.responseHash,
    tag: a.tag,
    lastUpdate: event.block.timestamp,
  });
  return { agentId: a.agentId };
});
