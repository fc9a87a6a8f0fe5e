/** Broadcast channels and inboxes: post, send, read, and `onMessage`. */
import { sql } from "@ponder/client";
import { type Hex, hexToString } from "viem";
import { type Context, actingAgent, addressOf, eventOf, read, write, type Written } from "../client/context.js";
import { abis } from "@stigmergy/contracts";
import { type Row, sqlInt } from "../indexer/client.js";
import { type Message, toMessage } from "../indexer/rows.js";
import * as v from "../validate.js";
import { guarded } from "./watch.js";

/** Where to listen: a channel (a name, hashed, or a bytes32 id) or an agent's inbox. */
export type MessageFilter = { channel: string; after?: bigint } | { toAgentId: bigint; after?: bigint };

type MessageLog = { args: { channel?: Hex; to?: bigint; from?: bigint; seq?: bigint; payload?: Hex }; blockNumber: bigint | null };

/** A message from its ChannelMessage or DirectMessage log (no timestamp: 0). */
const fromLog = (l: MessageLog): Message => ({
  kind: l.args.channel ? "channel" : "direct",
  channel: l.args.channel ?? null,
  toAgentId: l.args.to ?? null,
  fromAgentId: l.args.from ?? 0n,
  seq: l.args.seq ?? 0n,
  payload: l.args.payload ?? "0x",
  blockNumber: l.blockNumber ?? 0n,
  timestamp: 0n,
});

/** Messages read per request when catching up. */
const PAGE = 200;

const MAX_PAYLOAD = 16_384; // bytes: MessageBus.MAX_PAYLOAD, checked again on chain

/** A payload as text when it is UTF-8, else its hex. */
export function payloadText(payload: Hex): string {
  try {
    const text = hexToString(payload);
    return /^[\p{L}\p{N}\p{P}\p{S}\p{Zs}\n\t]*$/u.test(text) ? text : payload;
  } catch {
    return payload;
  }
}

