import { ponder } from "ponder:registry";
import { agent, agentCapability, agentMetadata } from "ponder:schema";
import { eq } from "ponder";
import { record } from "./lib/activity.js";

const C = "IdentityRegistry";
const ZERO = "0x0000000000000000000000000000000000000000";

ponder.on("IdentityRegistry:Transfer", async ({ event, context }) => {
  const { from, to, tokenId } = event.args;
  // A mint is recorded by Registered, which follows it in the same transaction.
  if (from !== ZERO) {
    await context.db.update(agent, { id: tokenId }).set({ owner: to, updatedAt: event.block.timestamp });
  }
  await record(context.db, C, "Transfer", event, { agentId: tokenId });
});

ponder.on("IdentityRegistry:Registered", async ({ event, context }) => {
  const { agentId, agentURI, owner } = event.args;
  await context.db.insert(agent).values({
    id: agentId,
    owner,
    uri: agentURI,
    wallet: owner,
    capabilities: [],
    registeredAt: event.block.timestamp,
    registeredBlock: event.block.number,
    updatedAt: event.block.timestamp,
  });
  await record(context.db, C, "Registered", event, { agentId });
});

ponder.on("IdentityRegistry:URIUpdated", async ({ event, context }) => {
  const { agentId, newURI } = event.args;
  await context.db.update(agent, { id: agentId }).set({ uri: newURI, updatedAt: event.block.timestamp });
  await record(context.db, C, "URIUpdated", event, { agentId });
});

ponder.on("IdentityRegistry:MetadataSet", async ({ event, context }) => {
  const { agentId, metadataKey, metadataValue } = event.args;
  if (metadataKey === "agentWallet") {
    // The reserved key: 20 packed address bytes, or empty when the wallet is cleared.
    const wallet = metadataValue === "0x" ? null : metadataValue;
    await context.db.update(agent, { id: agentId }).set({ wallet, updatedAt: event.block.timestamp });
  } else {
    await context.db
      .insert(agentMetadata)
      .values({ agentId, key: metadataKey, value: metadataValue, updatedAt: event.block.timestamp })
      .onConflictDoUpdate({ value: metadataValue, updatedAt: event.block.timestamp });
  }
  await record(context.db, C, "MetadataSet", event, { agentId });
});

ponder.on("IdentityRegistry:CapabilitiesSet", async ({ event, context }) => {
  const { agentId, caps } = event.args;
  const unique = [...new Set(caps)];
  await context.db.sql.delete(agentCapability).where(eq(agentCapability.agentId, agentId));
  if (unique.length > 0) {
    await context.db.insert(agentCapability).values(unique.map((capability) => ({ agentId, capability })));
  }
  await context.db.update(agent, { id: agentId }).set({ capabilities: unique, updatedAt: event.block.timestamp });
  await record(context.db, C, "CapabilitiesSet", event, { agentId });
});

ponder.on("IdentityRegistry:Approval", async ({ event, context }) => {
  await record(context.db, C, "Approval", event, { agentId: event.args.tokenId });
});

ponder.on("IdentityRegistry:ApprovalForAll", async ({ event, context }) => {
  await record(context.db, C, "ApprovalForAll", event);
});

ponder.on("IdentityRegistry:ProtocolContractRegistered", async ({ event, context }) => {
  await record(context.db, C, "ProtocolContractRegistered", event);
});

ponder.on("IdentityRegistry:MetadataUpdate", async ({ event, context }) => {
  await record(context.db, C, "MetadataUpdate", event, { agentId: event.args._tokenId });
});
