/**
 * Durable webhook state, outside Ponder's on-chain tables: what the chain cannot rebuild
 * (subscriptions and their secrets) and the dispatcher's memory (the outbox of deliveries, the
 * events seen in the unfinalized window, the schedule rounds notified, its cursors, its chain).
 *
 * - Default: SQLite in WAL mode (`node:sqlite`, built into Node 22), in the file
 *   `<STIGMERGY_WEBHOOK_DIR>/webhooks.sqlite`. No server. Every change is one SQLite transaction:
 *   a process killed at any instant (SIGKILL included) leaves the file as of its last commit, and
 *   the next open replays the write-ahead log. Subscriptions are also checkpointed into the main
 *   file when written, so they survive an operating-system crash or power loss as well; the rest
 *   may then lose its last moments, which the dispatcher re-derives from the chain (delivery ids
 *   are stable, so a receiver recognises a repeat).
 * - With DATABASE_URL: the same PostgreSQL as the index, schema `<S>_webhooks`, where S is the views
 *   schema of a writer that keeps one (`ponder start --views-schema S`: the schema its `ponder serve`
 *   readers serve, so writer and readers share one store, and a re-index into a new live schema keeps
 *   the subscriptions), else STIGMERGY_DB_SCHEMA.
 *
 * A store left by an earlier version in an embedded PGlite directory (the same STIGMERGY_WEBHOOK_DIR)
 * is copied into SQLite once, with one log line.
 *
 * Subscriptions belong to no chain; everything else belongs to one, as an indexer may follow
 * several: each outbox row, remembered event and notified round carries its `chain_id`, cursors are
 * named `<chainId>/<name>`, and each chain has its own genesis binding (`chain`, keyed by chain id).
 * Each chain's dispatcher works through its own view of the store, {@link ChainOutbox}. A store of
 * the one-chain layout is converted on open (see migrate).
 */
import { existsSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";

export type Subscription = { id: string; url: string; secret: string; filter: unknown; createdAt: string };
export type Delivery = {
  id: string;
  subscriptionId: string;
  url: string;
  secret: string;
  payload: string;
  attempts: number;
};
/**
 * An event on one history of the chain: Ponder's event id (its position in the chain) and the hash
 * of the block that holds it. A different block at the same position is a different event.
 */
export type EventRef = { eventId: string; blockHash: string };
/** What binding a chain's part of the store to a genesis changed (see ChainOutbox.bind). */
export type ChainChange = { changed: boolean; dropped: number; previous?: { chainId: string; genesisHash: string } };
/** An event remembered in the unfinalized window: its block, how often a reorg removed it, whether it is there now. */
export type Seen = EventRef & { blockNumber: bigint; removals: number; present: boolean };

type Row = Record<string, unknown>;
/** One statement with `$1`-style parameters. */
type Query = <T extends Row>(text: string, params?: unknown[]) => Promise<T[]>;
type Backend = {
  kind: "sqlite" | "postgres";
  /** Where the state lives, for log lines. */
  where: string;
  query: Query;
  /** Runs `fn` as one transaction: all of it commits, or none. */
  transaction: <T>(fn: (q: Query) => Promise<T>) => Promise<T>;
  /** Makes everything committed so far durable against an operating-system crash. */
  durable: () => Promise<void>;
  close: () => Promise<void>;
  /**
   * Runs the store's set-up (its tables, their migration) with no other process setting up the same
   * store at once: a cluster's writer and readers open one PostgreSQL store together, and concurrent
   * `CREATE … IF NOT EXISTS` or `ALTER TABLE` of the same objects can fail in all but one of them.
   */
  settingUp: <T>(fn: () => Promise<T>) => Promise<T>;
};

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** The directory of the default store: STIGMERGY_WEBHOOK_DIR, else beside the PGlite index. */
export const webhookDir = () =>
  process.env.STIGMERGY_WEBHOOK_DIR ??
  join(
    process.env.STIGMERGY_PGLITE_DIR ? dirname(process.env.STIGMERGY_PGLITE_DIR) : join(root, ".stigmergy"),
    "webhooks",
  );

/**
 * node:sqlite, without the one-line "experimental" warning Node prints when it is first loaded.
 * Loaded with process.getBuiltinModule: Ponder's module runner (vite-node) cannot resolve it.
 */
function loadSqlite(): typeof import("node:sqlite") {
  const emit = process.emitWarning;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    if (String(warning).includes("SQLite is an experimental feature")) return;
    return (emit as (...args: unknown[]) => void).call(process, warning, ...rest);
  }) as typeof process.emitWarning;
  try {
    return process.getBuiltinModule("node:sqlite");
  } finally {
    process.emitWarning = emit;
  }
}

