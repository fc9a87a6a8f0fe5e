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

/** The most blocks `followLogs` asks for in one `eth_getLogs` (providers limit ranges; this halves on failure). */
const MAX_LOG_RANGE = 5_000n;

/**
 * Follows logs from block `fromBlock` on, exactly once each and in order, with `eth_getLogs` over
 * the blocks that are new at each poll (the client's polling interval), at most `MAX_LOG_RANGE`
 * blocks a call (halved after a failure, so a provider's range limit is found). A log filter's
 * changes (what viem's watchers poll) start where the node decides — on geth, at the filter's
 * creation, whatever its fromBlock — so a start in the past or in a block mined meanwhile would be
 * lost there; ranges of getLogs are the same on every node. `getLogs` narrows the logs (an event and
 * its indexed arguments) and decodes them. Failures go to `onError` and the same blocks are asked
 * again. Returns the stop function.
 */
export function followLogs<T>(
  ctx: Context,
  fromBlock: bigint,
  getLogs: (range: { fromBlock: bigint; toBlock: bigint }) => Promise<T[]>,
  onLogs: (logs: T[]) => void,
  onError?: (error: Error) => void,
): () => void {
  let next = fromBlock;
  let range = MAX_LOG_RANGE;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const poll = async () => {
    try {
      const head = await ctx.publicClient.getBlockNumber({ cacheTime: 0 });
      while (!stopped && head >= next) {
        const toBlock = next + range - 1n < head ? next + range - 1n : head;
        const logs = await getLogs({ fromBlock: next, toBlock }).catch((error: unknown) => {
          if (range > 1n) range /= 2n;
          throw error;
        });
        if (stopped) return;
        next = toBlock + 1n;
        if (logs.length) onLogs(logs);
      }
    } catch (error) {
      if (!stopped) onError?.(error instanceof Error ? error : new Error(String(error)));
    }
    if (!stopped) timer = setTimeout(() => void poll(), ctx.publicClient.pollingInterval);
  };
  void poll();
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
  };
}

/** setTimeout's longest delay (about 24.8 days); longer ones fire at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** A delay in milliseconds that setTimeout/setInterval honour. */
export const timerMs = (ms: number): number => Math.min(Math.max(0, ms), MAX_TIMER_MS);

export { guarded } from "../client/callbacks.js";
