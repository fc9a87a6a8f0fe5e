/**
 * The agent processes: spawning them (`node --import tsx scripts/swarm/agent.ts`, one per agent,
 * with an IPC channel), following what they report, killing one, and stopping them all.
 */
import { type ChildProcess, fork } from "node:child_process";
import { join } from "node:path";
import type { Address } from "viem";
import { ROOT, stopProcess } from "../lib/processes.ts";
import type { AgentProfile } from "./plan.ts";
import {
  type AgentConfig,
  type AgentStats,
  CONFIG_ENV,
  emptyStats,
  isAgentMessage,
  type OrchestratorMessage,
} from "./protocol.ts";
import type { ViewAgent } from "./view.ts";

const AGENT_ENTRY = join(ROOT, "scripts", "swarm", "agent.ts");

export type AgentProcess = ViewAgent & {
  address: Address | undefined;
  child: ChildProcess;
  profile: AgentProfile;
  tail: string[];
};

export type FleetEvents = {
  ready: (agent: AgentProcess) => void;
  /** `chain`: the name of the chain the line is about, if the agent said. */
  log: (agent: AgentProcess, level: "info" | "warn", text: string, chain?: string) => void;
  /** The process ended without being told to (not killed, not stopped). */
  crashed: (agent: AgentProcess, code: number | null, tail: string[]) => void;
};

/** Starts one agent process with its configuration in the environment. */
export function spawnAgent(profile: AgentProfile, config: AgentConfig, events: FleetEvents): AgentProcess {
  const child = fork(AGENT_ENTRY, [], {
    cwd: ROOT,
    execArgv: ["--import", "tsx"],
    env: { ...process.env, [CONFIG_ENV]: JSON.stringify(config) },
    stdio: ["ignore", "pipe", "pipe", "ipc"],
  });
  const agent: AgentProcess = {
    index: profile.index,
    name: profile.name,
    capabilities: profile.capabilities,
    agentId: undefined,
    ids: new Map(),
    address: undefined,
    state: "starting",
    pid: child.pid,
    stats: emptyStats(),
    statsByChain: new Map(),
    child,
    profile,
    tail: [],
  };
  const keep = (chunk: Buffer) => {
    agent.tail.push(...chunk.toString().split("\n").filter(Boolean));
    agent.tail.splice(0, Math.max(0, agent.tail.length - 30));
  };
  child.on("error", () => {}); // a message sent after the IPC channel closed: the process is ending anyway
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  child.on("message", (m: unknown) => {
    if (!isAgentMessage(m)) return;
    if (m.type === "registered") agent.ids.set(m.chainId, BigInt(m.agentId));
    else if (m.type === "ready") {
      agent.ids = new Map(Object.entries(m.agentIds).map(([chainId, id]) => [Number(chainId), BigInt(id)]));
      agent.agentId = agent.ids.get(config.chains[0]!.deployment.chainId);
      agent.address = m.address;
      agent.state = "ready";
      events.ready(agent);
    } else if (m.type === "stats") {
      agent.statsByChain = new Map(Object.entries(m.byChain).map(([chainId, stats]) => [Number(chainId), stats]));
      agent.stats = sumStats([...agent.statsByChain.values()]);
    } else events.log(agent, m.level, m.text, m.chain);
  });
  child.once("exit", (code) => {
    if (agent.state === "killed" || agent.state === "exited") return;
    agent.state = "crashed";
    events.crashed(agent, code, agent.tail);
  });
  return agent;
}

/** Every count added up (an agent's over its chains). */
export function sumStats(all: AgentStats[]): AgentStats {
  const total = emptyStats();
  for (const stats of all) for (const key of Object.keys(total) as (keyof AgentStats)[]) total[key] += stats[key];
  return total;
}

/** SIGKILL: the process gets no chance to say goodbye (a crashed machine). */
export function killAgent(agent: AgentProcess) {
  agent.state = "killed";
  agent.child.kill("SIGKILL");
}

/** Asks every live agent to stop (it reports its final counts and exits), then makes sure. */
export async function stopAgents(agents: AgentProcess[], graceMs = 8_000): Promise<void> {
  await Promise.all(
    agents.map(async (agent) => {
      if (agent.child.exitCode !== null || agent.child.signalCode !== null) return;
      if (agent.state !== "killed") agent.state = "exited";
      // "close" comes after the last IPC message (its final counts) has been read.
      const exited = new Promise<void>((resolve) => agent.child.once("close", () => resolve()));
      // Without an IPC channel (already closed), SIGTERM does the same.
      if (!agent.child.connected || !agent.child.send({ type: "stop" } satisfies OrchestratorMessage))
        agent.child.kill("SIGTERM");
      const timer = new Promise<"late">((resolve) => setTimeout(() => resolve("late"), graceMs).unref());
      if ((await Promise.race([exited, timer])) === "late") await stopProcess(agent.child, 1_000);
    }),
  );
}