async function openSqlite(dir: string): Promise<Backend> {
  const { DatabaseSync } = loadSqlite();
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "webhooks.sqlite");
  const db = new DatabaseSync(file);
  db.exec(
    "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = OFF;",
  );
  // `$1` → `?1`: SQLite's numbered parameters.
  const run = (text: string, params: unknown[] = []) =>
    db.prepare(text.replace(/\$(\d+)/g, "?$1")).all(...(params as (string | number | null)[])) as Row[];
  // One connection: statements of concurrent callers must not land inside another's transaction.
  let queue: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(fn: () => Promise<T> | T): Promise<T> => {
    const next = queue.then(fn, fn);
    queue = next.catch(() => undefined);
    return next;
  };
  const direct: Query = async (text, params) => run(text, params) as never;
  return {
    kind: "sqlite",
    where: file,
    // One process owns a SQLite store (PGlite runs no readers), so set-up needs no lock.
    settingUp: (fn) => fn(),
    query: (text, params) => exclusive(() => run(text, params) as never),
    transaction: (fn) =>
      exclusive(async () => {
        db.exec("BEGIN IMMEDIATE");
        try {
          const result = await fn(direct);
          db.exec("COMMIT");
          return result;
        } catch (error) {
          db.exec("ROLLBACK");
          throw error;
        }
      }),
    durable: () => exclusive(() => void db.exec("PRAGMA wal_checkpoint(FULL)")),
    close: () => exclusive(() => db.close()),
  };
}

