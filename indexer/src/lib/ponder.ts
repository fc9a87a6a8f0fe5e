/**
 * What this process knows about the Ponder instance it runs in: the command (`start` or `serve`),
 * the port it serves on, and its own progress as its HTTP API reports it (`/status`, `/ready`).
 *
 * Ponder keeps its runtime in `globalThis.PONDER_COMMON` (ponder/src/build/index.ts); only the
 * fields read here are typed. Progress is read through Ponder's documented endpoints on loopback
 * rather than its internal tables, so it means exactly what Ponder's own API says — except the safe
 * checkpoint (`safeBlock`), which no endpoint reports.
 */

import pg from "pg";

type PonderCommon = {
  options: { command: string; port: number; hostname?: string };
  /** The port the HTTP server actually listens on, once it does (`undefined` before). */
  metrics: { port: number | undefined };
};

const common = () => (globalThis as { PONDER_COMMON?: PonderCommon }).PONDER_COMMON;

/** Ponder's database handle (ponder/src/database/index.ts): only the driver is read here. */
type PonderDatabase = {
  driver:
    | {
        dialect: "pglite";
        instance: { listen: (channel: string, cb: (payload: string) => void) => Promise<() => Promise<void>> };
      }
    | { dialect: "postgres" };
};
/** Ponder's pre-build (ponder/src/build/pre.ts): the pool settings it connects to PostgreSQL with. */
type PonderPreBuild = { databaseConfig: { kind: "postgres"; poolConfig: pg.PoolConfig } | { kind: "pglite" } };

/**
 * Calls `onBlock` each time Ponder commits an indexed block: Ponder's trigger on `_ponder_checkpoint`
 * sends a `pg_notify` on `<schema>_live_query` for every block it indexes (ponder/src/drizzle/
 * onchain.ts), the same notice its live queries re-run on. On PostgreSQL it listens on a connection
 * of its own (Ponder's internal pool has two, one of them already holding the live queries' LISTEN:
 * taking the other starves Ponder's own setup after the backfill), opened again when it drops (every
 * 250 ms until it is back). Returns the function that stops it. Outside a Ponder process (a type
 * check) it does nothing.
 */
export function onIndexedBlock(onBlock: () => void): () => void {
  const g = globalThis as {
    PONDER_DATABASE?: PonderDatabase;
    PONDER_NAMESPACE_BUILD?: { schema: string };
    PONDER_PRE_BUILD?: PonderPreBuild;
  };
  const database = g.PONDER_DATABASE;
  const schema = g.PONDER_NAMESPACE_BUILD?.schema;
  if (!database || schema === undefined) return () => {};
  const channel = `${schema}_live_query`;
  let stopped = false;
  let stop = async () => {};
  const driver = database.driver;
  const config = g.PONDER_PRE_BUILD?.databaseConfig;
  if (driver.dialect === "pglite") {
    void driver.instance
      .listen(channel, () => onBlock())
      .then((unlisten) => {
        if (stopped) void unlisten();
        else stop = unlisten;
      });
  } else if (config?.kind === "postgres") {
    const { max: _max, ...connection } = config.poolConfig;
    const connect = async (): Promise<void> => {
      if (stopped) return;
      const client = new pg.Client({ ...connection, application_name: `${schema}_stigmergy_webhooks` });
      let retried = false;
      const again = () => {
        if (retried) return;
        retried = true;
        void client.end().catch(() => {});
        if (!stopped) setTimeout(() => void connect(), 250);
      };
      client.on("notification", (n) => n.channel === channel && onBlock());
      client.on("error", again);
      client.on("end", again);
      try {
        await client.connect();
        await client.query(`LISTEN "${channel}"`);
        stop = async () => {
          retried = true;
          await client.end().catch(() => {});
        };
        if (stopped) await stop();
      } catch {
        again();
      }
    };
    void connect();
  }
  return () => {
    stopped = true;
    void stop();
  };
}

/** `start`, `serve`, `dev` … (undefined outside a Ponder process, as in a type check). */
export const ponderCommand = (): string | undefined => common()?.options.command;

/** The port Ponder was asked to serve on (`PORT`, else `--port`, else 42069). */
export const requestedPort = (): number => common()?.options.port ?? Number(process.env.PORT ?? 42069);

/** The port Ponder's HTTP server listens on, or `undefined` before it listens. */
export const listeningPort = (): number | undefined => common()?.metrics.port;

const base = () => `http://127.0.0.1:${listeningPort() ?? requestedPort()}`;

type IndexedHead = { number: number; timestamp: number };

/** Every chain's latest indexed block (Ponder's `/status`, by chain name; a chain indexed nothing yet has none). */
export async function indexedHeads(timeoutMs = 2_000): Promise<Record<string, IndexedHead | undefined>> {
  const res = await fetch(`${base()}/status`, { signal: AbortSignal.timeout(timeoutMs) });
  const status = (await res.json()) as Record<string, { block?: IndexedHead }>;
  return Object.fromEntries(Object.entries(status).map(([name, s]) => [name, s.block]));
}

