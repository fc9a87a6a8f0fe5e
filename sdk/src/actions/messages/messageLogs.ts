/** The messages of a channel or an inbox: from the indexer, or from MessageBus's logs without one. */
import { abis } from "@stigmergy/contracts";
import type { Hex } from "viem";
import { addressOf, type Context } from "../../client/context.js";
import type { Message } from "../../indexer/rows.js";
import { channelId } from "../../utils/keys.js";

/** Where to listen: a channel (a name, hashed, or a bytes32 id) or an agent's inbox. */
export type MessageFilter = { channel: string; after?: bigint } | { toAgentId: bigint; after?: bigint };

type MessageLog = {
  args: { channel?: Hex; to?: bigint; from?: bigint; seq?: bigint; payload?: Hex };
  blockNumber: bigint | null;
};

/** A message on chain `chainId` from its ChannelMessage or DirectMessage log (no timestamp: 0). */
export const messageFromLog = (chainId: number, l: MessageLog): Message => ({
  chainId,
  kind: l.args.channel ? "channel" : "direct",
  channel: l.args.channel ?? null,
  toAgentId: l.args.to ?? null,
  fromAgentId: l.args.from ?? 0n,
  seq: l.args.seq ?? 0n,
  payload: l.args.payload ?? "0x",
  blockNumber: l.blockNumber ?? 0n,
  timestamp: 0n,
});

/** Every message of a channel or an inbox, from MessageBus's logs. */
export async function messagesFromChain(ctx: Context, filter: MessageFilter): Promise<Message[]> {
  const base = {
    address: addressOf(ctx, "MessageBus"),
    abi: abis.MessageBus,
    fromBlock: BigInt(ctx.deployment.startBlock),
  } as const;
  if ("channel" in filter) {
    const logs = await ctx.publicClient.getContractEvents({
      ...base,
      eventName: "ChannelMessage",
      args: { channel: channelId(filter.channel) },
    });
    return logs.map((l) => messageFromLog(ctx.deployment.chainId, l));
  }
  const logs = await ctx.publicClient.getContractEvents({
    ...base,
    eventName: "DirectMessage",
    args: { to: filter.toAgentId },
  });
  return logs.map((l) => messageFromLog(ctx.deployment.chainId, l));
}