async function openPostgres(url: string, schema: string): Promise<Backend> {
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  /** One session holds a lock named after the schema while the store is set up (see Backend.settingUp). */
  const settingUp = async <T>(fn: () => Promise<T>): Promise<T> => {
    const holder = await pool.connect();
    try {
      await holder.query("SELECT pg_advisory_lock(hashtext($1))", [`stigmergy webhooks ${schema}`]);
      return await fn();
    } finally {
      await holder
        .query("SELECT pg_advisory_unlock(hashtext($1))", [`stigmergy webhooks ${schema}`])
        .catch(() => undefined);
      holder.release();
    }
  };
  await settingUp(() => pool.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`));
  return {
    kind: "postgres",
    settingUp,
    where: `PostgreSQL schema "${schema}"`,
    query: async (text, params) => (await pool.query(text, params)).rows,
    transaction: async (fn) => {
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        const result = await fn(async (text, params) => (await client.query(text, params)).rows);
        await client.query("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    durable: async () => {},
    close: () => pool.end(),
  };
}

/**
 * The tables, in each dialect. An outbox row of an event names it by `event_id` and `block_hash`;
 * `seen_event` is an event of the unfinalized window, how often a reorg took it away, whether it is
 * on the chain now. (Earlier versions joined the two into one `event_id` string: see migrate.)
 * `chain_id` is the chain a row belongs to; 0 marks a row of a one-chain store that was never bound
 * to a chain, which the first chain bound takes over. `seen_event` keeps its key: Ponder's event id
 * begins with the chain's block time and id (its checkpoint), so it names one chain's event already.
 */
function ddl(kind: Backend["kind"], s: string): string[] {
  const common = [
    `CREATE TABLE IF NOT EXISTS ${s}outbox (id text PRIMARY KEY, chain_id integer NOT NULL DEFAULT 0,
       subscription_id text NOT NULL, kind text NOT NULL, event_id text, block_hash text, payload text NOT NULL,
       status text NOT NULL DEFAULT 'pending', attempts integer NOT NULL DEFAULT 0, next_attempt_at bigint NOT NULL,
       last_error text, created_at bigint NOT NULL, delivered_at bigint)`,
    `CREATE INDEX IF NOT EXISTS outbox_due ON ${s}outbox (status, next_attempt_at)`,
    `CREATE INDEX IF NOT EXISTS outbox_event ON ${s}outbox (event_id)`,
    `CREATE TABLE IF NOT EXISTS ${s}due (chain_id integer NOT NULL DEFAULT 0, schedule_id text NOT NULL,
       round integer NOT NULL, PRIMARY KEY (chain_id, schedule_id, round))`,
    `CREATE TABLE IF NOT EXISTS ${s}cursor (key text PRIMARY KEY, value bigint NOT NULL)`,
    `CREATE TABLE IF NOT EXISTS ${s}chain (key text PRIMARY KEY, chain_id text NOT NULL, genesis_hash text NOT NULL)`,
  ];
  if (kind === "postgres") {
    return [
      `CREATE TABLE IF NOT EXISTS ${s}subscription (id text PRIMARY KEY, url text NOT NULL, secret text NOT NULL, ` +
        `filter jsonb NOT NULL,
         created_at timestamptz NOT NULL DEFAULT now(), deleted boolean NOT NULL DEFAULT false)`,
      `CREATE TABLE IF NOT EXISTS ${s}seen_event (chain_id integer NOT NULL DEFAULT 0, event_id text NOT NULL,
         block_hash text NOT NULL, block_number bigint NOT NULL, removals integer NOT NULL DEFAULT 0,
         present boolean NOT NULL DEFAULT true, PRIMARY KEY (event_id, block_hash))`,
      ...common,
      `ALTER TABLE ${s}outbox ADD COLUMN IF NOT EXISTS block_hash text`,
    ];
  }
  return [
    `CREATE TABLE IF NOT EXISTS subscription (id TEXT PRIMARY KEY, url TEXT NOT NULL, secret TEXT NOT NULL, ` +
      `filter TEXT NOT NULL,
       created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')), deleted INTEGER NOT NULL DEFAULT 0)`,
    `CREATE TABLE IF NOT EXISTS seen_event (chain_id INTEGER NOT NULL DEFAULT 0, event_id TEXT NOT NULL,
       block_hash TEXT NOT NULL, block_number INTEGER NOT NULL, removals INTEGER NOT NULL DEFAULT 0, ` +
      `present INTEGER NOT NULL DEFAULT 1,
       PRIMARY KEY (event_id, block_hash))`,
    ...common,
  ];
}

/** Splits an earlier version's joined `<event id>:<block hash>` (keys without a hash are dropped: they aged out). */
const splitJoined = (joined: string): EventRef | undefined => {
  const at = joined.lastIndexOf(":");
  return at < 0 ? undefined : { eventId: joined.slice(0, at), blockHash: joined.slice(at + 1) };
};

/** The columns `table` has (in the store's schema). */
async function columnsOf(db: Backend, s: string, table: string): Promise<Set<string>> {
  const rows =
    db.kind === "sqlite"
      ? await db.query<{ name: string }>(`PRAGMA table_info(${table})`)
      : await db.query<{ name: string }>(
          `SELECT column_name AS name FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2`,
          [s.slice(1, -2), table],
        );
  return new Set(rows.map((r) => r.name));
}

/**
 * Brings a store of an earlier version to this layout, once:
 * - the outbox's joined event ids split into `event_id` and `block_hash` (SQLite gains the column
 *   here), and the old `seen` table (keyed by the joined string) moved into `seen_event`;
 * - a one-chain store keyed by chain: `chain_id` on the outbox and `seen_event`, `due` rebuilt with
 *   the chain in its key (schedule ids repeat across chains), and, when it was bound to a chain
 *   (its `current` binding), every row and cursor given that chain and the binding keyed by its id.
 *   A store never bound keeps chain 0 until the first chain binds (ChainOutbox.bind).
 */
async function migrate(db: Backend, s: string): Promise<void> {
  for (const table of ["outbox", "seen_event"]) {
    const columns = await columnsOf(db, s, table);
    if (table === "outbox" && !columns.has("block_hash")) {
      await db.query(`ALTER TABLE ${s}outbox ADD COLUMN block_hash text`);
    }
    if (!columns.has("chain_id")) {
      await db.query(`ALTER TABLE ${s}${table} ADD COLUMN chain_id integer NOT NULL DEFAULT 0`);
    }
  }
  if (!(await columnsOf(db, s, "due")).has("chain_id")) {
    // Built beside the old table and renamed into place (PostgreSQL names the key's index after the table).
    await db.transaction(async (q) => {
      await q(`CREATE TABLE ${s}due_by_chain (chain_id integer NOT NULL DEFAULT 0, schedule_id text NOT NULL,
        round integer NOT NULL, PRIMARY KEY (chain_id, schedule_id, round))`);
      await q(`INSERT INTO ${s}due_by_chain (chain_id, schedule_id, round) SELECT 0, schedule_id, round FROM ${s}due`);
      await q(`DROP TABLE ${s}due`);
      await q(`ALTER TABLE ${s}due_by_chain RENAME TO due`);
    });
  }
  const legacySeen =
    db.kind === "sqlite"
      ? await db.query(`SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'seen'`)
      : await db.query(
          `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_name = 'seen'`,
          [s.slice(1, -2)],
        );
  const joined = await db.query<{ id: string; event_id: string }>(
    `SELECT id, event_id FROM ${s}outbox WHERE block_hash IS NULL AND event_id IS NOT NULL`,
  );
  if (legacySeen.length > 0 || joined.length > 0) {
    await db.transaction(async (q) => {
      for (const row of joined) {
        const ref = splitJoined(row.event_id);
        await q(`UPDATE ${s}outbox SET event_id = $2, block_hash = $3 WHERE id = $1`, [
          row.id,
          ref?.eventId ?? row.event_id,
          ref?.blockHash ?? "",
        ]);
      }
      if (legacySeen.length === 0) return;
      type Legacy = { event_id: string; block_number: string | number; removals: number; present: boolean | number };
      const old = await q<Legacy>(`SELECT event_id, block_number, removals, present FROM ${s}seen`);
      for (const row of old) {
        const ref = splitJoined(row.event_id);
        if (!ref) continue;
        await q(
          `INSERT INTO ${s}seen_event (event_id, block_hash, block_number, removals, present) ` +
            `VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT DO NOTHING`,
          [
            ref.eventId,
            ref.blockHash,
            String(row.block_number),
            Number(row.removals),
            db.kind === "sqlite" ? Number(row.present) : Boolean(row.present),
          ],
        );
      }
      await q(`DROP TABLE ${s}seen`);
    });
  }
  const [bound] = await db.query<{ chain_id: string }>(`SELECT chain_id FROM ${s}chain WHERE key = 'current'`);
  if (bound) await db.transaction((q) => adopt(q, s, Number(bound.chain_id), true));
  await db.query(`CREATE INDEX IF NOT EXISTS outbox_chain_due ON ${s}outbox (chain_id, status, next_attempt_at)`);
  await db.query(`CREATE INDEX IF NOT EXISTS seen_event_chain ON ${s}seen_event (chain_id, block_number)`);
}

/**
 * Gives chain `chainId` what belongs to no chain yet (chain 0): outbox rows, remembered events,
 * notified rounds, and the cursors not yet named by chain. With `rekey`, also the one-chain
 * binding (`current`), which then becomes the chain's own.
 */
async function adopt(q: Query, s: string, chainId: number, rekey: boolean): Promise<void> {
  for (const table of ["outbox", "seen_event", "due"]) {
    await q(`UPDATE ${s}${table} SET chain_id = $1 WHERE chain_id = 0`, [chainId]);
  }
  await q(
    `UPDATE ${s}cursor SET key = CAST($1 AS text) || '/' || key WHERE key <> 'imported-pglite' AND key NOT LIKE '%/%'`,
    [String(chainId)],
  );
  if (rekey) await q(`UPDATE ${s}chain SET key = CAST($1 AS text) WHERE key = 'current'`, [String(chainId)]);
}

/** The tables an earlier PGlite store held (its `seen` is carried over by migrate). */
const TABLES = ["subscription", "outbox", "seen", "due", "cursor", "chain"] as const;

/**
 * The schema the PostgreSQL store is named after: a writer's views schema (`--views-schema S` or
 * `--views-schema=S` among its arguments), which its readers serve as their schema, else
 * STIGMERGY_DB_SCHEMA (default `public`).
 */
export function storeSchemaBase(argv: readonly string[] = process.argv, env: NodeJS.ProcessEnv = process.env): string {
  for (const [i, arg] of argv.entries()) {
    if (arg === "--views-schema" && argv[i + 1]) return argv[i + 1]!;
    if (arg.startsWith("--views-schema=")) return arg.slice("--views-schema=".length);
  }
  return env.STIGMERGY_DB_SCHEMA ?? "public";
}

/**
 * Copies a store an earlier version kept in PGlite (in the same directory) into SQLite, once.
 * Returns what it copied, or `undefined` when there was nothing to copy.
 */
async function importPglite(dir: string, db: Backend): Promise<{ subscriptions: number; pending: number } | undefined> {
  if (!existsSync(join(dir, "PG_VERSION"))) return undefined;
  const [done] = await db.query(`SELECT value FROM cursor WHERE key = 'imported-pglite'`);
  if (done) return undefined;
  const { PGlite } = await import("@electric-sql/pglite");
  const old = new PGlite(dir);
  try {
    await old.waitReady;
    const copied = { subscriptions: 0, pending: 0 };
    await db.transaction(async (q) => {
      for (const table of TABLES) {
        const exists = await old.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public' AND table_name = $1`,
          [table],
        );
        if (exists.rows[0]!.n === 0) continue;
        const { rows, fields } = await old.query<Row>(`SELECT * FROM public.${table}`);
        const columns = fields.map((f) => f.name);
        // Its `seen` has the layout of that version: copied as it is, then moved into seen_event by migrate.
        if (table === "seen") {
          await q(`CREATE TABLE IF NOT EXISTS seen (event_id TEXT PRIMARY KEY, block_number INTEGER NOT NULL,
            removals INTEGER NOT NULL DEFAULT 0, present INTEGER NOT NULL DEFAULT 1)`);
        }
        for (const row of rows) {
          const values = columns.map((c) => {
            const v = row[c];
            if (v instanceof Date) return v.toISOString();
            if (typeof v === "boolean") return v ? 1 : 0;
            if (typeof v === "bigint") return v.toString();
            if (v !== null && typeof v === "object") return JSON.stringify(v);
            return v;
          });
          await q(
            `INSERT OR IGNORE INTO ${table} (${columns.join(", ")}) ` +
              `VALUES (${columns.map((_, i) => `$${i + 1}`).join(", ")})`,
            values,
          );
          if (table === "subscription" && !row.deleted) copied.subscriptions++;
          if (table === "outbox" && row.status === "pending") copied.pending++;
        }
      }
      await q(`INSERT INTO cursor (key, value) VALUES ('imported-pglite', $1)`, [Date.now()]);
    });
    await db.durable();
    return copied;
  } finally {
    await old.close();
  }
}

