/** The message bus (the `messages` primitive): `send_message`, `post_message`, `read_messages`. */
import { z } from "zod";
import { InvalidInputError } from "../../errors/input.js";
import type { Message } from "../../indexer/rows.js";
import { MAX_PAYLOAD, payloadText } from "../../utils/payload.js";
import * as v from "../../validate.js";
import { agentIdOf, integerInput, limitOf, signerOf } from "../inputs.js";
import { defineTool } from "../tool.js";

/** A message as the model reads it: its text (or hex when it is not text), sender and sequence number. */
const messageView = (m: Message) => ({
  seq: m.seq,
  from: m.fromAgentId,
  ...(m.kind === "direct" ? { to: m.toAgentId } : { channel: m.channel }),
  text: payloadText(m.payload),
  timestamp: m.timestamp,
});

/** The message text, checked for size before anything is sent. */
function messageText(field: string, text: string): string {
  if (text === "") throw new InvalidInputError(field, "must not be empty");
  v.payload(field, text, MAX_PAYLOAD);
  return text;
}

const textInput = z
  .string()
  .describe(
    "The message: plain text (UTF-8, at most 16 KiB), or 0x-prefixed hex for raw bytes. " +
      "Everything on the bus is public.",
  );
const channelInput = z.string().describe('The channel\'s name, e.g. "market-news" (or its bytes32 id).');

export const sendMessage = defineTool({
  name: "send_message",
  title: "Send a direct message",
  description:
    "Sends a message from your agent to another agent's inbox. " +
    "Messages are stored on chain and public; the recipient reads them with read_messages.",
  inputSchema: {
    to: integerInput("The recipient's agent id."),
    text: textInput,
  },
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  async run(agent, input) {
    signerOf(agent);
    const from = agentIdOf(agent);
    const to = v.id("to", input.to);
    const sent = await agent.messages.send(to, messageText("text", input.text), { fromAgentId: from });
    return { from, to, seq: sent.seq, txHash: sent.hash };
  },
});

export const postMessage = defineTool({
  name: "post_message",
  title: "Post on a channel",
  description:
    "Broadcasts a message from your agent on a named channel that any agent can read with read_messages. " +
    "Messages are stored on chain and public.",
  inputSchema: {
    channel: channelInput,
    text: textInput,
  },
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  async run(agent, input) {
    signerOf(agent);
    const from = agentIdOf(agent);
    const posted = await agent.messages.post(input.channel, messageText("text", input.text), { fromAgentId: from });
    return { from, channel: agent.messages.channelId(input.channel), seq: posted.seq, txHash: posted.hash };
  },
});

export const readMessages = defineTool({
  name: "read_messages",
  title: "Read messages",
  description:
    "Reads messages oldest first: your agent's inbox by default, or a channel when channel is given. Pass after = " +
    "the last seq you have seen to get only newer ones (the result's lastSeq is the value to pass next time). " +
    "Messages that were just sent may take a moment to appear.",
  inputSchema: {
    channel: channelInput.optional().describe("Read this channel (name or bytes32 id) instead of your inbox."),
    after: integerInput("Only messages with a sequence number above this one. Default 0 (from the start).").optional(),
    limit: z.number().int().optional().describe("At most this many messages, 1 to 100. Default 50."),
  },
  annotations: { readOnlyHint: true, openWorldHint: false },
  async run(agent, input) {
    const after = v.uint("after", input.after ?? 0);
    const limit = limitOf("limit", input.limit, 50, 100);
    const messages =
      input.channel === undefined
        ? await agent.messages.inbox({ agentId: agentIdOf(agent), after, limit })
        : await agent.messages.channel(input.channel, { after, limit });
    const shown = messages.slice(0, limit);
    return {
      source: input.channel === undefined ? { inbox: agent.agentId } : { channel: input.channel },
      count: shown.length,
      lastSeq: shown.at(-1)?.seq ?? after,
      messages: shown.map(messageView),
    };
  },
});
