/**
 * Truthful probes, served by the app's own routes beside Ponder's (DESIGN §3). Ponder's `/health`
 * answers 200 whenever the process runs and its `/ready` stays 200 once the backfill is done, even
 * while the chain is unreachable or the index falls behind; they stay as Ponder defines them.
 *
 *   GET /healthz  liveness: 200 while the chain's JSON-RPC has not been failing for longer than
 *                 STIGMERGY_RPC_GRACE_MS (default 10 s); 503 otherwise.
 *   GET /readyz   200 when Ponder's backfill is done, the chain answered the latest probe, the
 *                 indexed block is at most STIGMERGY_READY_MAX_LAG blocks (default 5) behind the
 *                 chain head, and the latest indexed event's block is still on the canonical chain;
 *                 503 otherwise. The JSON body says which condition failed.
 *
 * Reorgs: Ponder repairs a reorg shallower than its finality window (30 blocks on a local chain) by
 * itself; until it has, /readyz is 503 ("off the canonical chain"). A reorg deeper than the window
 * cannot be repaired in place, and Ponder would keep serving the orphaned branch while it retries.
 * So when the latest indexed event stays off the canonical chain for longer than
 * STIGMERGY_REORG_GRACE_MS (default 30 s) while the chain answers every probe, the process prints
 * which block changed and exits with code 3 (EXIT_DEEP_REORG): on the embedded database the
 * indexer's supervisor (indexer/supervise.ts) then rebuilds the index from the chain; on PostgreSQL,
 * re-index into a new schema.
 */
import { Hono } from "hono";
import { chainClient, hashAt, headNumber } from "../lib/chain.js";
import { backfilled, indexedBlock } from "../lib/ponder.js";

/** The block of an indexed event, as the index recorded it. */
export type IndexedBlock = { number: number; hash: string };

/** Exit code of an indexer stopped by a reorg deeper than its finality window. */
export const EXIT_DEEP_REORG = 3;

type Observation = {
  chainHead?: number;
  /** An indexed event's block whose hash the chain no longer has, and since when. */
  offChain?: IndexedBlock & { chainHash: string | null; since: number };
  indexedBlock?: number;
  /** Since when the chain has failed every probe (unset while the latest probe reached it). */
  failingSince?: number;
  lastRpcError?: string;
  ponderReady: boolean;
};

export type ProbeOptions = {
  rpcUrl: string;
  /** The latest indexed event's block (`undefined` when nothing is indexed yet). */
  latestEventBlock: () => Promise<IndexedBlock | undefined>;
  /** Watch for deep reorgs in the background (the indexing process); a read replica only answers. */
  watchReorgs: boolean;
};