export class WebhookStore {
  private constructor(
    private readonly db: Backend,
    private readonly s: string,
  ) {}

  /** Where the state lives (a file, or a PostgreSQL schema). */
  get where(): string {
    return this.db.where;
  }

  static async open(log: (line: string) => void = (line) => console.log(line)): Promise<WebhookStore> {
    let db: Backend;
    let s = "";
    if (process.env.DATABASE_URL) {
      const schema = `${storeSchemaBase()}_webhooks`.replace(/[^a-zA-Z0-9_]/g, "_");
      db = await openPostgres(process.env.DATABASE_URL, schema);
      s = `"${schema}".`;
    } else {
      db = await openSqlite(webhookDir());
    }
    await db.settingUp(async () => {
      for (const statement of ddl(db.kind, s)) await db.query(statement);
      if (db.kind === "sqlite") {
        try {
          const copied = await importPglite(webhookDir(), db);
          if (copied) {
            log(
              `webhooks: copied ${copied.subscriptions} subscriptions and ${copied.pending} pending deliveries ` +
                `from the earlier PGlite store in ${webhookDir()} ` +
                `to ${db.where}; the PGlite files there are no longer used`,
            );
          }
        } catch (error) {
          log(
            `webhooks: could not read the earlier PGlite store in ${webhookDir()} (${(error as Error).message}); ` +
              `starting from ${db.where}`,
          );
        }
      }
      await migrate(db, s);
    });
    return new WebhookStore(db, s);
  }

