/**
 * One swarm agent, run as its own process by the orchestrator (configuration in
 * STIGMERGY_SWARM_AGENT). It registers with an ERC-8004 registration file, stakes, joins the
 * swarm's group, and then plays whatever role the election gives it: the leader's duties
 * (agent/leader.ts) while it leads, a worker's (agent/worker.ts) otherwise. What it knows comes
 * from the indexer, pushed, through the SDK (agent/feeds.ts); what it does goes through the SDK;
 * its state is one object (agent/state.ts). It reports to the orchestrator over IPC (protocol.ts).
 */
import type { Address } from "viem";
import { payloadText, registrationFile, toDataURI } from "../../sdk/src/index.ts";
import { followChannel, followDueRounds, followInbox, followLeaderChanges } from "./agent/feeds.ts";
import { lead } from "./agent/leader.ts";
import { createSwarmAgent, isRace, shortMessage, sleep, type SwarmAgent } from "./agent/state.ts";
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

/** Registers, stakes and joins the swarm's group. */
async function onboard({ agent, config, groupId }: SwarmAgent): Promise<void> {
  const file = registrationFile({ name: config.name, description: config.role, capabilities: config.capabilities });
  const stake = BigInt(config.stake);
  await Promise.all([
    agent.identity.register({ uri: toDataURI(file), capabilities: config.capabilities, metadata: { role: "swarm-agent" } }),
    agent.staking.faucet(stake),
  ]);
  await agent.staking.stake(stake);
  await agent.election.join(groupId);
}

/** Wires what the agent hears to what it does: leading while elected, working, answering its inbox, claiming due rounds. */
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
  const heartbeat = s.agent.election.runHeartbeat(s.groupId, undefined, { onError: (e) => !s.stopped && !isRace(e) && s.warn("heartbeat", e) });
  s.cleanups.push(() => heartbeat.stop());
  followInbox(s, (m) => {
    s.stats.messagesReceived++;
    const handoff = /^handoff (\d+):/.exec(payloadText(m.payload));
    if (handoff) void takeOver(s, BigInt(handoff[1]!));
  });
  followChannel(s, () => void s.stats.messagesReceived++);
  followDueRounds(s, (round) => void claimRound(s, round));
  watchForSilentLeader(s);
  void workLoop(s);
}

const s = createSwarmAgent(readConfig());
process.title = `stigmergy-agent-${s.config.name}`;

function stop() {
  if (s.stopped) return;
  s.stopped = true;
  s.close();
  for (const cleanup of s.cleanups) cleanup();
  s.send({ type: "stats", stats: s.stats }, () => process.exit(0));
  setTimeout(() => process.exit(0), 2_000).unref();
}

process.on("message", (m: unknown) => (m as OrchestratorMessage | undefined)?.type === "stop" && stop());
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
process.on("disconnect", stop); // the orchestrator is gone
process.on("unhandledRejection", (e) => s.warn("unexpected", e));

try {
  await onboard(s);
} catch (e) {
  s.send({ type: "log", level: "warn", text: `could not join the swarm: ${shortMessage(e)}` }, () => process.exit(1));
  await sleep(2_000);
  process.exit(1);
}
s.send({ type: "ready", agentId: String(s.me()), address: s.agent.address as Address });
s.reportStats();
play(s);
