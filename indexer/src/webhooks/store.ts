/**
 * Durable webhook state, outside Ponder's on-chain tables: subscriptions, the outbox of deliveries,
 * the events seen in the unfinalized window (to notice reorgs) and the schedule rounds notified.
 * Stored in PostgreSQL (schema `<schema>_webhooks`) when DATABASE_URL is set, else in an embedded
 * PGlite directory: it survives restarts and SIGKILL like the indexer's own data.
 */
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";

type Sql = { query: <T>(text: string, params?: unknown[]) => Promise<{ rows: T[] }> };

export type Subscription = { id: string; url: string; secret: string; filter: unknown; createdAt: string };
export type Delivery = {
  id: string;
  subscriptionId: string;
  url: string;
  secret: string;
  payload: string;
  attempts: number;
};

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

async function connect(): Promise<{ sql: Sql; schema: string; close: () => Promise<void> }> {
  const schema = `${process.env.STIGMERGY_DB_SCHEMA ?? "public"}_webhooks`.replace(/[^a-zA-Z0-9_]/g, "_");
  if (process.env.DATABASE_URL) {
    const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 4 });
    await pool.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    return { sql: pool as unknown as Sql, schema: `"${schema}"`, close: () => pool.end() };
  }
  const dir = process.env.STIGMERGY_WEBHOOK_DIR ?? join(process.env.STIGMERGY_PGLITE_DIR ? dirname(process.env.STIGMERGY_PGLITE_DIR) : join(root, ".stigmergy"), "webhooks");
  mkdirSync(dir, { recursive: true });
  const db = new PGlite(dir);
  await db.waitReady;
  return { sql: db as unknown as Sql, schema: "public", close: () => db.close() };
}

export class WebhookStore {
  private constructor(
    private readonly sql: Sql,
    private readonly s: string,
    readonly close: () => Promise<void>,
  ) {}

  static async open(): Promise<WebhookStore> {
    const { sql, schema, close } = await connect();
    const s = schema;
    await sql.query(`CREATE TABLE IF NOT EXISTS ${s}.subscription (
      id text PRIMARY KEY, url text NOT NULL, secret text NOT NULL, filter jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(), deleted boolean NOT NULL DEFAULT false)`);
    await sql.query(`CREATE TABLE IF NOT EXISTS ${s}.outbox (
      id text PRIMARY KEY, subscription_id text NOT NULL, kind text NOT NULL, event_id text,
      payload text NOT NULL, status text NOT NULL DEFAULT 'pending', attempts integer NOT NULL DEFAULT 0,
      next_attempt_at bigint NOT NULL, last_error text, created_at bigint NOT NULL, delivered_at bigint)`);
    await sql.query(`CREATE INDEX IF NOT EXISTS outbox_due ON ${s}.outbox (status, next_attempt_at)`);
    await sql.query(`CREATE INDEX IF NOT EXISTS outbox_event ON ${s}.outbox (event_id)`);
    await sql.query(`CREATE TABLE IF NOT EXISTS ${s}.seen (event_id text PRIMARY KEY, block_number bigint NOT NULL)`);
    await sql.query(`CREATE TABLE IF NOT EXISTS ${s}.due (schedule_id text NOT NULL, round integer NOT NULL, PRIMARY KEY (schedule_id, round))`);
    await sql.query(`CREATE TABLE IF NOT EXISTS ${s}.cursor (key text PRIMARY KEY, value bigint NOT NULL)`);
    await sql.query(`CREATE TABLE IF NOT EXISTS ${s}.chain (key text PRIMARY KEY, chain_id text NOT NULL, genesis_hash text NOT NULL)`);
    return new WebhookStore(sql, s, close);
  }

  async addSubscription(sub: { id: string; url: string; secret: string; filter: unknown }): Promise<void> {
    await this.sql.query(`INSERT INTO ${this.s}.subscription (id, url, secret, filter) VALUES ($1, $2, $3, $4)`, [sub.id, sub.url, sub.secret, JSON.stringify(sub.filter)]);
  }

  async subscriptions(): Promise<Subscription[]> {
    const { rows } = await this.sql.query<{ id: string; url: string; secret: string; filter: unknown; created_at: Date | string }>(
      `SELECT id, url, secret, filter, created_at FROM ${this.s}.subscription WHERE NOT deleted ORDER BY created_at, id`,
    );
    return rows.map((r) => ({ id: r.id, url: r.url, secret: r.secret, filter: typeof r.filter === "string" ? JSON.parse(r.filter) : r.filter, createdAt: new Date(r.created_at).toISOString() }));
  }

  /** Soft delete: pending deliveries of a deleted subscription are dropped. Returns false if unknown. */
  async deleteSubscription(id: string): Promise<boolean> {
    const { rows } = await this.sql.query<{ id: string }>(`UPDATE ${this.s}.subscription SET deleted = true WHERE id = $1 AND NOT deleted RETURNING id`, [id]);
    if (rows.length === 0) return false;
    await this.sql.query(`UPDATE ${this.s}.outbox SET status = 'dropped' WHERE subscription_id = $1 AND status = 'pending'`, [id]);
    return true;
  }

  /** Queues a delivery; a delivery id already queued (the same event for the same subscriber) is ignored. */
  async enqueue(d: { id: string; subscriptionId: string; kind: string; eventId: string | null; payload: string; now: number }): Promise<boolean> {
    const { rows } = await this.sql.query<{ id: string }>(
      `INSERT INTO ${this.s}.outbox (id, subscription_id, kind, event_id, payload, next_attempt_at, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $6) ON CONFLICT (id) DO NOTHING RETURNING id`,
      [d.id, d.subscriptionId, d.kind, d.eventId, d.payload, d.now],
    );
    return rows.length === 1;
  }