  close(): Promise<void> {
    return this.db.close();
  }

  async addSubscription(sub: { id: string; url: string; secret: string; filter: unknown }): Promise<void> {
    await this.db.query(`INSERT INTO ${this.s}subscription (id, url, secret, filter) VALUES ($1, $2, $3, $4)`, [
      sub.id,
      sub.url,
      sub.secret,
      JSON.stringify(sub.filter),
    ]);
    await this.db.durable();
  }

  async subscriptions(): Promise<Subscription[]> {
    const rows = await this.db.query<{
      id: string;
      url: string;
      secret: string;
      filter: unknown;
      created_at: Date | string;
    }>(
      `SELECT id, url, secret, filter, created_at FROM ${this.s}subscription WHERE NOT deleted ORDER BY created_at, id`,
    );
    return rows.map((r) => ({
      id: r.id,
      url: r.url,
      secret: r.secret,
      filter: typeof r.filter === "string" ? JSON.parse(r.filter) : r.filter,
      createdAt: new Date(r.created_at).toISOString(),
    }));
  }

  /** Soft delete: pending deliveries of a deleted subscription are dropped. Returns false if unknown. */
  async deleteSubscription(id: string): Promise<boolean> {
    const deleted = await this.db.transaction(async (q) => {
      const rows = await q<{ id: string }>(
        `UPDATE ${this.s}subscription SET deleted = true WHERE id = $1 AND NOT deleted RETURNING id`,
        [id],
      );
      if (rows.length === 0) return false;
      await q(`UPDATE ${this.s}outbox SET status = 'dropped' WHERE subscription_id = $1 AND status = 'pending'`, [id]);
      return true;
    });
    if (deleted) await this.db.durable();
    return deleted;
  }

