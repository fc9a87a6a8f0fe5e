/**
 * What the orchestrator and its agent processes tell each other. The orchestrator hands each
 * agent its configuration in the environment (STIGMERGY_SWARM_AGENT, JSON) and later sends
 * `stop`; agents report over the IPC channel: `registered` on each chain, `ready` once registered,
 * staked and joined on every chain, `stats` after every transaction, `log` for what deserves a line.
 */
import { type Address, type Hex, http, type Transport } from "viem";
import type { Deployment } from "../../sdk/src/index.ts";

export const CONFIG_ENV = "STIGMERGY_SWARM_AGENT";

/** One chain an agent works on: its node, its deployment, and the swarm's group and channel there. */
export type AgentChain = {
  /** The chain's name in this run (`l1`, `op`): it labels the agent's lines when the run has several chains. */
  name: string;
  rpcUrl: string;
  deployment: Deployment;
  groupId: string;
  /** The group's restricted channel (bytes32). */
  channel: Hex;
};

/** An agent's configuration (bigints as decimal strings: it travels as JSON). */
export type AgentConfig = {
  index: number;
  addressIndex: number;
  name: string;
  capabilities: string[];
  stake: string;
  role: string;
  indexerUrl: string;
  /** The chains it registers on and works on (one identity on each), in the run's order. */
  chains: AgentChain[];
  /** The human approver every task names (the same account on every chain). */
  approver: Address;
  tasks: number;
  blockMs: number;
};

/** What an agent counts about itself. `writes`: transactions it sent (eth_sendRawTransaction). */
export type AgentStats = {
  writes: number;
  claims: number;
  /** Claims mined and reverted (a race lost on chain, gas paid). */
  revertedClaims: number;
  /** Races lost before sending (the estimate already failed; nothing paid). */
  lostRaces: number;
  submitted: number;
  accepted: number;
  rejected: number;
  posted: number;
  failovers: number;
  handoffs: number;
  escalations: number;
  locks: number;
  messagesSent: number;
  messagesReceived: number;
};

export const emptyStats = (): AgentStats => ({
  writes: 0,
  claims: 0,
  revertedClaims: 0,
  lostRaces: 0,
  submitted: 0,
  accepted: 0,
  rejected: 0,
  posted: 0,
  failovers: 0,
  handoffs: 0,
  escalations: 0,
  locks: 0,
  messagesSent: 0,
  messagesReceived: 0,
});

/** Keyed by chain id (as a decimal string: messages travel as JSON). */
export type ByChain<T> = Record<string, T>;

export type AgentMessage =
  /** Registered on one chain (its lines about that chain can name it from now on). */
  | { type: "registered"; chainId: number; agentId: string }
  /** Registered, staked and joined on every chain: its agent id on each. */
  | { type: "ready"; agentIds: ByChain<string>; address: Address }
  | { type: "stats"; byChain: ByChain<AgentStats> }
  /** `chain`: the name of the chain the line is about, if one. */
  | { type: "log"; level: "info" | "warn"; text: string; chain?: string };

export type OrchestratorMessage = { type: "stop" };

export const isAgentMessage = (m: unknown): m is AgentMessage =>
  typeof m === "object" &&
  m !== null &&
  ["registered", "ready", "stats", "log"].includes((m as { type?: string }).type ?? "");

/** Whether a JSON-RPC method sends a transaction. */
export const isWrite = (method: string) => method === "eth_sendRawTransaction" || method === "eth_sendTransaction";

/** An http transport to `url` that reports every request's method to `onRequest` before sending it. */
export function countingTransport(url: string, onRequest: (method: string) => void): Transport {
  const inner = http(url);
  return (params) => {
    const transport = inner(params);
    const request: typeof transport.request = (args, options) => {
      onRequest(args.method);
      return transport.request(args, options);
    };
    return { ...transport, request };
  };
}