export function probes(options: ProbeOptions): Hono {
  const grace = Number(process.env.STIGMERGY_RPC_GRACE_MS ?? 10_000);
  const reorgGrace = Number(process.env.STIGMERGY_REORG_GRACE_MS ?? 30_000);
  const maxLag = Number(process.env.STIGMERGY_READY_MAX_LAG ?? 5);
  const seen: Observation = { ponderReady: false };

  const chain = chainClient(options.rpcUrl);

  /**
   * `block` (read from the index before the head was read) if the chain no longer has it: the head
   * is below it, or another block is at its height. A node that has no block at a height at or
   * below its own head (a lagging replica) proves nothing.
   */
  const offChain = async (block: IndexedBlock | undefined, head: number) => {
    if (!block) return undefined;
    if (block.number > head) return { ...block, chainHash: null };
    const onChain = await hashAt(chain, block.number);
    return !onChain || onChain === block.hash ? undefined : { ...block, chainHash: onChain };
  };

  /** One look at the chain head, at Ponder's progress and at whether the index is on the chain. */
  const observe = async () => {
    let indexed: IndexedBlock | undefined | null = null; // null: the index could not be read
    try {
      indexed = await options.latestEventBlock();
    } catch {
      // the database is busy or restarting: check the chain only
    }
    try {
      const head = await headNumber(chain);
      const off = indexed === null ? seen.offChain : await offChain(indexed, head);
      // An outage restarts the clock: Ponder cannot repair anything while the chain is unreachable.
      const sameAsBefore =
        seen.offChain !== undefined && off !== undefined && seen.offChain.number === off.number && seen.failingSince === undefined;
      seen.offChain = off ? { ...off, since: sameAsBefore ? seen.offChain!.since : Date.now() } : undefined;
      seen.chainHead = head;
      seen.failingSince = undefined;
      seen.lastRpcError = undefined;
      if (options.watchReorgs && seen.offChain && Date.now() - seen.offChain.since > reorgGrace) {
        const { number, hash, chainHash } = seen.offChain;
        console.error(
          `stigmergy: the index is off the canonical chain: block ${number} was ${hash} when indexed and is ${chainHash ?? "gone"} now, ` +
            `for more than ${reorgGrace / 1000} s while the chain answered. This is a reorg deeper than the finality window, ` +
            "which cannot be repaired in place. On the embedded database the indexer rebuilds its index from the chain by itself; " +
            "on PostgreSQL, re-index into a new schema (STIGMERGY_DB_SCHEMA).",
        );
        process.exit(EXIT_DEEP_REORG);
      }
    } catch (error) {
      seen.failingSince ??= Date.now();
      seen.lastRpcError = (error as Error).message;
    }
    try {
      seen.indexedBlock = await indexedBlock();
      seen.ponderReady = await backfilled();
    } catch {
      seen.ponderReady = false;
    }
  };

  // Probes run when someone asks (one at a time; an answer is reused for 500 ms) and, in the
  // indexing process, every STIGMERGY_REORG_GRACE_MS/2 (two calls to the node), so that a deep
  // reorg stops the process even if nobody watches /readyz.
  let last: Promise<void> | undefined;
  let inFlight: Promise<void> | undefined;
  let lastAt = 0;
  const fresh = () => {
    if (inFlight) return inFlight;
    if (last && Date.now() - lastAt <= 500) return last;
    lastAt = Date.now();
    inFlight = last = observe().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  };
  if (options.watchReorgs) setInterval(() => void fresh(), Math.max(reorgGrace / 2, 1_000)).unref();

  const report = () => {
    const now = Date.now();
    const rpcOk = last !== undefined && (seen.failingSince === undefined || now - seen.failingSince <= grace);
    const behind =
      seen.chainHead !== undefined && seen.indexedBlock !== undefined ? Math.max(0, seen.chainHead - seen.indexedBlock) : undefined;
    const ready = rpcOk && !seen.lastRpcError && seen.ponderReady && behind !== undefined && behind <= maxLag && !seen.offChain;
    const notReady = ready
      ? undefined
      : !rpcOk || seen.lastRpcError
        ? "the chain's JSON-RPC does not answer"
        : !seen.ponderReady
          ? "the backfill is not complete"
          : seen.offChain
            ? `indexed block ${seen.offChain.number} is off the canonical chain (a reorg not yet repaired)`
            : behind === undefined
              ? "nothing is indexed yet"
              : `indexing is ${behind} blocks behind the chain head (at most ${maxLag} allowed)`;
    const body = {
      chainHead: seen.chainHead ?? null,
      indexedBlock: seen.indexedBlock ?? null,
      behind: behind ?? null,
      rpc: seen.failingSince === undefined ? "ok" : `unreachable for ${Math.round((now - seen.failingSince) / 1000)} s (${seen.lastRpcError})`,
      backfilled: seen.ponderReady,
      canonical: seen.offChain
        ? { block: seen.offChain.number, indexedHash: seen.offChain.hash, chainHash: seen.offChain.chainHash }
        : true,
    };
    return { rpcOk, ready, notReady, body };
  };

  const noStore = { "cache-control": "no-store" };
  return new Hono()
    .get("/healthz", async (c) => {
      await fresh();
      const { rpcOk, body } = report();
      return rpcOk
        ? c.json({ status: "ok", ...body }, 200, noStore)
        : c.json({ status: "unavailable", reason: "the chain's JSON-RPC does not answer", ...body }, 503, noStore);
    })
    .get("/readyz", async (c) => {
      await fresh();
      const { ready, notReady, body } = report();
      return ready
        ? c.json({ status: "ok", ...body }, 200, noStore)
        : c.json({ status: "unavailable", reason: notReady, ...body }, 503, noStore);
    });
}