  /** Marks a delivery done. */
  async delivered(id: string, now: number): Promise<void> {
    await this.db.query(
      `UPDATE ${this.s}outbox SET status = 'delivered', attempts = attempts + 1, delivered_at = $2 WHERE id = $1`,
      [id, now],
    );
  }

  /** Records a failed attempt: retried at `nextAttemptAt`, or given up on (`null`). */
  async failed(id: string, error: string, nextAttemptAt: number | null): Promise<void> {
    await this.db.query(
      `UPDATE ${this.s}outbox SET attempts = attempts + 1, last_error = $2, status = $3, ` +
        "next_attempt_at = COALESCE($4, next_attempt_at) WHERE id = $1",
      [id, error.slice(0, 500), nextAttemptAt === null ? "failed" : "pending", nextAttemptAt],
    );
  }

  /** Deliveries made or queued for an event (to follow them with `removed` notices). */
  async deliveriesOf(event: EventRef): Promise<{ id: string; subscriptionId: string }[]> {
    const rows = await this.db.query<{ id: string; subscription_id: string }>(
      `SELECT id, subscription_id FROM ${this.s}outbox WHERE event_id = $1 AND block_hash = $2 AND kind = 'event'`,
      [event.eventId, event.blockHash],
    );
    return rows.map((r) => ({ id: r.id, subscriptionId: r.subscription_id }));
  }

  /** The outbox's rows by status. */
  async stats(): Promise<Record<string, number>> {
    const rows = await this.db.query<{ status: string; n: string | number }>(
      `SELECT status, count(*) AS n FROM ${this.s}outbox GROUP BY status`,
    );
    return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
  }

  /** The outbox's rows by chain, then status (chain 0: rows of a one-chain store never bound to a chain). */
  async statsByChain(): Promise<Record<string, Record<string, number>>> {
    const rows = await this.db.query<{ chain_id: string | number; status: string; n: string | number }>(
      `SELECT chain_id, status, count(*) AS n FROM ${this.s}outbox GROUP BY chain_id, status`,
    );
    const out: Record<string, Record<string, number>> = {};
    for (const r of rows) {
      const chain = String(r.chain_id);
      out[chain] ??= {};
      out[chain][r.status] = Number(r.n);
    }
    return out;
  }