  async due(now: number, limit: number): Promise<Delivery[]> {
    const { rows } = await this.sql.query<{ id: string; subscription_id: string; url: string; secret: string; payload: string; attempts: number }>(
      `SELECT o.id, o.subscription_id, s.url, s.secret, o.payload, o.attempts FROM ${this.s}.outbox o
       JOIN ${this.s}.subscription s ON s.id = o.subscription_id
       WHERE o.status = 'pending' AND o.next_attempt_at <= $1 ORDER BY o.created_at, o.id LIMIT $2`,
      [now, limit],
    );
    return rows.map((r) => ({ id: r.id, subscriptionId: r.subscription_id, url: r.url, secret: r.secret, payload: r.payload, attempts: r.attempts }));
  }

  async delivered(id: string, now: number): Promise<void> {
    await this.sql.query(`UPDATE ${this.s}.outbox SET status = 'delivered', attempts = attempts + 1, delivered_at = $2 WHERE id = $1`, [id, now]);
  }

  async failed(id: string, error: string, nextAttemptAt: number | null): Promise<void> {
    await this.sql.query(
      `UPDATE ${this.s}.outbox SET attempts = attempts + 1, last_error = $2, status = $3, next_attempt_at = COALESCE($4, next_attempt_at) WHERE id = $1`,
      [id, error.slice(0, 500), nextAttemptAt === null ? "failed" : "pending", nextAttemptAt],
    );
  }

  /** Deliveries made or queued for an event (to follow them with `removed` notices). */
  async deliveriesOf(eventId: string): Promise<{ id: string; subscriptionId: string }[]> {
    const { rows } = await this.sql.query<{ id: string; subscription_id: string }>(
      `SELECT id, subscription_id FROM ${this.s}.outbox WHERE event_id = $1 AND kind = 'event'`,
      [eventId],
    );
    return rows.map((r) => ({ id: r.id, subscriptionId: r.subscription_id }));
  }

  async cursor(key: string): Promise<bigint | undefined> {
    const { rows } = await this.sql.query<{ value: string | number }>(`SELECT value FROM ${this.s}.cursor WHERE key = $1`, [key]);
    return rows[0] ? BigInt(rows[0].value) : undefined;
  }

  async setCursor(key: string, value: bigint): Promise<void> {
    await this.sql.query(`INSERT INTO ${this.s}.cursor (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = $2`, [key, value.toString()]);
  }

  async seen(fromBlock: bigint): Promise<Map<string, bigint>> {
    const { rows } = await this.sql.query<{ event_id: string; block_number: string | number }>(`SELECT event_id, block_number FROM ${this.s}.seen WHERE block_number > $1`, [fromBlock.toString()]);
    return new Map(rows.map((r) => [r.event_id, BigInt(r.block_number)]));
  }

  async markSeen(eventId: string, blockNumber: bigint): Promise<void> {
    await this.sql.query(`INSERT INTO ${this.s}.seen (event_id, block_number) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [eventId, blockNumber.toString()]);
  }

  async forget(eventId: string): Promise<void> {
    await this.sql.query(`DELETE FROM ${this.s}.seen WHERE event_id = $1`, [eventId]);
  }

  async pruneSeen(belowOrAt: bigint): Promise<void> {
    await this.sql.query(`DELETE FROM ${this.s}.seen WHERE block_number <= $1`, [belowOrAt.toString()]);
  }

  /** Marks a schedule round as notified; false if it already was. */
  async markDue(scheduleId: bigint, round: number): Promise<boolean> {
    const { rows } = await this.sql.query<{ round: number }>(
      `INSERT INTO ${this.s}.due (schedule_id, round) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING round`,
      [scheduleId.toString(), round],
    );
    return rows.length === 1;
  }

  /**
   * Binds the outbox to a chain. The first time, or on the same chain, nothing changes; on another
   * chain (another genesis) its pending deliveries are dropped and the events, schedule rounds and
   * cursors remembered for it are forgotten. Subscriptions are kept.
   */
  async bindChain(chain: { chainId: string; genesisHash: string }): Promise<{ changed: boolean; dropped: number; previous?: { chainId: string; genesisHash: string } }> {
    const { rows } = await this.sql.query<{ chain_id: string; genesis_hash: string }>(`SELECT chain_id, genesis_hash FROM ${this.s}.chain WHERE key = 'current'`);
    const previous = rows[0] ? { chainId: rows[0].chain_id, genesisHash: rows[0].genesis_hash } : undefined;
    if (previous && previous.chainId === chain.chainId && previous.genesisHash === chain.genesisHash) return { changed: false, dropped: 0 };
    let dropped = 0;
    if (previous) {
      const { rows: gone } = await this.sql.query<{ id: string }>(`UPDATE ${this.s}.outbox SET status = 'dropped', last_error = 'the chain changed' WHERE status = 'pending' RETURNING id`);
      dropped = gone.length;
      await this.sql.query(`DELETE FROM ${this.s}.seen`);
      await this.sql.query(`DELETE FROM ${this.s}.due`);
      await this.sql.query(`DELETE FROM ${this.s}.cursor`);
    }
    await this.sql.query(
      `INSERT INTO ${this.s}.chain (key, chain_id, genesis_hash) VALUES ('current', $1, $2) ON CONFLICT (key) DO UPDATE SET chain_id = $1, genesis_hash = $2`,
      [chain.chainId, chain.genesisHash],
    );
    return previous ? { changed: true, dropped, previous } : { changed: false, dropped: 0 };
  }

  async stats(): Promise<Record<string, number>> {
    const { rows } = await this.sql.query<{ status: string; n: string | number }>(`SELECT status, count(*) AS n FROM ${this.s}.outbox GROUP BY status`);
    return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
  }
}
