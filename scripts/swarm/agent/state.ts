/**
 * One swarm agent's state on one chain, made once per chain by its process (agent.ts) and handed
 * to the feeds, the leader and the worker: its configuration and timing, the SDK agent it acts
 * through on that chain, the chain's clock, its counts there and how it reports them to the
 * orchestrator (over IPC, see protocol.ts, through the process's one link), and whether it leads
 * there or is stopping. Also what failures mean to it (a race lost, or something to report).
 */
import { followChain } from "@stigmergy/contracts";
import { mnemonicToAccount } from "viem/accounts";
import { type Agent, ContractRevertError, createAgent, parseDeployment } from "../../../sdk/src/index.ts";
import { MNEMONIC } from "../../lib/workload.ts";
import { type Timing, timing } from "../plan.ts";
import {
  type AgentChain,
  type AgentConfig,
  type AgentMessage,
  type AgentStats,
  countingTransport,
  emptyStats,
  isWrite,
} from "../protocol.ts";

/**
 * What the chains of one agent process share: the IPC channel to the orchestrator and the counts
 * it reports, every chain's in one message.
 */
export type ProcessLink = {
  /** A message to the orchestrator; `then` once it is handed over. */
  send: (message: AgentMessage, then?: () => void) => void;
  /** The counts of `chainId` (made on first use). */
  statsOf: (chainId: number) => AgentStats;
  /** Reports every chain's counts soon (coalesced). */
  reportStats: () => void;
  /** Stops the pending report. */
  close: () => void;
};

/** The link of this process to the orchestrator. */
export function processLink(): ProcessLink {
  const byChain: Record<string, AgentStats> = {};
  let timer: NodeJS.Timeout | undefined;
  const send = (message: AgentMessage, then?: () => void) => {
    if (process.connected) process.send!(message, undefined, {}, () => then?.());
    else then?.();
  };
  return {
    send,
    statsOf: (chainId) => (byChain[chainId] ??= emptyStats()),
    reportStats: () => {
      timer ??= setTimeout(() => {
        timer = undefined;
        send({ type: "stats", byChain });
      }, 200);
    },
    close: () => {
      if (timer) clearTimeout(timer);
    },
  };
}

export type SwarmAgent = {
  readonly config: AgentConfig;
  /** The chain this state is about. */
  readonly chain: AgentChain;
  /** The run's timing, scaled to its block time. */
  readonly T: Timing;
  readonly groupId: bigint;
  /** The SDK agent everything is read and sent through. */
  readonly agent: Agent;
  /** What it counts about itself (reported to the orchestrator). */
  readonly stats: AgentStats;
  /** Whether it leads the group: the latest news from the leadership feed. */
  leading: boolean;
  /** Set once, when it is told to stop. */
  stopped: boolean;
  /** Run when it stops: every subscription's unsubscribe, every timer's clear. */
  readonly cleanups: Array<() => void>;
  /** Chain time in seconds (deadlines on chain are in it). */
  nowS: () => bigint;
  /** Its agent id (once registered). */
  me: () => bigint;
  /** Its account, lower-case. */
  readonly address: string;
  /** A message to the orchestrator; `then` once it is handed over. */
  send: (message: AgentMessage, then?: () => void) => void;
  /** Reports its counts soon (coalesced). */
  reportStats: () => void;
  /** A line for the orchestrator's log. */
  info: (text: string) => void;
  /** Reports an unexpected failure, at most once every 10 s per kind. */
  warn: (context: string, error: unknown) => void;
  /**
   * Counts a claim lost to another agent: mined and reverted (a typed error carrying the receipt, or `true`),
   * or caught before sending.
   */
  countLostRace: (minedOrError: unknown) => void;
  /** Stops the chain's clock (the rest is in `cleanups`). */
  close: () => void;
};

export const errorName = (e: unknown) => (e instanceof ContractRevertError ? e.errorName : undefined);
export const shortMessage = (e: unknown) =>
  (e as { shortMessage?: string }).shortMessage ?? (e instanceof Error ? e.message.split("\n")[0]! : String(e));

/** Contract errors that mean "someone else got there first" in the acts agents race for. */
const RACES = new Set([
  "TaskNotOpen",
  "WrongStatus",
  "StaleAttempt",
  "LeaseActive",
  "ReviewWindowOpen",
  "RoundAlreadySpawned",
  "LeaderAlive",
  "NoLeader",
  "AlreadyElected",
  "NotLeader",
  "HandoffNotOffered",
  "LeaseExpired",
]);
export const isRace = (e: unknown) => RACES.has(errorName(e) ?? "");
/** Races that only mean "not yet". */
const TOO_EARLY = new Set(["ReviewWindowOpen", "LeaseActive"]);
export const isTooEarly = (e: unknown) => TOO_EARLY.has(errorName(e) ?? "");

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The agent of `config` on `chain`: its SDK client (counting the transactions it sends), clock and reporting. */
export function createSwarmAgent(config: AgentConfig, chain: AgentChain, link: ProcessLink): SwarmAgent {
  const recentWarnings = new Map<string, number>();
  const deployment = parseDeployment(chain.deployment, "the swarm configuration");
  const stats = link.statsOf(deployment.chainId);
  // Lines name their chain when the agent works on several.
  const label = config.chains.length > 1 ? chain.name : undefined;
  const agent = createAgent({
    transport: countingTransport(chain.rpcUrl, (method) => {
      if (!isWrite(method)) return;
      stats.writes++;
      link.reportStats();
    }),
    account: mnemonicToAccount(MNEMONIC, { addressIndex: config.addressIndex }),
    deployment,
    indexerUrl: config.indexerUrl,
    pollingInterval: 250,
  });
  const clock = followChain(agent.publicClient);
  return {
    config,
    chain,
    T: timing(config.blockMs),
    groupId: BigInt(chain.groupId),
    agent,
    stats,
    leading: false,
    stopped: false,
    cleanups: [],
    nowS: () => clock.now(),
    me: () => agent.agentId!,
    address: agent.address!.toLowerCase(),
    send: link.send,
    reportStats: link.reportStats,
    info: (text) => link.send({ type: "log", level: "info", text, ...(label ? { chain: label } : {}) }),
    warn: (context, error) => {
      const text = `${context}: ${shortMessage(error)}`;
      const last = recentWarnings.get(text) ?? 0;
      if (Date.now() - last < 10_000) return;
      recentWarnings.set(text, Date.now());
      link.send({ type: "log", level: "warn", text, ...(label ? { chain: label } : {}) });
    },
    countLostRace: (minedOrError) => {
      const mined =
        typeof minedOrError === "boolean"
          ? minedOrError
          : (minedOrError as { receipt?: unknown }).receipt !== undefined;
      if (mined) stats.revertedClaims++;
      else stats.lostRaces++;
    },
    close: () => clock.stop(),
  };
}
