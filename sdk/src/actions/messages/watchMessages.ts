import { sql } from "@ponder/client";
import { abis } from "@stigmergy/contracts";
import { addressOf, type Context, read } from "../../client/context.js";
import type { IndexerError } from "../../errors/indexer.js";
import type { InvalidInputError } from "../../errors/input.js";
import { sqlChain, sqlInt } from "../../indexer/client.js";
import type { Message } from "../../indexer/rows.js";
import { channelId } from "../../utils/keys.js";
import { followLogs, guarded } from "../../utils/watch.js";
import * as v from "../../validate.js";
import { type MessageFilter, messageFromLog } from "./messageLogs.js";
import { readChannel } from "./readChannel.js";
import { readInbox } from "./readInbox.js";

export type WatchMessagesParameters = {
  /** A channel or an inbox, and optionally the sequence number to deliver after. */
  filter: MessageFilter;
  /** Called once for each new message, in order. */
  onMessage: (message: Message) => void;
  onError?: ((error: Error) => void) | undefined;
};

/** Unsubscribes. */
export type WatchMessagesReturnType = () => void;

/** Passed to `onError`, never thrown (except for invalid input). */
export type WatchMessagesErrorType = InvalidInputError | IndexerError;

/** Messages read per request when catching up. */
const PAGE = 200;

/**
 * Calls `onMessage` for each new message on a channel or in an inbox, in order, exactly once: those
 * with a sequence number above `filter.after`, or (without `after`) those arriving after the
 * subscription is set up. Pushed by the indexer; without one, follows MessageBus events. Returns
 * the unsubscribe function.
 *
 * @example
 * const stop = watchMessages(agent, {
 *   filter: { toAgentId: agent.agentId! },
 *   onMessage: (m) => console.log(payloadText(m.payload)),
 * });
 */
export function watchMessages(ctx: Context, params: WatchMessagesParameters): WatchMessagesReturnType {
  const { filter, onMessage, onError } = params;
  let last = filter.after;
  // Each message on its own: a handler that throws on one does not lose the rest of the batch.
  const notify = guarded(onMessage, onError);
  const deliver = (messages: Message[]) => {
    const sorted = [...messages].sort((a, b) => (a.seq < b.seq ? -1 : 1));
    if (last === undefined) {
      last = sorted.at(-1)?.seq ?? 0n;
      return;
    }
    for (const m of sorted) {
      if (m.seq > last) {
        last = m.seq;
        notify(m);
      }
    }
  };
  /** The last sequence number of the channel or inbox (at `blockNumber`, default the latest block). */
  const baseline = (blockNumber?: bigint) =>
    "channel" in filter
      ? read(ctx, "MessageBus", "channelSeq", [channelId(filter.channel)], blockNumber)
      : read(ctx, "MessageBus", "inboxSeq", [filter.toAgentId], blockNumber);
  if (ctx.indexer) {
    // A live query signals each change; the messages after the last one delivered are then read in
    // order over REST, page by page, so a burst of any size arrives whole.
    const where =
      "channel" in filter
        ? sql`channel = ${channelId(filter.channel)}`
        : sql`to_agent_id = ${sqlInt(v.id("toAgentId", filter.toAgentId))}`;
    const page =
      "channel" in filter
        ? (after: bigint) => readChannel(ctx, { channel: filter.channel, after, limit: PAGE })
        : (after: bigint) => readInbox(ctx, { agentId: filter.toAgentId, after, limit: PAGE });
    let pulling: Promise<void> = (
      last === undefined
        ? baseline().then((s) => {
            last ??= s;
          })
        : Promise.resolve()
    ).catch((e: Error) => onError?.(e));
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
    const chain = sqlChain(ctx.deployment.chainId);
    const latest = sql`select seq from message where ${chain} and ${where} order by seq desc limit 1`;
    return ctx.indexer.onChange(latest, pull, onError);
  }
  // Without an indexer, MessageBus logs from a pinned block: without `after`, the head H when the watch
  // starts (the baseline is the sequence number at H, and logs are followed from H + 1, so nothing is
  // delivered twice or lost in between); with `after`, the deployment's first block.
  const bus = { address: addressOf(ctx, "MessageBus"), abi: abis.MessageBus } as const;
  const logs = (range: { fromBlock: bigint; toBlock: bigint }) =>
    "channel" in filter
      ? ctx.publicClient.getContractEvents({
          ...bus,
          ...range,
          eventName: "ChannelMessage",
          args: { channel: channelId(filter.channel) },
        })
      : ctx.publicClient.getContractEvents({
          ...bus,
          ...range,
          eventName: "DirectMessage",
          args: { to: filter.toAgentId },
        });
  let unwatch: (() => void) | undefined;
  let retry: NodeJS.Timeout | undefined;
  let stopped = false;
  /** The block to follow from; asked again every polling interval until the node answers. */
  const pin = () => {
    const pinned =
      last !== undefined
        ? Promise.resolve(BigInt(ctx.deployment.startBlock))
        : ctx.publicClient.getBlockNumber({ cacheTime: 0 }).then(async (head) => {
            last ??= await baseline(head);
            return head + 1n;
          });
    pinned.then(
      (fromBlock) => {
        if (stopped) return;
        const onLogs = (found: Parameters<typeof messageFromLog>[1][]) =>
          deliver(found.map((l) => messageFromLog(ctx.deployment.chainId, l)));
        unwatch = followLogs(ctx, fromBlock, logs, onLogs, onError);
      },
      (e: Error) => {
        if (stopped) return;
        onError?.(e);
        retry = setTimeout(pin, ctx.publicClient.pollingInterval);
      },
    );
  };
  pin();
  return () => {
    stopped = true;
    if (retry) clearTimeout(retry);
    unwatch?.();
  };
}
