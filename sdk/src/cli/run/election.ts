/** What `stigmergy group …` does (leader election), loaded when one of its commands runs. */
import type { Leadership } from "../../indexer/rows.js";
import type { CommandInput } from "../command.js";
import { fields, time } from "../format.js";
import type { CommandResult } from "../output.js";
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

/** `group join | leave | heartbeat ID`: the calls that take the acting agent and return a plain receipt. */
async function memberCall(
  verb: "join" | "leave" | "heartbeat",
  past: string,
  { args, session }: CommandInput,
): Promise<CommandResult> {
  const groupId = parse.id("ID", args.ID!);
  const agent = await session.agent();
  const agentId = await session.actingAgent();
  const sent = await session.progress.run(`sending ${verb} for agent ${agentId}`, () =>
    agent.election[verb](groupId, agentId),
  );
  return {
    data: { groupId, agentId, txHash: sent.hash },
    text: `agent ${agentId} ${past} group ${groupId} (tx ${sent.hash})`,
  };
}

export const join = (input: CommandInput) => memberCall("join", "joined", input);
export const leave = (input: CommandInput) => memberCall("leave", "left", input);
export const heartbeat = (input: CommandInput) => memberCall("heartbeat", "sent a heartbeat in", input);

export async function create({ args, flags, session }: CommandInput): Promise<CommandResult | undefined> {
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
}

export async function elect({ args, session }: CommandInput): Promise<CommandResult | undefined> {
  const groupId = parse.id("ID", args.ID!);
  const agent = await session.agent();
  const e = await session.progress.run(`electing the leader of group ${groupId}`, () => agent.election.elect(groupId));
  return {
    data: { groupId, leader: e.leader, term: e.term, epoch: e.epoch, txHash: e.hash },
    text: `agent ${e.leader} leads group ${groupId} (term ${e.term}, epoch ${e.epoch})`,
  };
}

export async function failover({ args, session }: CommandInput): Promise<CommandResult | undefined> {
  const groupId = parse.id("ID", args.ID!);
  const agent = await session.agent();
  const f = await session.progress.run(`failing over the leader of group ${groupId}`, () =>
    agent.election.failover(groupId),
  );
  return {
    data: { groupId, failed: f.failed, leader: f.leader, term: f.term, txHash: f.hash },
    text: `agent ${f.failed} was failed over; agent ${f.leader} leads group ${groupId} (term ${f.term})`,
  };
}

export async function leader({ args, session }: CommandInput): Promise<CommandResult | undefined> {
  const groupId = parse.id("ID", args.ID!);
  const agent = await session.agent();
  const l = await agent.election.leader(groupId);
  return { data: l, text: leadershipText(l) };
}