  /** The store as chain `chainId`'s dispatcher works with it. */
  forChain(chainId: number): ChainOutbox {
    if (!Number.isSafeInteger(chainId) || chainId <= 0) throw new Error(`webhooks: not a chain id: ${chainId}`);
    return new ChainOutbox(this, this.db, this.s, chainId);
  }
}

/**
 * One chain's part of the store: its outbox rows, the events and schedule rounds remembered for
 * it, its cursors and its genesis binding. Subscriptions and deliveries by id are the store's.
 */
export class ChainOutbox {
  constructor(
    readonly store: WebhookStore,
    private readonly db: Backend,
    private readonly s: string,
    readonly chainId: number,
  ) {}

  subscriptions(): Promise<Subscription[]> {
    return this.store.subscriptions();
  }

  /** Queues a delivery; a delivery id already queued (the same event for the same subscriber) is ignored. */
  async enqueue(d: {
    id: string;
    subscriptionId: string;
    kind: string;
    event: EventRef | null;
    payload: string;
    now: number;
  }): Promise<boolean> {
    const rows = await this.db.query<{ id: string }>(
      `INSERT INTO ${this.s}outbox
         (id, chain_id, subscription_id, kind, event_id, block_hash, payload, next_attempt_at, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) ON CONFLICT (id) DO NOTHING RETURNING id`,
      [
        d.id,
        this.chainId,
        d.subscriptionId,
        d.kind,
        d.event?.eventId ?? null,
        d.event?.blockHash ?? null,
        d.payload,
        d.now,
      ],
    );
    return rows.length === 1;
  }

  /** This chain's deliveries due by `now`, oldest first. */
  async due(now: number, limit: number): Promise<Delivery[]> {
    const rows = await this.db.query<{
      id: string;
      subscription_id: string;
      url: string;
      secret: string;
      payload: string;
      attempts: number;
    }>(
      `SELECT o.id, o.subscription_id, s.url, s.secret, o.payload, o.attempts FROM ${this.s}outbox o
       JOIN ${this.s}subscription s ON s.id = o.subscription_id
       WHERE o.chain_id = $3 AND o.status = 'pending' AND o.next_attempt_at <= $1 ORDER BY o.created_at, o.id LIMIT $2`,
      [now, limit, this.chainId],
    );
    return rows.map((r) => ({
      id: r.id,
      subscriptionId: r.subscription_id,
      url: r.url,
      secret: r.secret,
      payload: r.payload,
      attempts: Number(r.attempts),
    }));
  }

  delivered(id: string, now: number): Promise<void> {
    return this.store.delivered(id, now);
  }

  failed(id: string, error: string, nextAttemptAt: number | null): Promise<void> {
    return this.store.failed(id, error, nextAttemptAt);
  }

  deliveriesOf(event: EventRef): Promise<{ id: string; subscriptionId: string }[]> {
    return this.store.deliveriesOf(event);
  }

  /** A cursor of this chain's (stored as `<chainId>/<key>`). */
  async cursor(key: string): Promise<bigint | undefined> {
    const rows = await this.db.query<{ value: string | number }>(`SELECT value FROM ${this.s}cursor WHERE key = $1`, [
      `${this.chainId}/${key}`,
    ]);
    return rows[0] ? BigInt(rows[0].value) : undefined;
  }

  async setCursor(key: string, value: bigint): Promise<void> {
    await this.db.query(
      `INSERT INTO ${this.s}cursor (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = $2`,
      [`${this.chainId}/${key}`, value.toString()],
    );
  }