export function messagesModule(ctx: Context) {
  const channelId = (channel: string): Hex => v.name32("channel", channel);

  async function fromChain(filter: MessageFilter): Promise<Message[]> {
    const base = { address: addressOf(ctx, "MessageBus"), abi: abis.MessageBus, fromBlock: BigInt(ctx.deployment.startBlock) } as const;
    if ("channel" in filter) {
      const logs = await ctx.publicClient.getContractEvents({ ...base, eventName: "ChannelMessage", args: { channel: channelId(filter.channel) } });
      return logs.map(fromLog);
    }
    const logs = await ctx.publicClient.getContractEvents({ ...base, eventName: "DirectMessage", args: { to: filter.toAgentId } });
    return logs.map(fromLog);
  }

  const api = {
    channelId,
    /** The id of group `groupId`'s restricted channel `name`. */
    groupChannel: (groupId: bigint | number, name: string) => read(ctx, "MessageBus", "groupChannel", [v.id("groupId", groupId), v.name32("name", name)]),
    /** Reserves `groupChannel(groupId, name)` for the group's members (before its first message). */
    async restrictChannel(groupId: bigint | number, name: string): Promise<Written & { channel: Hex }> {
      const written = await write(ctx, "MessageBus", "restrictChannel", [v.id("groupId", groupId), v.name32("name", name)]);
      return { ...written, channel: eventOf(ctx, written.receipt, "MessageBus", "ChannelRestricted").channel };
    },
    /** Broadcasts `payload` (text or hex, ≤ 16 KiB) on `channel` as the agent. */
    async post(channel: string, payload: string, options: { fromAgentId?: bigint } = {}): Promise<Written & { seq: bigint }> {
      const written = await write(ctx, "MessageBus", "post", [actingAgent(ctx, options.fromAgentId), channelId(channel), v.payload("payload", payload, MAX_PAYLOAD)]);
      return { ...written, seq: eventOf(ctx, written.receipt, "MessageBus", "ChannelMessage").seq };
    },
    /** Sends `payload` (text or hex, ≤ 16 KiB) to `toAgentId`'s inbox as the agent. */
    async send(toAgentId: bigint | number, payload: string, options: { fromAgentId?: bigint } = {}): Promise<Written & { seq: bigint }> {
      const written = await write(ctx, "MessageBus", "send", [actingAgent(ctx, options.fromAgentId), v.id("toAgentId", toAgentId), v.payload("payload", payload, MAX_PAYLOAD)]);
      return { ...written, seq: eventOf(ctx, written.receipt, "MessageBus", "DirectMessage").seq };
    },
    /** Messages in an inbox (default: the agent's own) after sequence number `after`, oldest first. */
    async inbox(options: { agentId?: bigint; after?: bigint; limit?: number } = {}): Promise<Message[]> {
      const agentId = actingAgent(ctx, options.agentId);
      if (!ctx.indexer) return (await fromChain({ toAgentId: agentId })).filter((m) => m.seq > (options.after ?? 0n));
      const body = await ctx.indexer.get<{ messages: Row[] }>(`/inbox/${agentId}`, { after: options.after, limit: options.limit });
      return (body?.messages ?? []).map(toMessage);
    },
    /** Messages on a channel after sequence number `after`, oldest first. */
    async channel(channel: string, options: { after?: bigint; limit?: number } = {}): Promise<Message[]> {
      if (!ctx.indexer) return (await fromChain({ channel })).filter((m) => m.seq > (options.after ?? 0n));
      const body = await ctx.indexer.get<{ messages: Row[] }>(`/channels/${channelId(channel)}`, { after: options.after, limit: options.limit });
      return (body?.messages ?? []).map(toMessage);
    },

    /**
     * Calls `onMessage` for each new message on a channel or in an inbox, in order, exactly once:
     * those with a sequence number above `filter.after`, or (without `after`) those arriving after
     * the subscription is set up. Pushed by the indexer; without one, follows MessageBus events.
     * Returns the unsubscribe function.
     */
    onMessage(filter: MessageFilter, onMessage: (message: Message) => void, onError?: (error: Error) => void): () => void {
      let last = filter.after;
      const deliver = guarded((messages: Message[]) => {
        const sorted = [...messages].sort((a, b) => (a.seq < b.seq ? -1 : 1));
        if (last === undefined) {
          last = sorted.at(-1)?.seq ?? 0n;
          return;
        }
        for (const m of sorted) if (m.seq > last) (last = m.seq), onMessage(m);
      }, onError);
      const baseline = () => ("channel" in filter ? read(ctx, "MessageBus", "channelSeq", [channelId(filter.channel)]) : read(ctx, "MessageBus", "inboxSeq", [filter.toAgentId]));
      if (ctx.indexer) {
        // A live query signals each change; the messages after the last one delivered are then
        // read in order over REST, page by page, so a burst of any size arrives whole.
        const where = "channel" in filter ? sql`channel = ${channelId(filter.channel)}` : sql`to_agent_id = ${sqlInt(v.id("toAgentId", filter.toAgentId))}`;
        const page = "channel" in filter ? (after: bigint) => api.channel(filter.channel, { after, limit: PAGE }) : (after: bigint) => api.inbox({ agentId: filter.toAgentId, after, limit: PAGE });
        let pulling: Promise<void> = (last === undefined ? baseline().then((s) => void (last ??= s)) : Promise.resolve()).catch((e: Error) => onError?.(e));
        const pull = () => {
          pulling = pulling
            .then(async () => {
              for (;;) {
                const messages = await page(last ?? 0n);
                deliver(messages);
                if (messages.length < PAGE) break;
              }
            })
            .catch((e: Error) => onError?.(e));
        };
        return ctx.indexer.onChange(sql`select seq from message where ${where} order by seq desc limit 1`, pull, onError);
      }
      if (last === undefined) void baseline().then((s) => (last ??= s), (e: Error) => onError?.(e));
      const common = { address: addressOf(ctx, "MessageBus"), abi: abis.MessageBus, ...(onError ? { onError } : {}) } as const;
      if ("channel" in filter) {
        return ctx.publicClient.watchContractEvent({
          ...common,
          eventName: "ChannelMessage",
          args: { channel: channelId(filter.channel) },
          onLogs: (logs) => deliver(logs.map(fromLog)),
        });
      }
      return ctx.publicClient.watchContractEvent({
        ...common,
        eventName: "DirectMessage",
        args: { to: filter.toAgentId },
        onLogs: (logs) => deliver(logs.map(fromLog)),
      });
    },
  };
  return api;
}

export type MessagesModule = ReturnType<typeof messagesModule>;
