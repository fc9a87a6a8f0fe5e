/**
 * The indexer's public port. Ponder's own /health and /ready cannot change (they are reserved):
 * /health is 200 whenever the process runs and /ready stays 200 once the backfill is done, even
 * while the chain is unreachable or the indexer falls behind. This small front, started inside the
 * Ponder process, serves the public port with truthful versions of both and proxies every other
 * request (GraphQL, SQL, SSE live queries, REST, webhooks) to Ponder's internal port.
 *
 *   /health  200 while the process serves and the chain has not been failing for longer than
 *            STIGMERGY_RPC_GRACE_MS (default 10 s); 503 otherwise. The JSON body says why.
 *   /ready   200 when Ponder's backfill is done, the chain answered the latest probe, the indexed
 *            block is at most STIGMERGY_READY_MAX_LAG blocks (default 5) behind the chain head, and
 *            the latest indexed event's block is still on the canonical chain; 503 otherwise.
 *
 * Reorgs: Ponder repairs a reorg shallower than its finality window (30 blocks on a local chain) by
 * itself; until it has, /ready is 503 ("off the canonical chain"). A reorg deeper than the window
 * cannot be repaired in place, and Ponder would keep serving the orphaned branch while it retries.
 * So when the latest indexed event stays off the canonical chain for longer than
 * STIGMERGY_REORG_GRACE_MS (default 30 s) while the chain answers every probe, the front prints which block changed and stops the process with exit code 3:
 * re-index into a fresh database (delete `.ponder/`, or use a new DATABASE_SCHEMA on Postgres).
 */
import { createServer, request, type ServerResponse } from "node:http";
import { pipeline } from "node:stream";
import { rpcCall } from "../lib/rpc.js";

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