  /** The events of this chain remembered above `fromBlock`, present or reorganised away. */
  async seen(fromBlock: bigint): Promise<Seen[]> {
    const rows = await this.db.query<{
      event_id: string;
      block_hash: string;
      block_number: string | number;
      removals: number;
      present: boolean | number;
    }>(
      `SELECT event_id, block_hash, block_number, removals, present FROM ${this.s}seen_event
       WHERE chain_id = $2 AND block_number > $1`,
      [fromBlock.toString(), this.chainId],
    );
    return rows.map((r) => ({
      eventId: r.event_id,
      blockHash: r.block_hash,
      blockNumber: BigInt(r.block_number),
      removals: Number(r.removals),
      present: Boolean(r.present),
    }));
  }

  /** Remembers an event as present on the canonical chain (again, after a removal). */
  async markSeen(event: EventRef, blockNumber: bigint): Promise<void> {
    await this.db.query(
      `INSERT INTO ${this.s}seen_event (chain_id, event_id, block_hash, block_number) VALUES ($4, $1, $2, $3)
       ON CONFLICT (event_id, block_hash) DO UPDATE SET present = true, block_number = $3`,
      [event.eventId, event.blockHash, blockNumber.toString(), this.chainId],
    );
  }

  /** Remembers that a reorg took the event away (it may come back: see the dispatcher). */
  async markRemoved(event: EventRef): Promise<void> {
    await this.db.query(
      `UPDATE ${this.s}seen_event SET present = false, removals = removals + 1 WHERE event_id = $1 AND block_hash = $2`,
      [event.eventId, event.blockHash],
    );
  }

  /** Forgets this chain's events at or below `belowOrAt` (final). */
  async pruneSeen(belowOrAt: bigint): Promise<void> {
    await this.db.query(`DELETE FROM ${this.s}seen_event WHERE chain_id = $2 AND block_number <= $1`, [
      belowOrAt.toString(),
      this.chainId,
    ]);
  }

  /** Marks a schedule round of this chain as notified; false if it already was. */
  async markDue(scheduleId: bigint, round: number): Promise<boolean> {
    const rows = await this.db.query<{ round: number }>(
      `INSERT INTO ${this.s}due (chain_id, schedule_id, round) VALUES ($3, $1, $2)
       ON CONFLICT DO NOTHING RETURNING round`,
      [scheduleId.toString(), round, this.chainId],
    );
    return rows.length === 1;
  }

  /**
   * Binds this chain's part of the store to the chain's genesis. The first time, or on the same
   * genesis, nothing changes (the first binding takes over what belongs to no chain yet: a
   * one-chain store's rows); on another genesis (a restarted devnet) this chain's pending
   * deliveries are dropped and its events, schedule rounds and cursors forgotten. Other chains'
   * state and the subscriptions are kept.
   */
  async bind(genesisHash: string): Promise<ChainChange> {
    const key = String(this.chainId);
    return this.db.transaction(async (q) => {
      const rows = await q<{ chain_id: string; genesis_hash: string }>(
        `SELECT chain_id, genesis_hash FROM ${this.s}chain WHERE key = $1`,
        [key],
      );
      const previous = rows[0] ? { chainId: String(rows[0].chain_id), genesisHash: rows[0].genesis_hash } : undefined;
      if (previous && previous.genesisHash === genesisHash) return { changed: false, dropped: 0 };
      let dropped = 0;
      if (previous) {
        const gone = await q<{ id: string }>(
          `UPDATE ${this.s}outbox SET status = 'dropped', last_error = 'the chain changed'
           WHERE chain_id = $1 AND status = 'pending' RETURNING id`,
          [this.chainId],
        );
        dropped = gone.length;
        await q(`DELETE FROM ${this.s}seen_event WHERE chain_id = $1`, [this.chainId]);
        await q(`DELETE FROM ${this.s}due WHERE chain_id = $1`, [this.chainId]);
        await q(`DELETE FROM ${this.s}cursor WHERE key LIKE $1`, [`${key}/%`]);
      } else {
        await adopt(q, this.s, this.chainId, false);
      }
      await q(
        `INSERT INTO ${this.s}chain (key, chain_id, genesis_hash) VALUES ($1, $1, $2)
         ON CONFLICT (key) DO UPDATE SET genesis_hash = $2`,
        [key, genesisHash],
      );
      return previous ? { changed: true, dropped, previous } : { changed: false, dropped: 0 };
    });
  }
}