/**
 * The latest indexed block's number and timestamp on chain `name` (default: the first chain), or
 * `undefined` before anything was indexed.
 */
export async function indexedHead(name?: string, timeoutMs = 2_000): Promise<IndexedHead | undefined> {
  const heads = await indexedHeads(timeoutMs);
  return name === undefined ? Object.values(heads)[0] : heads[name];
}

/**
 * The latest indexed block's number on chain `name` (default: the first), or `undefined` before anything was indexed.
 */
export const indexedBlock = async (name?: string, timeoutMs = 2_000): Promise<number | undefined> =>
  (await indexedHead(name, timeoutMs))?.number;

/** A Ponder checkpoint's block number (checkpoint: 10 digits of timestamp, 16 of chain id, 16 of block number, …). */
const checkpointBlock = (checkpoint: string): bigint => BigInt(checkpoint.slice(26, 42));

/**
 * The block up to which chain `chainId`'s rows are safe from Ponder's crash recovery: its
 * `_ponder_checkpoint.safe_checkpoint`. On a restart Ponder reverts every table to that checkpoint
 * but leaves `latest_checkpoint` (what `/status` reports) in place until indexing goes on, so rows
 * between the two may be missing for a while and come back. `undefined` before anything is indexed,
 * or outside a Ponder process.
 */
export async function safeBlock(
  execute: (query: string) => Promise<{ rows: Record<string, unknown>[] }>,
  chainId: number,
): Promise<bigint | undefined> {
  const schema = (globalThis as { PONDER_NAMESPACE_BUILD?: { schema: string } }).PONDER_NAMESPACE_BUILD?.schema;
  if (schema === undefined) return undefined;
  const table = `"${schema.replaceAll('"', '""')}"."_ponder_checkpoint"`;
  const { rows } = await execute(`select safe_checkpoint from ${table} where chain_id = ${Number(chainId)}`);
  const checkpoint = rows[0]?.safe_checkpoint;
  return typeof checkpoint === "string" ? checkpointBlock(checkpoint) : undefined;
}

/** Whether Ponder's historical backfill is complete (its `/ready`). */
export async function backfilled(timeoutMs = 2_000): Promise<boolean> {
  const res = await fetch(`${base()}/ready`, { signal: AbortSignal.timeout(timeoutMs) });
  await res.body?.cancel();
  return res.ok;
}

/**
 * Ponder moves to the next free port when its own is taken, with only a warning in its log; clients
 * configured for the documented port would then talk to whatever holds it. This refuses that: once
 * the server listens, a port other than the requested one stops the process with exit code 2 and a
 * message naming both ports.
 */
export function refusePortMove(exit: (code: number) => never = (code) => process.exit(code)): void {
  if (!common()) return;
  const wanted = requestedPort();
  const check = setInterval(() => {
    const actual = listeningPort();
    if (actual === undefined) return;
    clearInterval(check);
    if (actual === wanted) return;
    console.error(
      `stigmergy: port ${wanted} is already in use, so Ponder started on ${actual} instead. ` +
        `Refusing to serve on a port nobody configured: stop what holds ${wanted}, or set PORT to a free port.`,
    );
    exit(2);
  }, 50);
  check.unref();
}

/**
 * patches/ponder+0.16.10.patch (applied by `npm install`'s postinstall) makes the embedded PGlite
 * answer /sql like REST and commit each block whole (upstream ponder-sh/ponder#2235). Without it,
 * @ponder/client readers get empty or half-written tables and a SIGKILL can leave rows without
 * their checkpoint, so an unpatched Ponder on PGlite is refused with exit code 2 and the remedy.
 * The patch marks the PGlite instance it routes transactions through.
 */
export function requirePatchedPonder(exit: (code: number) => never = (code) => process.exit(code)): void {
  const database = (globalThis as { PONDER_DATABASE?: PonderDatabase }).PONDER_DATABASE;
  if (database?.driver.dialect !== "pglite") return;
  if ((database.driver.instance as Record<symbol, unknown>)[Symbol.for("stigmergy.pglite.routed")] === true) return;
  console.error(
    "stigmergy: Ponder runs without patches/ponder+0.16.10.patch, so on the embedded database /sql would answer " +
      "empty or half-written tables and a hard kill could corrupt the index. " +
      "Run `npm install` (its postinstall applies the patch).",
  );
  exit(2);
}

/**
 * Under the supervisor (indexer/supervise.ts, which starts Ponder with an IPC channel): stops
 * Ponder cleanly as soon as the supervisor is gone, even killed by SIGKILL, rather than leave an
 * orphan holding the database and the port.
 */
export function exitWithSupervisor(): void {
  if (!process.send || !process.connected) return;
  process.channel?.unref();
  process.once("disconnect", () => {
    console.error("stigmergy: the indexer's supervisor is gone; stopping");
    process.kill(process.pid, "SIGTERM");
  });
}
