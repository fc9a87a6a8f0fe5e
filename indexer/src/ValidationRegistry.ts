import { ponder } from "ponder:registry";
import { validation } from "ponder:schema";
import { record } from "./lib/activity.js";

const C = "ValidationRegistry";

ponder.on("ValidationRegistry:ValidationRequest", async ({ event, context }) => {
  const a = event.args;
  await context.db.insert(validation).values({
    requestHash: a.requestHash,
    validator: a.validatorAddress,
    agentId: a.agentId,
    requestURI: a.requestURI,
    requestedAt: event.block.timestamp,
    lastUpdate: event.block.timestamp,
  });
  await record(context.db, C, "ValidationRequest", event, { agentId: a.agentId });
});

ponder.on("ValidationRegistry:ValidationResponse", async ({ event, context }) => {
  const a = event.args;
  await context.db.update(validation, { requestHash: a.requestHash }).set({
    response: a.response,
    responseURI: a.responseURI,
    responseHash: a.responseHash,
    tag: a.tag,
    lastUpdate: event.block.timestamp,
  });
  await record(context.db, C, "ValidationResponse", event, { agentId: a.agentId });
});
