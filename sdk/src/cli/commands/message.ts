/** `stigmergy message post | send | inbox | read`: channels and inboxes. */
import type { Message } from "../../indexer/rows.js";
import { payloadText } from "../../modules/messages.js";
import type { Command } from "../command.js";
import { table, time } from "../output.js";
import * as parse from "../values.js";

const messageJson = (m: Message) => ({ ...m, text: payloadText(m.payload) });

const messageTable = (messages: Message[], empty: string): string =>
  table(
    ["SEQ", "FROM", "BLOCK", "TIME", "TEXT"],
    messages.map((m) => [String(m.seq), `agent ${m.fromAgentId}`, String(m.blockNumber), time(m.timestamp), payloadText(m.payload)]),
    empty,
  );

const pageOptions = {
  after: { type: "string", value: "SEQ", description: "only messages after this sequence number" },
  limit: { type: "string", value: "N", description: "at most N messages (default 100; indexer only)" },
} as const;

const page = (after: string | undefined, limit: string | undefined) => ({
  ...(after !== undefined ? { after: parse.whole("after", after, { bits: 64 }) } : {}),
  ...(limit !== undefined ? { limit: Number(parse.whole("limit", limit, { bits: 16, min: 1n })) } : {}),
});

const post: Command = {
  path: ["message", "post"],
  summary: "Broadcast TEXT on CHANNEL as the agent",
  args: ["CHANNEL", "TEXT..."],
  details: ["CHANNEL is a name (hashed) or a bytes32 id; TEXT is UTF-8 (or 0x… hex), at most 16 KiB."],
  examples: ['stigmergy message post status "indexing done" --account 1'],
  async run({ args, session }) {
    const agent = await session.agent();
    const from = await session.actingAgent();
    const sent = await session.progress.run(`posting on ${args.CHANNEL}`, () => agent.messages.post(args.CHANNEL!, args.TEXT!, { fromAgentId: from }));
    return {
      data: { channel: agent.messages.channelId(args.CHANNEL!), fromAgentId: from, seq: sent.seq, txHash: sent.hash },
      text: `posted message ${sent.seq} on ${args.CHANNEL} as agent ${from}`,
    };
  },
};

const send: Command = {
  path: ["message", "send"],
  summary: "Send TEXT to AGENT_ID's inbox as the agent",
  args: ["AGENT_ID", "TEXT..."],
  async run({ args, session }) {
    const to = parse.id("AGENT_ID", args.AGENT_ID!);
    const agent = await session.agent();
    const from = await session.actingAgent();
    const sent = await session.progress.run(`sending to agent ${to}`, () => agent.messages.send(to, args.TEXT!, { fromAgentId: from }));
    return { data: { toAgentId: to, fromAgentId: from, seq: sent.seq, txHash: sent.hash }, text: `sent message ${sent.seq} to agent ${to} from agent ${from}` };
  },
};

const inbox: Command = {
  path: ["message", "inbox"],
  summary: "Read the agent's inbox, oldest first",
  options: pageOptions,
  async run({ flags, session }) {
    const agent = await session.agent();
    const agentId = await session.actingAgent();
    const messages = await agent.messages.inbox({ agentId, ...page(flags.string("after"), flags.string("limit")) });
    return { data: { agentId, messages: messages.map(messageJson) }, text: messageTable(messages, `no messages for agent ${agentId}`) };
  },
};

const read: Command = {
  path: ["message", "read"],
  summary: "Read the messages on CHANNEL, oldest first",
  args: ["CHANNEL"],
  options: pageOptions,
  async run({ args, flags, session }) {
    const agent = await session.agent();
    const messages = await agent.messages.channel(args.CHANNEL!, page(flags.string("after"), flags.string("limit")));
    return { data: { channel: agent.messages.channelId(args.CHANNEL!), messages: messages.map(messageJson) }, text: messageTable(messages, `no messages on ${args.CHANNEL}`) };
  },
};

export const messageCommands: Command[] = [post, send, inbox, read];
