import { agent, agentCapability, agentMetadata } from "ponder:schema";
import { and, eq } from "ponder";
import { zeroAddress } from "viem";
import { handle } from "./lib/activity.js";

handle("IdentityRegistry:Transfer", async ({ event, context, chainId }) => {
  const { from, to, tokenId } = event.args;
  // A mint is recorded by Registered, which follows it in the same transaction.
  if (from !== zeroAddress) {
    await context.db.update(agent, { chainId, id: tokenId }).set({ owner: to, updatedAt: event.block.timestamp });
  }
  return { agentId: tokenId };
});

handle("IdentityRegistry:Registered", async ({ event, context, chainId }) => {
  const { agentId, agentURI, owner } = event.args;
  await context.db.insert(agent).values({
    chainId,
    id: agentId,
    owner,
    uri: agentURI,
    wallet: owner,
    capabilities: [],
    registeredAt: event.block.timestamp,
    registeredBlock: event.block.number,
    updatedAt: event.block.timestamp,
  });
  return { agentId };
});

handle("IdentityRegistry:URIUpdated", async ({ event, context, chainId }) => {
  const { agentId, newURI } = event.args;
  await context.db.update(agent, { chainId, id: agentId }).set({ uri: newURI, updatedAt: event.block.timestamp });
  return { agentId };
});

handle("IdentityRegistry:MetadataSet", async ({ event, context, chainId }) => {
  const { agentId, metadataKey, metadataValue } = event.args;
  if (metadataKey === "agentWallet") {
    // The reserved key: 20 packed address bytes, or empty when the wallet is cleared.
    const wallet = metadataValue === "0x" ? null : metadataValue;
    await context.db.update(agent, { chainId, id: agentId }).set({ wallet, updatedAt: event.block.timestamp });
  } else {
    await context.db
      .insert(agentMetadata)
      .values({ chainId, agentId, key: metadataKey, value: metadataValue, updatedAt: event.block.timestamp })
      .onConflictDoUpdate({ value: metadataValue, updatedAt: event.block.timestamp });
  }
  return { agentId };
});

handle("IdentityRegistry:CapabilitiesSet", async ({ event, context, chainId }) => {
  const { agentId, caps } = event.args;
  const unique = [...new Set(caps)];
  await context.db.sql
    .delete(agentCapability)
    .where(and(eq(agentCapability.chainId, chainId), eq(agentCapability.agentId, agentId)));
  if (unique.length > 0) {
    await context.db.insert(agentCapability).values(unique.map((capability) => ({ chainId, agentId, capability })));
  }
  await context.db
    .update(agent, { chainId, id: agentId })
    .set({ capabilities: unique, updatedAt: event.block.timestamp });
  return { agentId };
});

handle("IdentityRegistry:Approval", ({ event }) => ({ agentId: event.args.tokenId }));
handle("IdentityRegistry:ApprovalForAll");
handle("IdentityRegistry:ProtocolContractRegistered");
handle("IdentityRegistry:MetadataUpdate", ({ event }) => ({ agentId: event.args._tokenId }));
// In the ABI (ERC-4906, EIP-712) though not emitted today: logged like every other event if they ever are.
handle("IdentityRegistry:BatchMetadataUpdate");
handle("IdentityRegistry:EIP712DomainChanged");
