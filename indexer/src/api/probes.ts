/**
 * Truthful probes, served by the app's own routes beside Ponder's (DESIGN §3). Ponder's `/health`
 * answers 200 whenever the process runs and its `/ready` stays 200 once the backfill is done, even
 * while the chain is unreachable or the index falls behind; they stay as Ponder defines them.
 *
 * Every indexed chain is probed on its own (Ponder's multichain ordering indexes each at its own
 * pace: a chain whose node is down holds the others back in nothing). With one chain the body is
 * that chain's, as below. With several, it also has `chains` (each chain's body, by name); /readyz
 * is 200 when every chain is ready, /readyz?chain=<id> when that chain is, and /healthz is 503
 * only when every chain's JSON-RPC has failed beyond the grace period (one dead node is not a
 * reason to restart an indexer that serves the other chains).
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
import { chainFilter } from "./params.js";

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

/** One chain the probes watch. */
export type ProbedChain = {
  id: number;
  name: string;
  rpcUrl: string;
  /** The latest indexed event's block on this chain (`undefined` when nothing is indexed yet). */
  latestEventBlock: () => Promise<IndexedBlock | undefined>;
};

export type ProbeOptions = {
  chains: ProbedChain[];
  /** Watch for deep reorgs in the background (the indexing process); a read replica only answers. */
  watchReorgs: boolean;
};

type Settings = { grace: number; reorgGrace: number; maxLag: number; watchReorgs: boolean; several: boolean };

/** The probe of one chain: `observe` looks (chain head, Ponder's progress, canonical check), `report` judges. */
function chainProbe(options: ProbedChain, settings: Settings) {
  const { grace, reorgGrace, maxLag } = settings;
  const seen: Observation = { ponderReady: false };
  const chain = chainClient(options.rpcUrl);
  let observed = false;

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
        seen.offChain !== undefined &&
        off !== undefined &&
        seen.offChain.number === off.number &&
        seen.failingSince === undefined;
      seen.offChain = off ? { ...off, since: sameAsBefore ? seen.offChain!.since : Date.now() } : undefined;
      seen.chainHead = head;
      seen.failingSince = undefined;
      seen.lastRpcError = undefined;
      if (settings.watchReorgs && seen.offChain && Date.now() - seen.offChain.since > reorgGrace) {
        const { number, hash, chainHash } = seen.offChain;
        const where = settings.several ? ` ${options.id} (${options.name})` : "";
        console.error(
          `stigmergy: the index is off the canonical chain${where}: ` +
            `block ${number} was ${hash} when indexed and is ${chainHash ?? "gone"} now, ` +
            `for more than ${reorgGrace / 1000} s while the chain answered. ` +
            "This is a reorg deeper than the finality window, which cannot be repaired in place. " +
            "On the embedded database the indexer rebuilds its index from the chain by itself; " +
            "on PostgreSQL, re-index into a new schema (STIGMERGY_DB_SCHEMA).",
        );
        process.exit(EXIT_DEEP_REORG);
      }
    } catch (error) {
      seen.failingSince ??= Date.now();
      seen.lastRpcError = (error as Error).message;
    }
    try {
      seen.indexedBlock = await indexedBlock(options.name);
      seen.ponderReady = await backfilled();
    } catch {
      seen.ponderReady = false;
    }
    observed = true;
  };

  const report = () => {
    const now = Date.now();
    const rpcOk = observed && (seen.failingSince === undefined || now - seen.failingSince <= grace);
    const behind =
      seen.chainHead !== undefined && seen.indexedBlock !== undefined
        ? Math.max(0, seen.chainHead - seen.indexedBlock)
        : undefined;
    const ready =
      rpcOk && !seen.lastRpcError && seen.ponderReady && behind !== undefined && behind <= maxLag && !seen.offChain;
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
      rpc:
        seen.failingSince === undefined
          ? "ok"
          : `unreachable for ${Math.round((now - seen.failingSince) / 1000)} s (${seen.lastRpcError})`,
      backfilled: seen.ponderReady,
      canonical: seen.offChain
        ? { block: seen.offChain.number, indexedHash: seen.offChain.hash, chainHash: seen.offChain.chainHash }
        : true,
    };
    return { rpcOk, ready, notReady, body };
  };
  return { chain: options, observe, report };
}