export function startFront(options: {
  publicPort: number;
  internalPort: number;
  rpcUrl: string;
  latestEventBlock: () => Promise<IndexedBlock | undefined>;
}): void {
  const internal = `http://127.0.0.1:${options.internalPort}`;
  const grace = Number(process.env.STIGMERGY_RPC_GRACE_MS ?? 10_000);
  const reorgGrace = Number(process.env.STIGMERGY_REORG_GRACE_MS ?? 30_000);
  const maxLag = Number(process.env.STIGMERGY_READY_MAX_LAG ?? 5);
  const seen: Observation = { ponderReady: false };

  const call = <T>(method: string, params: unknown[] = []) => rpcCall<T>(options.rpcUrl, method, params);

  /**
   * `block` (read from the index before the head was read) if the chain no longer has it: the head
   * is below it, or another block is at its height. A node that has no block at a height at or
   * below its own head (a lagging replica) proves nothing.
   */
  const offChain = async (block: IndexedBlock | undefined, head: number) => {
    if (!block) return undefined;
    if (block.number > head) return { ...block, chainHash: null };
    const onChain = await call<{ hash: string } | null>("eth_getBlockByNumber", [`0x${block.number.toString(16)}`, false]);
    return !onChain || onChain.hash === block.hash ? undefined : { ...block, chainHash: onChain.hash };
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
      const head = Number(await call<string>("eth_blockNumber"));
      const off = indexed === null ? seen.offChain : await offChain(indexed, head);
      // An outage restarts the clock: Ponder cannot repair anything while the chain is unreachable.
      const sameAsBefore = seen.offChain !== undefined && off !== undefined && seen.offChain.number === off.number && seen.failingSince === undefined;
      seen.offChain = off ? { ...off, since: sameAsBefore ? seen.offChain!.since : Date.now() } : undefined;
      seen.chainHead = head;
      seen.failingSince = undefined;
      seen.lastRpcError = undefined;
      if (seen.offChain && Date.now() - seen.offChain.since > reorgGrace) {
        const { number, hash, chainHash } = seen.offChain;
        console.error(
          `stigmergy: the index is off the canonical chain: block ${number} was ${hash} when indexed and is ${chainHash ?? "gone"} now, ` +
            `for more than ${reorgGrace / 1000} s while the chain answered. This is a reorg deeper than the finality window, which cannot be repaired in place. ` +
            "Re-index into a fresh database (delete .ponder/, or use a new DATABASE_SCHEMA on Postgres).",
        );
        process.exit(EXIT_DEEP_REORG);
      }
    } catch (error) {
      seen.failingSince ??= Date.now();
      seen.lastRpcError = (error as Error).message;
    }
    try {
      const status = await fetch(`${internal}/status`, { signal: AbortSignal.timeout(2_000) });
      seen.indexedBlock = Object.values((await status.json()) as Record<string, { block?: { number: number } }>)[0]?.block?.number;
      const ready = await fetch(`${internal}/ready`, { signal: AbortSignal.timeout(2_000) });
      await ready.body?.cancel();
      seen.ponderReady = ready.ok;
    } catch {
      seen.ponderReady = false;
    }
  };
  // Probes run when someone asks (one at a time; an answer is reused for 500 ms) and every
  // STIGMERGY_REORG_GRACE_MS/2 (two calls to the node), so that a deep reorg stops the process even
  // if nobody watches /health.
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
  setInterval(() => void fresh(), Math.max(reorgGrace / 2, 1_000)).unref();

  const report = () => {
    const now = Date.now();
    const probed = last !== undefined;
    const rpcOk = probed && (seen.failingSince === undefined || now - seen.failingSince <= grace);
    const behind = seen.chainHead !== undefined && seen.indexedBlock !== undefined ? Math.max(0, seen.chainHead - seen.indexedBlock) : undefined;
    return {
      rpcOk,
      behind,
      body: {
        chainHead: seen.chainHead ?? null,
        indexedBlock: seen.indexedBlock ?? null,
        behind: behind ?? null,
        rpc: seen.failingSince === undefined ? "ok" : `unreachable for ${Math.round((now - seen.failingSince) / 1000)} s (${seen.lastRpcError})`,
        backfilled: seen.ponderReady,
        canonical: seen.offChain ? { block: seen.offChain.number, indexedHash: seen.offChain.hash, chainHash: seen.offChain.chainHash } : true,
      },
    };
  };

  const answer = (path: string, res: ServerResponse) => {
    const { rpcOk, behind, body } = report();
    // Ready also needs the latest probe to have reached the chain: a stale head can't show a lag.
    const ok = path === "/health" ? rpcOk : rpcOk && !seen.lastRpcError && seen.ponderReady && behind !== undefined && behind <= maxLag && !seen.offChain;
    const reason = ok
      ? undefined
      : !rpcOk || seen.lastRpcError
        ? "the chain's JSON-RPC does not answer"
        : !seen.ponderReady
          ? "the backfill is not complete"
          : seen.offChain
            ? `indexed block ${seen.offChain.number} is off the canonical chain (a reorg not yet repaired)`
            : `indexing is ${behind} blocks behind the chain head`;
    res.writeHead(ok ? 200 : 503, { "content-type": "application/json", "cache-control": "no-store" });
    res.end(JSON.stringify({ status: ok ? "ok" : "unavailable", ...(reason ? { reason } : {}), ...body }));
  };

  createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    if (req.method === "GET" && (path === "/health" || path === "/ready")) {
      void fresh().then(() => answer(path, res));
      return;
    }
    const upstream = request(`${internal}${req.url}`, { method: req.method, headers: req.headers }, (reply) => {
      res.writeHead(reply.statusCode ?? 502, reply.headers);
      // Send the status and headers now: an SSE client counts its stream as open only then.
      res.flushHeaders();
      // An upstream failure mid-stream (SSE, a large answer) must cut the client off, not end cleanly.
      pipeline(reply, res, (error) => error && res.destroy(error));
    });
    upstream.on("error", (error) => {
      if (res.headersSent) return void res.destroy(error);
      res.writeHead(502, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: "bad_gateway", reason: `the indexer's API is not up yet (${error.message})` }));
    });
    req.pipe(upstream);
    res.on("close", () => upstream.destroy());
  })
    .on("error", (error) => {
      console.error(`stigmergy: cannot serve the indexer's public port ${options.publicPort}: ${error.message}`);
      process.exit(2);
    })
    .listen(options.publicPort, "0.0.0.0");
}
