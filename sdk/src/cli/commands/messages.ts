/** `stigmergy message post | send | inbox | read`: channels and inboxes (the `messages` primitive). */
import { type Command, lazy } from "../command.js";

const load = () => import("../run/messages.js");

const pageOptions = {
  after: { type: "string", value: "SEQ", description: "only messages after this sequence number" },
  limit: { type: "string", value: "N", description: "at most N messages (default 100; indexer only)" },
} as const;

const post: Command = {
  path: ["message", "post"],
  summary: "Broadcast TEXT on CHANNEL as the agent",
  args: ["CHANNEL", "TEXT..."],
  details: ["CHANNEL is a name (hashed) or a bytes32 id; TEXT is UTF-8 (or 0x… hex), at most 16 KiB."],
  examples: ['stigmergy message post status "indexing done" --account 1'],
  run: lazy(load, "post"),
};

const send: Command = {
  path: ["message", "send"],
  summary: "Send TEXT to AGENT_ID's inbox as the agent",
  args: ["AGENT_ID", "TEXT..."],
  run: lazy(load, "send"),
};

const inbox: Command = {
  path: ["message", "inbox"],
  summary: "Read the agent's inbox, oldest first",
  options: pageOptions,
  run: lazy(load, "inbox"),
};

const read: Command = {
  path: ["message", "read"],
  summary: "Read the messages on CHANNEL, oldest first",
  args: ["CHANNEL"],
  options: pageOptions,
  run: lazy(load, "read"),
};

export const messagesCommands: Command[] = [post, send, inbox, read];