export function probes(options: ProbeOptions): Hono {
  const settings = {
    grace: Number(process.env.STIGMERGY_RPC_GRACE_MS ?? 10_000),
    reorgGrace: Number(process.env.STIGMERGY_REORG_GRACE_MS ?? 30_000),
    maxLag: Number(process.env.STIGMERGY_READY_MAX_LAG ?? 5),
    watchReorgs: options.watchReorgs,
    several: options.chains.length > 1,
  };
  const chains = options.chains.map((chain) => chainProbe(chain, settings));

  // Probes run when someone asks (one at a time; an answer is reused for 500 ms) and, in the
  // indexing process, every STIGMERGY_REORG_GRACE_MS/2 (two calls to each node), so that a deep
  // reorg stops the process even if nobody watches /readyz.
  let last: Promise<void> | undefined;
  let inFlight: Promise<void> | undefined;
  let lastAt = 0;
  const fresh = () => {
    if (inFlight) return inFlight;
    if (last && Date.now() - lastAt <= 500) return last;
    lastAt = Date.now();
    inFlight = last = Promise.all(chains.map((c) => c.observe()))
      .then(() => {})
      .finally(() => {
        inFlight = undefined;
      });
    return inFlight;
  };
  if (options.watchReorgs) setInterval(() => void fresh(), Math.max(settings.reorgGrace / 2, 1_000)).unref();

  /** The probes' verdict over `probed` (all chains, or the one `?chain=` names). */
  const report = (probed: typeof chains) => {
    const reports = probed.map((p) => ({ chain: p.chain, ...p.report() }));
    const failing = reports.find((r) => !r.ready);
    const named = (r: (typeof reports)[number], reason: string | undefined) =>
      settings.several ? `chain ${r.chain.id} (${r.chain.name}): ${reason}` : reason;
    const body = {
      ...reports[0]!.body,
      ...(settings.several
        ? {
            chains: Object.fromEntries(
              reports.map((r) => [
                r.chain.name,
                {
                  id: r.chain.id,
                  status: r.ready ? "ok" : "unavailable",
                  ...(r.ready ? {} : { reason: r.notReady }),
                  ...r.body,
                },
              ]),
            ),
          }
        : {}),
    };
    const dead = reports.filter((r) => !r.rpcOk);
    return {
      // Alive while some chain's JSON-RPC answers (or the one chain's does).
      rpcOk: dead.length < reports.length,
      healthReason: dead.map((r) => named(r, "the chain's JSON-RPC does not answer")).join("; "),
      ready: failing === undefined,
      notReady: reports
        .filter((r) => !r.ready)
        .map((r) => named(r, r.notReady))
        .join("; "),
      body,
    };
  };

  const selected = (value: string | undefined) => {
    const chain = chainFilter(value, options.chains);
    return chain ? chains.filter((c) => c.chain.id === chain.id) : chains;
  };

  const noStore = { "cache-control": "no-store" };
  return new Hono()
    .get("/healthz", async (c) => {
      const probed = selected(c.req.query("chain"));
      await fresh();
      const { rpcOk, healthReason, body } = report(probed);
      return rpcOk
        ? c.json({ status: "ok", ...body }, 200, noStore)
        : c.json({ status: "unavailable", reason: healthReason, ...body }, 503, noStore);
    })
    .get("/readyz", async (c) => {
      const probed = selected(c.req.query("chain"));
      await fresh();
      const { ready, notReady, body } = report(probed);
      return ready
        ? c.json({ status: "ok", ...body }, 200, noStore)
        : c.json({ status: "unavailable", reason: notReady, ...body }, 503, noStore);
    });
}
