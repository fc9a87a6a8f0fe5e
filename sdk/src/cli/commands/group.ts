/** `stigmergy group create | join | leave | elect | leader | heartbeat | failover`: leader election. */
import type { Leadership } from "../../indexer/rows.js";
import type { Command } from "../command.js";
import { fields, time } from "../output.js";
import * as parse from "../values.js";

const leadershipText = (l: Leadership): string =>
  l.leader === 0n
    ? `group ${l.groupId} has no leader (elect one with \`stigmergy group elect ${l.groupId}\`)`
    : fields(`group ${l.groupId}`, [
        ["leader", `agent ${l.leader}`],
        ["term", l.term],
        ["epoch", l.epoch],
        ["last heartbeat", time(l.lastHeartbeat)],
        ["failover after", time(l.heartbeatDeadline)],
      ]);

const create: Command = {
  path: ["group", "create"],
  summary: "Create a group whose members elect a stake-weighted leader each epoch",
  args: ["NAME"],
  options: {
    epoch: { type: "string", value: "S", description: "seconds a leader's term lasts (required)" },
    "heartbeat-timeout": { type: "string", value: "S", description: "seconds without a heartbeat before anyone may fail the leader over (required)" },
    "min-stake": { type: "string", value: "TOKENS", description: "stake a member needs (default 0)" },
    "failover-slash": { type: "string", value: "TOKENS", description: "stake slashed from a leader that is failed over (default 0)" },
  },
  examples: ["stigmergy group create reviewers --epoch 1h --heartbeat-timeout 60 --min-stake 10"],
  async run({ args, flags, session }) {
    const epoch = flags.string("epoch");
    const timeout = flags.string("heartbeat-timeout");
    const params = {
      name: args.NAME!,
      epochDuration: parse.seconds("epoch", epoch ?? ""),
      heartbeatTimeout: parse.seconds("heartbeat-timeout", timeout ?? ""),
      minStake: parse.tokenAmount("min-stake", flags.string("min-stake") ?? "0"),
      failoverSlash: parse.tokenAmount("failover-slash", flags.string("failover-slash") ?? "0"),
    };
    const agent = await session.agent();
    const created = await session.progress.run(`creating group ${args.NAME}`, () => agent.election.createGroup(params));
    return {
      data: { groupId: created.groupId, ...params, txHash: created.hash },
      text: `created group ${created.groupId} (${args.NAME}); join with \`stigmergy group join ${created.groupId}\``,
    };
  },
};

/** `group <verb> ID` for the calls that take the acting agent and return a plain receipt. */
const memberCall = (verb: "join" | "leave" | "heartbeat", summary: string, past: string): Command => ({
  path: ["group", verb],
  summary,
  args: ["ID"],
  async run({ args, session }) {
    const groupId = parse.id("ID", args.ID!);
    const agent = await session.agent();
    const agentId = await session.actingAgent();
    const sent = await session.progress.run(`sending ${verb} for agent ${agentId}`, () => agent.election[verb](groupId, agentId));
    return { data: { groupId, agentId, txHash: sent.hash }, text: `agent ${agentId} ${past} group ${groupId} (tx ${sent.hash})` };
  },
});

const elect: Command = {
  path: ["group", "elect"],
  summary: "Draw the epoch's leader, weighted by stake (anyone, once per epoch)",
  args: ["ID"],
  async run({ args, session }) {
    const groupId = parse.id("ID", args.ID!);
    const agent = await session.agent();
    const e = await session.progress.run(`electing the leader of group ${groupId}`, () => agent.election.elect(groupId));
    return { data: { groupId, leader: e.leader, term: e.term, epoch: e.epoch, txHash: e.hash }, text: `agent ${e.leader} leads group ${groupId} (term ${e.term}, epoch ${e.epoch})` };
  },
};

const failover: Command = {
  path: ["group", "failover"],
  summary: "Replace a leader whose heartbeat timed out (anyone): slashes it and draws a new one",
  args: ["ID"],
  async run({ args, session }) {
    const groupId = parse.id("ID", args.ID!);
    const agent = await session.agent();
    const f = await session.progress.run(`failing over the leader of group ${groupId}`, () => agent.election.failover(groupId));
    return {
      data: { groupId, failed: f.failed, leader: f.leader, term: f.term, txHash: f.hash },
      text: `agent ${f.failed} was failed over; agent ${f.leader} leads group ${groupId} (term ${f.term})`,
    };
  },
};

const leader: Command = {
  path: ["group", "leader"],
  summary: "Show a group's leader, term, epoch and heartbeat deadline",
  args: ["ID"],
  async run({ args, session }) {
    const groupId = parse.id("ID", args.ID!);
    const agent = await session.agent();
    const l = await agent.election.leader(groupId);
    return { data: l, text: leadershipText(l) };
  },
};

export const groupCommands: Command[] = [
  create,
  memberCall("join", "Join a group with the agent's stake as its weight", "joined"),
  memberCall("leave", "Leave a group", "left"),
  elect,
  leader,
  memberCall("heartbeat", "Prove the leader is alive (the leader only)", "sent a heartbeat in"),
  failover,
];
