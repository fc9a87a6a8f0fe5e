/** Chain-side fallbacks for watchers when no indexer is configured, and chain time. */

import { abis, type ContractName } from "@stigmergy/contracts";
import { type Log, parseEventLogs } from "viem";
import { addressOf, type Context } from "../client/context.js";

/** The latest block's timestamp (the contracts' notion of now), for a context or an agent. */
export async function chainNow(on: Pick<Context, "publicClient">): Promise<bigint> {
  return (await on.publicClient.getBlock({ blockTag: "latest" })).timestamp;
}

export type DecodedLog = Log & { eventName: string; args: Record<string, unknown> };

/**
 * Follows every event of contract `name` with viem's event watching (log filters polled at the
 * client's polling interval) and calls `onLogs` with each batch. Returns the unsubscribe function.
 */
export function watchEvents(
  ctx: Context,
  name: ContractName,
  onLogs: (logs: DecodedLog[]) => void,
  onError?: (error: Error) => void,
): () => void {
  return ctx.publicClient.watchEvent({
    address: addressOf(ctx, name),
    onLogs: (logs) => {
      const decoded = parseEventLogs({ abi: abis[name], logs, strict: false }) as unknown as DecodedLog[];
      if (decoded.length) onLogs(decoded);
    },
    ...(onError ? { onError } : {}),
  });
}

/** setTimeout's longest delay (about 24.8 days); longer ones fire at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** A delay in milliseconds that setTimeout/setInterval honour. */
export const timerMs = (ms: number): number => Math.min(Math.max(0, ms), MAX_TIMER_MS);

export { guarded } from "../client/callbacks.js";
