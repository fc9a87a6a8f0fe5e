/**
 * One swarm agent's state, made once per process (agent.ts) and handed to the feeds, the leader
 * and the worker: its configuration and timing, the SDK agent it acts through, the chain's clock,
 * its counts and how it reports them to the orchestrator (over IPC, see protocol.ts), and whether
 * it leads or is stopping. Also what failures mean to it (a race lost, or something to report).
 */
import { followChain } from "@stigmergy/contracts";
import { mnemonicToAccount } from "viem/accounts";
import { type Agent, ContractRevertError, createAgent, parseDeployment } from "../../../sdk/src/index.ts";
import { MNEMONIC } from "../../lib/workload.ts";
import { type Timing, timing } from "../plan.ts";
import { type AgentConfig, type AgentMessage, type AgentStats, countingTransport, emptyStats, isWrite } from "../protocol.ts";

export type SwarmAgent = {
  readonly config: AgentConfig;
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
  /** Counts a claim lost to another agent: mined and reverted (a typed error carrying the receipt, or `true`), or caught before sending. */
  countLostRace: (minedOrError: unknown) => void;
  /** Stops the clock and the pending report (the rest is in `cleanups`). */
  close: () => void;
};

export const errorName = (e: unknown) => (e instanceof ContractRevertError ? e.errorName : undefined);
export const shortMessage = (e: unknown) => (e as { shortMessage?: string }).shortMessage ?? (e instanceof Error ? e.message.split("\n")[0]! : String(e));

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

/** The agent of `config`: its SDK client (counting the transactions it sends), clock and reporting. */
export function createSwarmAgent(config: AgentConfig): SwarmAgent {
  const stats = emptyStats();
  let statsTimer: NodeJS.Timeout | undefined;
  const recentWarnings = new Map<string, number>();
  const send = (message: AgentMessage, then?: () => void) => {
    if (process.connected) process.send!(message, undefined, {}, () => then?.());
    else then?.();
  };
  const reportStats = () => {
    statsTimer ??= setTimeout(() => {
      statsTimer = undefined;
      send({ type: "stats", stats });
    }, 200);
  };
  const agent = createAgent({
    transport: countingTransport(config.rpcUrl, (method) => {
      if (!isWrite(method)) return;
      stats.writes++;
      reportStats();
    }),
    account: mnemonicToAccount(MNEMONIC, { addressIndex: config.addressIndex }),
    deployment: parseDeployment(config.deployment, "the swarm configuration"),
    indexerUrl: config.indexerUrl,
    pollingInterval: 250,
  });
  const clock = followChain(agent.publicClient);
  return {
    config,
    T: timing(config.blockMs),
    groupId: BigInt(config.groupId),
    agent,
    stats,
    leading: false,
    stopped: false,
    cleanups: [],
    nowS: () => clock.now(),
    me: () => agent.agentId!,
    address: agent.address!.toLowerCase(),
    send,
    reportStats,
    info: (text) => send({ type: "log", level: "info", text }),
    warn: (context, error) => {
      const text = `${context}: ${shortMessage(error)}`;
      const last = recentWarnings.get(text) ?? 0;
      if (Date.now() - last < 10_000) return;
      recentWarnings.set(text, Date.now());
      send({ type: "log", level: "warn", text });
    },
    countLostRace: (minedOrError) => {
      const mined = typeof minedOrError === "boolean" ? minedOrError : (minedOrError as { receipt?: unknown }).receipt !== undefined;
      if (mined) stats.revertedClaims++;
      else stats.lostRaces++;
    },
    close: () => {
      clock.stop();
      if (statsTimer) clearTimeout(statsTimer);
    },
  };
}
