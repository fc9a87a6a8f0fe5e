/**
 * ERC-8004 identity: register agents, declare capabilities, set URIs and metadata, bind a verified
 * agent wallet (EIP-712), and read agents back.
 */
import { type Account, type Hex, stringToHex } from "viem";
import { type Context, actingAgent, addressOf, eventOf, read, requireWallet, write, type Written } from "../client/context.js";
import { InvalidInputError } from "../errors/input.js";
import type { Row } from "../indexer/client.js";
import { type AgentRecord, toAgent } from "../indexer/rows.js";
import * as v from "../validate.js";
import { AGENT_WALLET_MAX_DEADLINE_DELAY, agentWalletTypedData } from "../identity/agentWallet.js";
import { chainNow } from "./watch.js";

export type RegisterParameters = {
  /** Where the agent's registration file lives (see `registrationFile`). */
  uri: string;
  /** On-chain metadata entries (values as text or hex). */
  metadata?: Record<string, string>;
  /** Capabilities to declare right after registering (names or bytes32 ids). */
  capabilities?: string[];
};

export function identityModule(ctx: Context) {
  const api = {
    /** Registers a new agent owned by the account; it becomes this client's agent. */
    async register(p: RegisterParameters): Promise<Written & { agentId: bigint }> {
      const uri = v.uri("uri", p.uri);
      const caps = p.capabilities?.map((c, i) => v.capability(`capabilities[${i}]`, c));
      const metadata = Object.entries(p.metadata ?? {}).map(([metadataKey, value]) => ({
        metadataKey,
        metadataValue: (value.startsWith("0x") ? v.payload(`metadata.${metadataKey}`, value) : stringToHex(value)) as Hex,
      }));
      const written = metadata.length
        ? await write(ctx, "IdentityRegistry", "register", [uri, metadata])
        : await write(ctx, "IdentityRegistry", "register", [uri]);
      const agentId = eventOf(ctx, written.receipt, "IdentityRegistry", "Registered").agentId;
      ctx.agentId = agentId;
      if (caps?.length) await write(ctx, "IdentityRegistry", "setCapabilities", [agentId, caps]);
      return { ...written, agentId };
    },
    /** Replaces the agent's declared capabilities. */
    setCapabilities: (capabilities: string[], options: { agentId?: bigint } = {}) =>
      write(ctx, "IdentityRegistry", "setCapabilities", [actingAgent(ctx, options.agentId), capabilities.map((c, i) => v.capability(`capabilities[${i}]`, c))]),
    setAgentURI: (uri: string, options: { agentId?: bigint } = {}) => write(ctx, "IdentityRegistry", "setAgentURI", [actingAgent(ctx, options.agentId), v.uri("uri", uri)]),
    setMetadata: (key: string, value: string, options: { agentId?: bigint } = {}) =>
      write(ctx, "IdentityRegistry", "setMetadata", [actingAgent(ctx, options.agentId), key, value.startsWith("0x") ? v.payload("value", value) : stringToHex(value)]),

    /**
     * Binds `wallet` as the agent's verified wallet. `wallet` signs the EIP-712 `AgentWalletSet`
     * message (proving it controls itself); the agent's owner (this client) sends the transaction.
     */
    async setAgentWallet(wallet: Account, options: { agentId?: bigint; deadlineSeconds?: bigint } = {}): Promise<Written> {
      const agentId = actingAgent(ctx, options.agentId);
      if (!wallet.signTypedData) throw new InvalidInputError("wallet", "must be an account that can sign typed data (a local account)");
      const delay = options.deadlineSeconds ?? 120n;
      if (delay <= 0n || delay > AGENT_WALLET_MAX_DEADLINE_DELAY) throw new InvalidInputError("deadlineSeconds", `must be between 1 and ${AGENT_WALLET_MAX_DEADLINE_DELAY}`, delay);
      const deadline = (await chainNow(ctx)) + delay;
      const owner = requireWallet(ctx).account.address;
      const typed = agentWalletTypedData({ chainId: ctx.deployment.chainId, registry: addressOf(ctx, "IdentityRegistry"), agentId, newWallet: wallet.address, owner, deadline });
      const signature = await wallet.signTypedData(typed);
      return write(ctx, "IdentityRegistry", "setAgentWallet", [agentId, wallet.address, deadline, signature]);
    },
    unsetAgentWallet: (options: { agentId?: bigint } = {}) => write(ctx, "IdentityRegistry", "unsetAgentWallet", [actingAgent(ctx, options.agentId)]),

    /** An agent's record (indexer), or from the chain without an indexer. `null` if it does not exist. */
    async get(agentId?: bigint): Promise<AgentRecord | null> {
      const id = actingAgent(ctx, agentId);
      if (ctx.indexer) {
        const body = await ctx.indexer.get<{ agent: Row }>(`/agents/${id}`);
        return body ? toAgent(body.agent) : null;
      }
      if (!(await read(ctx, "IdentityRegistry", "exists", [id]))) return null;
      const [owner, uri, wallet, capabilities] = await Promise.all([
        read(ctx, "IdentityRegistry", "ownerOf", [id]),
        read(ctx, "IdentityRegistry", "tokenURI", [id]),
        read(ctx, "IdentityRegistry", "getAgentWallet", [id]),
        read(ctx, "IdentityRegistry", "capabilitiesOf", [id]),
      ]);
      return { id, owner, uri, wallet, capabilities: [...capabilities], registeredAt: 0n };
    },
    /** Agents, optionally only those declaring `capability` (indexer; without one, scans the chain). */
    async list(options: { capability?: string; limit?: number; offset?: number } = {}): Promise<AgentRecord[]> {
      const capability = options.capability === undefined ? undefined : v.capability("capability", options.capability);
      if (ctx.indexer) {
        const body = await ctx.indexer.get<{ agents: Row[] }>("/agents", { capability, limit: options.limit, offset: options.offset });
        return (body?.agents ?? []).map(toAgent);
      }
      const last = await read(ctx, "IdentityRegistry", "lastAgentId", []);
      const out: AgentRecord[] = [];
      for (let id = BigInt(options.offset ?? 0) + 1n; id <= last && out.length < (options.limit ?? 50); id++) {
        const a = await api.get(id);
        if (a && (!capability || a.capabilities.includes(capability))) out.push(a);
      }
      return out;
    },
    capabilitiesOf: (agentId?: bigint) => read(ctx, "IdentityRegistry", "capabilitiesOf", [actingAgent(ctx, agentId)]),
    hasCapability: (capability: string, agentId?: bigint) => read(ctx, "IdentityRegistry", "hasCapability", [actingAgent(ctx, agentId), v.capability("capability", capability)]),
  };
  return api;
}

export type IdentityModule = ReturnType<typeof identityModule>;
