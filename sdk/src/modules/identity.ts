/**
 * ERC-8004 identity, bound to an agent: register agents, declare capabilities, set URIs and
 * metadata, bind a verified agent wallet (EIP-712), and read agents back. Each method calls the
 * action of the same concern in `actions/identity/`.
 */
import type { Account } from "viem";
import { getAgent } from "../actions/identity/getAgent.js";
import { getCapabilities } from "../actions/identity/getCapabilities.js";
import { hasCapability } from "../actions/identity/hasCapability.js";
import { type ListAgentsParameters, listAgents } from "../actions/identity/listAgents.js";
import { type RegisterAgentParameters, registerAgent } from "../actions/identity/registerAgent.js";
import { setAgentURI } from "../actions/identity/setAgentURI.js";
import { setAgentWallet } from "../actions/identity/setAgentWallet.js";
import { setCapabilities } from "../actions/identity/setCapabilities.js";
import { setMetadata } from "../actions/identity/setMetadata.js";
import { unsetAgentWallet } from "../actions/identity/unsetAgentWallet.js";
import type { Context } from "../client/context.js";

export function identityModule(ctx: Context) {
  return {
    /** Registers a new agent owned by the account; it becomes this client's agent. See {@link registerAgent}. */
    register: (params: RegisterAgentParameters) => registerAgent(ctx, params),
    /** Replaces the agent's declared capabilities. See {@link setCapabilities}. */
    setCapabilities: (capabilities: string[], options: { agentId?: bigint } = {}) =>
      setCapabilities(ctx, { ...options, capabilities }),
    /** Points the agent at a new registration file. See {@link setAgentURI}. */
    setAgentURI: (uri: string, options: { agentId?: bigint } = {}) => setAgentURI(ctx, { ...options, uri }),
    /** Sets one on-chain metadata entry. See {@link setMetadata}. */
    setMetadata: (key: string, value: string, options: { agentId?: bigint } = {}) =>
      setMetadata(ctx, { ...options, key, value }),
    /** Binds `wallet` as the agent's verified wallet. See {@link setAgentWallet}. */
    setAgentWallet: (wallet: Account, options: { agentId?: bigint; deadlineSeconds?: bigint } = {}) =>
      setAgentWallet(ctx, { ...options, wallet }),
    /** Clears the agent's verified wallet. See {@link unsetAgentWallet}. */
    unsetAgentWallet: (options: { agentId?: bigint } = {}) => unsetAgentWallet(ctx, options),
    /** An agent's record, or `null`. See {@link getAgent}. */
    get: (agentId?: bigint) => getAgent(ctx, { agentId }),
    /** Agents, optionally only those declaring `capability`. See {@link listAgents}. */
    list: (options: ListAgentsParameters = {}) => listAgents(ctx, options),
    /** The capabilities an agent declares. See {@link getCapabilities}. */
    capabilitiesOf: (agentId?: bigint) => getCapabilities(ctx, { agentId }),
    /** Whether an agent declares `capability`. See {@link hasCapability}. */
    hasCapability: (capability: string, agentId?: bigint) => hasCapability(ctx, { capability, agentId }),
  };
}

export type IdentityModule = ReturnType<typeof identityModule>;
