/** What `stigmergy message …` does (channels and inboxes), loaded when one of its commands runs. */
import type { Message } from "../../indexer/rows.js";
import { payloadText } from "../../utils/payload.js";
import type { CommandInput } from "../command.js";
import { table, time } from "../format.js";
import type { CommandResult } from "../output.js";
import * as parse from "../values.js";

const messageJson = (m: Message) => ({ ...m, text: payloadText(m.payload) });

const messageTable = (messages: Message[], empty: string): string =>
  table(
    ["SEQ", "FROM", "BLOCK", "TIME", "TEXT"],
    messages.map((m) => [
      String(m.seq),
      `agent ${m.fromAgentId}`,
      String(m.blockNumber),
      time(m.timestamp),
      payloadText(m.payload),
    ]),
    empty,
  );

const page = (after: string | undefined, limit: string | undefined) => ({
  ...(after !== undefined ? { after: parse.whole("after", after, { bits: 64 }) } : {}),
  ...(limit !== undefined ? { limit: Number(parse.whole("limit", limit, { bits: 16, min: 1n })) } : {}),
});

export async function post({ args, session }: CommandInput): Promise<CommandResult | undefined> {
  const agent = await session.agent();
  const from = await session.actingAgent();
  const sent = await session.progress.run(`posting on ${args.CHANNEL}`, () =>
    agent.messages.post(args.CHANNEL!, args.TEXT!, { fromAgentId: from }),
  );
  return {
    data: { channel: agent.messages.channelId(args.CHANNEL!), fromAgentId: from, seq: sent.seq, txHash: sent.hash },
    text: `posted message ${sent.seq} on ${args.CHANNEL} as agent ${from}`,
  };
}

export async function send({ args, session }: CommandInput): Promise<CommandResult | undefined> {
  const to = parse.id("AGENT_ID", args.AGENT_ID!);
  const agent = await session.agent();
  const from = await session.actingAgent();
  const sent = await session.progress.run(`sending to agent ${to}`, () =>
    agent.messages.send(to, args.TEXT!, { fromAgentId: from }),
  );
  return {
    data: { toAgentId: to, fromAgentId: from, seq: sent.seq, txHash: sent.hash },
    text: `sent message ${sent.seq} to agent ${to} from agent ${from}`,
  };
}

export async function inbox({ flags, session }: CommandInput): Promise<CommandResult | undefined> {
  const agent = await session.agent();
  const agentId = await session.actingAgent();
  const messages = await agent.messages.inbox({ agentId, ...page(flags.string("after"), flags.string("limit")) });
  return {
    data: { agentId, messages: messages.map(messageJson) },
    text: messageTable(messages, `no messages for agent ${agentId}`),
  };
}

export async function read({ args, flags, session }: CommandInput): Promise<CommandResult | undefined> {
  const agent = await session.agent();
  const messages = await agent.messages.channel(args.CHANNEL!, page(flags.string("after"), flags.string("limit")));
  return {
    data: { channel: agent.messages.channelId(args.CHANNEL!), messages: messages.map(messageJson) },
    text: messageTable(messages, `no messages on ${args.CHANNEL}`),
  };
}
