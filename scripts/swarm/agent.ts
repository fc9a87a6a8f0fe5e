/**
 * One swarm agent, run as its own process by the orchestrator (configuration in
 * STIGMERGY_SWARM_AGENT). On every chain of the run it registers with an ERC-8004 registration
 * file, stakes, joins the swarm's group, and then plays whatever role that chain's election gives
 * it: the leader's duties (agent/leader.ts) while it leads there, a worker's (agent/worker.ts)
 * otherwise; one work loop claims on every chain it does not lead. What it knows comes from the
 * indexer, pushed, through the SDK (agent/feeds.ts); what it does goes through the SDK; its state
 * is one object per chain (agent/state.ts). It reports to the orchestrator over IPC (protocol.ts).
 */
import type { Address } from "viem";
import { payloadText, registrationFile, toDataURI } from "../../sdk/src/index.ts";
import { followChannel, followDueRounds, followInbox, followLeaderChanges } from "./agent/feeds.ts";
import { lead } from "./agent/leader.ts";
import { createSwarmAgent, isRace, processLink, type SwarmAgent, shortMessage, sleep } from "./agent/state.ts";
import { claimRound, takeOver, watchForSilentLeader, workLoop } from "./agent/worker.ts";
import { type AgentConfig, CONFIG_ENV, type OrchestratorMessage } from "./protocol.ts";

function readConfig(): AgentConfig {
  const raw = process.env[CONFIG_ENV];
  if (!raw) {
    console.error(`agent: ${CONFIG_ENV} is not set. Agents are started by the orchestrator: run npm start.`);
    process.exit(2);
  }
  return JSON.parse(raw) as AgentConfig;
}

/** Registers, stakes and joins the swarm's group (on one chain). */
async function onboard({ agent, config, groupId, send }: SwarmAgent): Promise<void> {
  const file = registrationFile({ name: config.name, description: config.role, capabilities: config.capabilities });
  const stake = BigInt(config.stake);
  await Promise.all([
    agent.identity.register({
      uri: toDataURI(file),
      capabilities: config.capabilities,
      metadata: { role: "swarm-agent" },
    }),
    agent.staking.faucet(stake),
  ]);
  send({ type: "registered", chainId: agent.deployment.chainId, agentId: String(agent.agentId) });
  await agent.staking.stake(stake);
  await agent.election.join(groupId);
}

/**
 * Wires what the agent hears on one chain to what it does there: leading while elected, answering
 * its inbox, claiming due rounds, failing over a silent leader (the work loop spans the chains).
 */
function play(s: SwarmAgent) {
  let endTerm: (() => void) | undefined;
  followLeaderChanges(s, (l) => {
    s.leading = l.leader === s.me();
    if (s.leading && !endTerm) endTerm = lead(s, l.term);
    if (!s.leading && endTerm) {
      endTerm();
      endTerm = undefined;
    }
  });
  s.cleanups.push(() => endTerm?.());
  const heartbeat = s.agent.election.runHeartbeat(s.groupId, undefined, {
    onError: (e) => !s.stopped && !isRace(e) && s.warn("heartbeat", e),
  });
  s.cleanups.push(() => void heartbeat.stop());
  followInbox(s, (m) => {
    s.stats.messagesReceived++;
    const handoff = /^handoff (\d+):/.exec(payloadText(m.payload));
    if (handoff) void takeOver(s, BigInt(handoff[1]!));
  });
  followChannel(s, () => void s.stats.messagesReceived++);
  followDueRounds(s, (round) => void claimRound(s, round));
  watchForSilentLeader(s);
}

const config = readConfig();
const link = processLink();
/** This agent on each chain of the run. */
const lanes = config.chains.map((chain) => createSwarmAgent(config, chain, link));
const s = lanes[0]!;
process.title = `stigmergy-agent-${config.name}`;

let stopping = false;
function stop() {
  if (stopping) return;
  stopping = true;
  for (const lane of lanes) {
    lane.stopped = true;
    lane.close();
    for (const cleanup of lane.cleanups) cleanup();
  }
  link.close();
  const byChain = Object.fromEntries(lanes.map((l) => [String(l.agent.deployment.chainId), l.stats]));
  link.send({ type: "stats", byChain }, () => process.exit(0));
  setTimeout(() => process.exit(0), 2_000).unref();
}

process.on("message", (m: unknown) => (m as OrchestratorMessage | undefined)?.type === "stop" && stop());
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
process.on("disconnect", stop); // the orchestrator is gone
process.on("unhandledRejection", (e) => s.warn("unexpected", e));

try {
  await Promise.all(lanes.map(onboard));
} catch (e) {
  link.send({ type: "log", level: "warn", text: `could not join the swarm: ${shortMessage(e)}` }, () =>
    process.exit(1),
  );
  await sleep(2_000);
  process.exit(1);
}
const agentIds = Object.fromEntries(lanes.map((l) => [String(l.agent.deployment.chainId), String(l.me())]));
link.send({ type: "ready", agentIds, address: s.agent.address as Address });
link.reportStats();
for (const lane of lanes) play(lane);
void workLoop(lanes);
