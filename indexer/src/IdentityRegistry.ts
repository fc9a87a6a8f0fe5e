import { ponder } from "ponder:registry";
import { agent } from "ponder:schema";

ponder.on("IdentityRegistry:Registered", async ({ event, context }) => {
  await context.db.insert(agent).values({
    id: event.args.agentId,
    owner: event.args.owner,
    uri: event.args.agentURI,
    wallet: event.args.owner,
    registeredAt: event.block.timestamp,
  });
});

ponder.on("IdentityRegistry:URIUpdated", async ({ event, context }) => {
  await context.db.update(agent, { id: event.args.agentId }).set({ uri: event.args.newURI });
});

ponder.on("IdentityRegistry:Transfer", async ({ event, context }) => {
  // Mints are recorded by Registered, which follows the mint's Transfer in the same transaction.
  if (event.args.from === "0x0000000000000000000000000000000000000000") return;
  await context.db.update(agent, { id: event.args.tokenId }).set({ owner: event.args.to });
});

ponder.on("IdentityRegistry:MetadataSet", async ({ event, context }) => {
  // Only the reserved key is mirrored here; the registry emits it after Registered and Transfer.
  if (event.args.metadataKey !== "agentWallet") return;
  const value = event.args.metadataValue;
  await context.db.update(agent, { id: event.args.agentId }).set({ wallet: value === "0x" ? null : value });
});
