/**
 * The chain's clock, the one every part of Stigmergy uses: what timestamp a block mined now would
 * carry — the contracts' notion of now. The indexer wakes `schedule.due` subscribers with it, the
 * SDK times its schedule watcher with it, the swarm its deadlines.
 *
 * A chain's block timestamps run at the wall clock's pace but may be offset from it: a local node
 * that mined blocks in quick succession runs ahead (each block must be later than its parent), one
 * that started between whole seconds runs behind, a test may have moved it. The offset is learned
 * from blocks as they arrive: a block seen `δ` after it was mined gives `timestamp − seenAt`, which
 * is the offset less δ and less the timestamp's rounding down to a whole second, so the largest of
 * the last few samples is the best estimate (never ahead of the chain). Before any block was seen
 * arriving (a restart), the offset is taken as zero, or as far ahead as the latest block is.
 */
import type { Chain, PublicClient, Transport } from "viem";

const SAMPLES = 8;

export type ChainClock = {
  /** Feeds the latest indexed block, read at wall time `wallMs`. */
  observe: (head: { number: bigint; timestamp: bigint }, wallMs: number) => void;
  /** The chain's time at wall time `wallMs`, in milliseconds: the earliest timestamp of a block mined now. */
  nowMs: (wallMs: number) => number;
  /** The wall time (ms) at which the chain's clock reaches `chainMs`. */
  wallAt: (chainMs: number) => number;
  /** The chain's time now, in whole seconds (what `block.timestamp` would be). */
  now: () => bigint;
};

export function chainClock(): ChainClock {
  let last: { number: bigint; timestamp: bigint } | undefined;
  let samples: number[] = [];
  let initial = 0;
  const offset = () => (samples.length > 0 ? Math.max(...samples) : initial);
  return {
    observe(head, wallMs) {
      const tsMs = Number(head.timestamp) * 1000;
      if (last === undefined || head.number < last.number) {
        // First sight (or the chain went back): the block may be old, so only a lead is informative.
        samples = [];
        initial = Math.max(0, tsMs - wallMs);
      } else if (head.number > last.number) {
        samples.push(tsMs - wallMs);
        if (samples.length > SAMPLES) samples.shift();
      }
      last = head;
    },
    nowMs,
    wallAt: (chainMs) => chainMs - offset(),
    now: () => BigInt(Math.floor(nowMs(Date.now()) / 1000)),
  };
  function nowMs(wallMs: number) {
    return Math.max(last ? (Number(last.timestamp) + 1) * 1000 : 0, wallMs + offset());
  }
}

/**
 * A chain clock that follows a node by itself: it reads the latest block now and every `syncMs`
 * (a new block moves the clock as it arrives; `sync()` asks at once). `stop()` ends the timer.
 */
export function followChain(
  client: PublicClient<Transport, Chain | undefined>,
  syncMs = 15_000,
): ChainClock & { sync: () => Promise<void>; stop: () => void } {
  const clock = chainClock();
  const sync = () =>
    client.getBlock({ blockTag: "latest" }).then(
      (block) => clock.observe({ number: block.number, timestamp: block.timestamp }, Date.now()),
      () => {}, // keep what it knew
    );
  void sync();
  const timer = setInterval(() => void sync(), syncMs);
  timer.unref?.();
  return { ...clock, sync, stop: () => clearInterval(timer) };
}
