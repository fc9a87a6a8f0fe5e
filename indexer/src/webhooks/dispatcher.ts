/**
 * The webhook dispatcher: runs inside `ponder start` (never `serve`) and turns indexed activity into
 * signed HTTP deliveries.
 *
 * 1. Outbox first. Every matching event becomes an outbox row (id = a stable hash of subscriber and
 *    event, the idempotency key sent as X-Stigmergy-Delivery) before any delivery is attempted;
 *    deliveries then retry with exponential backoff until a 2xx or the attempt limit. A crash
 *    loses nothing: on restart the cursor and the unfinalized window are scanned again and queued
 *    rows are delivered; a receiver may see a delivery twice and recognises it by its id. The cursor
 *    never passes Ponder's safe checkpoint: a restarted Ponder reverts the rows above it and indexes
 *    them again while `/status` still reports the old head, and those rows must be scanned again.
 * 2. Confirmations. Only events at least `STIGMERGY_WEBHOOK_CONFIRMATIONS` blocks (default 0)
 *    below the indexed head are delivered.
 * 3. Reorgs. Events of the last FINALITY blocks are remembered; one that disappears from the
 *    indexed activity while the chain no longer has its block (Ponder rolled the block back) is
 *    followed, for every delivery made of it, by a `removed` notice. A row that is merely absent
 *    for a while (Ponder rebuilding after a crash) with its block still canonical is not removed.
 *    An event that comes back after its `removed` notice (a reorg A→B→A returns to its block) is
 *    delivered again under a new delivery id: a delivery id names one appearance of an event on
 *    the canonical chain, so the receiver, which dropped the event on `removed`, takes it again.
 *    The n-th return carries `"appearance": n` and the id of the delivery it follows.
 * 4. Time. Schedule rounds that fall due produce `schedule.due` deliveries at once (the indexer is
 *    the clock): no transaction needed. A round falls due when a block mined now would carry a
 *    timestamp at or past its due time: the chain's clock (@stigmergy/contracts' chainClock), which may run ahead of or
 *    behind the wall clock. A timer is set for the next due round; new blocks re-check.
 * 5. Chains. An indexer following several chains runs one dispatcher per chain, each reading only
 *    its chain's rows and working through its chain's part of the store (`ChainOutbox`: its outbox
 *    rows, memory and cursors, bound to its genesis hash); a subscription's `chains` filter picks
 *    the chains it hears from, and every delivery names its chain. Subscriptions belong to no
 *    chain. When a chain's node has another genesis (a restarted devnet), that chain's pending
 *    deliveries are dropped and its memory forgotten, with one log line, and the other chains' are
 *    kept: a new genesis is a new chain, not a reorg, and gets no `removed` notices. A chain whose
 *    node is down holds up only its own dispatcher.
 * 6. Deliveries run beside the scans, never in their way: a slow receiver delays only itself. New
 *    events start their deliveries as soon as they are in the outbox, before the reorg check and
 *    the schedules of the same scan.
 * 7. Wake-up. A scan starts as soon as Ponder commits an indexed block (`onIndexedBlock`, the
 *    notice its live queries re-run on), so a delivery leaves with the block; a block indexed while
 *    a scan runs gets a scan right after it. The `pollMs` tick remains as the fallback, and for
 *    retries that fall due.
 */

import { activity, schedule, scheduleRound } from "ponder:schema";
import { chainClock } from "@stigmergy/contracts";
import { and, asc, eq, gt, inArray, lte, sql } from "ponder";
import { stringify } from "viem";
import { chainClient, hashAt } from "../lib/chain.js";
import { indexedHead, safeBlock } from "../lib/ponder.js";
import { type Matchable, matches, type WebhookFilter } from "./filter.js";
import { signature, stableId } from "./sign.js";
import type { ChainOutbox, EventRef, Seen, Subscription } from "./store.js";

/** Blocks that may still be reorganised (Ponder's default finality for unknown chains). */
const FINALITY = 30n;

/** The API's read-only view of the index (a type only: this file is also loaded for indexing). */
type ReadDb = typeof import("ponder:api")["db"];

export type DispatcherOptions = {
  db: ReadDb;
  /** The chain's part of the webhook store (`store.forChain(chain.id)`). */
  store: ChainOutbox;
  /** The chain whose events it delivers: its id, its Ponder name and its JSON-RPC (asked whether a vanished
   * event's block is still canonical). */
  chain: { id: number; name: string; rpc: string };
  pollMs: number;
  /** Calls its argument whenever a block has been indexed; returns the function that stops it. */
  onIndexedBlock?: (wake: () => void) => () => void;
  confirmations: bigint;
  maxAttempts: number;
  backoffMs: number;
  backoffCapMs: number;
  log: (message: string) => void;
};

/**
 * An activity row's identity across reorgs: its event id (its position in the chain) and the hash of
 * the block that holds it. A different history at the same position is a different event.
 */
const refOf = (row: { id: string; blockHash: string }): EventRef => ({ eventId: row.id, blockHash: row.blockHash });

/** What a delivery id is derived from (the same text as in earlier versions, so ids stay stable). */
const idSource = (e: EventRef) => `${e.eventId}:${e.blockHash}`;

const json = (value: unknown) => stringify(value);

export function startDispatcher(o: DispatcherOptions): { stop: () => void } {
  const chain = chainClient(o.chain.rpc, 5_000);
  const onChain = o.chain.id;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const inFlight = new Set<string>();

  /** The indexed head, read once per scan (`undefined`: nothing indexed yet, or Ponder busy). */
  let head: { number: bigint; timestamp: bigint } | undefined;
  async function readHead(): Promise<void> {
    try {
      const h = await indexedHead(o.chain.name);
      head = h ? { number: BigInt(h.number), timestamp: BigInt(h.timestamp) } : undefined;
      if (head) clock.observe(head, Date.now());
    } catch {
      head = undefined;
    }
  }

  /** The chain's clock, learned from the blocks as they are indexed. */
  const clock = chainClock();
  /** Chain time now, in whole seconds: what a block mined now would carry at the earliest. */
  const chainNow = (wallMs: number): bigint => BigInt(Math.floor(clock.nowMs(wallMs) / 1000));

  /**
   * The chain this store's outbox belongs to, checked before anything is scanned: its genesis hash
   * from the node, bound to the store (on another chain, the old chain's state is dropped).
   */
  let boundGenesis: string | undefined;
  async function bindChain(): Promise<boolean> {
    if (boundGenesis !== undefined) return true;
    let genesis: string | null;
    try {
      genesis = await hashAt(chain, 0);
    } catch {
      return false; // the node does not answer: try again on the next tick
    }
    if (!genesis) return false;
    const change = await o.store.bind(genesis);
    if (change.changed) {
      o.log(
        `webhooks: the chain changed (chain ${onChain}, genesis ${genesis}; was chain ${change.previous!.chainId}, ` +
          `genesis ${change.previous!.genesisHash}): ${change.dropped} pending deliveries of the old chain dropped, ` +
          `its events and schedule rounds forgotten; subscriptions and the other chains' deliveries kept`,
      );
    }
    boundGenesis = genesis;
    return true;
  }

  /** The canonical hash at each block number, asked once per scan; `undefined` if the node failed. */
  async function canonicalHashes(numbers: bigint[]): Promise<Map<bigint, string | null> | undefined> {
    const out = new Map<bigint, string | null>();
    try {
      for (const n of new Set(numbers)) {
        out.set(n, await hashAt(chain, n));
      }
    } catch {
      return undefined;
    }
    return out;
  }

  /**
   * The delivery id of an event's `appearance`-th time on the canonical chain (0: the first; n: its
   * n-th return after a `removed` notice).
   */
  const deliveryId = (subscriptionId: string, event: EventRef, appearance: number) =>
    appearance === 0
      ? stableId(subscriptionId, idSource(event), "event")
      : stableId(subscriptionId, idSource(event), "event", `appearance ${appearance}`);

  async function enqueueEvent(
    row: typeof activity.$inferSelect,
    subscriptions: Subscription[],
    now: number,
    appearance: number,
  ) {
    const args = row.args as Record<string, unknown>;
    const { chainId, contract, event, agentId, taskId } = row;
    const item: Matchable = { chainId, contract, event, agentId, taskId, args };
    for (const sub of subscriptions) {
      if (!matches(sub.filter as WebhookFilter, item)) continue;
      const ref = refOf(row);
      const id = deliveryId(sub.id, ref, appearance);
      const payload = json({
        id,
        type: "event",
        subscriptionId: sub.id,
        createdAt: Math.floor(now / 1000),
        ...(appearance === 0 ? {} : { appearance, follows: deliveryId(sub.id, ref, appearance - 1) }),
        event: {
          chainId: row.chainId,
          id: row.id,
          contract: row.contract,
          name: row.event,
          args: row.args,
          agentId: row.agentId,
          groupId: row.groupId,
          taskId: row.taskId,
          blockNumber: row.blockNumber,
          blockHash: row.blockHash,
          logIndex: row.logIndex,
          timestamp: row.timestamp,
          txHash: row.txHash,
        },
      });
      await o.store.enqueue({ id, subscriptionId: sub.id, kind: "event", event: ref, payload, now });
    }
  }

  /** New activity into the outbox, and `removed` notices for activity a reorg took away. */
  async function scanActivity(now: number) {
    if (head === undefined) return;
    const deliverable = head.number - o.confirmations;
    if (deliverable < 0n) return;
    // Read before the rows: a safe block read after them could already cover rows indexed meanwhile.
    const safe = await safeBlock((q) => o.db.execute(sql.raw(q)) as never, onChain).catch(() => null);
    const processed = (await o.store.cursor("processed")) ?? 0n;
    const from = (processed < deliverable ? processed : deliverable) - FINALITY;
    const windowStart = from > 0n ? from : 0n;
    const subscriptions = await o.store.subscriptions();
    const remembered = await o.store.seen(windowStart);
    /** event id → block hash → what is remembered of the event in that block. */
    const seen = new Map<string, Map<string, Seen>>();
    for (const e of remembered) seen.set(e.eventId, (seen.get(e.eventId) ?? new Map()).set(e.blockHash, e));
    const rows = await o.db
      .select()
      .from(activity)
      .where(
        and(
          eq(activity.chainId, onChain),
          gt(activity.blockNumber, windowStart),
          lte(activity.blockNumber, deliverable),
        ),
      )
      .orderBy(asc(activity.blockNumber), asc(activity.logIndex));
    let enqueued = false;
    for (const row of rows) {
      const known = seen.get(row.id)?.get(row.blockHash);
      if (known?.present) continue;
      // New, or back on the canonical chain after a reorg removed it (its n-th appearance).
      await enqueueEvent(row, subscriptions, now, known?.removals ?? 0);
      await o.store.markSeen(refOf(row), row.blockNumber);
      enqueued = true;
    }
    // New events leave now; the reorg check below and the schedules go on beside their POSTs.
    if (enqueued) startDeliveries(now);
    // Events remembered from the unfinalized window that no longer exist were reorganised away.
    const present = remembered.filter((e) => e.present);
    for (let i = 0; i < present.length; i += 500) {
      const chunk = present.slice(i, i + 500);
      const still = await o.db
        .select({ id: activity.id, blockHash: activity.blockHash })
        .from(activity)
        .where(
          and(
            eq(activity.chainId, onChain),
            inArray(
              activity.id,
              chunk.map((e) => e.eventId),
            ),
          ),
        );
      const blockOf = new Map(still.map((r) => [r.id, r.blockHash]));
      const vanished = chunk.filter((e) => blockOf.get(e.eventId) !== e.blockHash);
      if (vanished.length === 0) continue;
      // A vanished event on a chain with another genesis is not a reorg: rebind (which forgets it).
      const genesis = await canonicalHashes([0n]);
      if (!genesis) continue; // the node did not answer: decide on a later tick
      if (genesis.get(0n) !== boundGenesis) {
        boundGenesis = undefined;
        return;
      }
      const hashes = await canonicalHashes(vanished.map((e) => e.blockNumber));
      if (!hashes) continue;
      for (const e of vanished) {
        // Removed only when the node has another block at that height: the same hash means "not
        // re-indexed yet" (a rebuild after a crash), no block at all proves nothing (a lagging node).
        const current = hashes.get(e.blockNumber);
        if (current === null || current === undefined || current === e.blockHash) continue;
        const removed = refOf({ id: e.eventId, blockHash: e.blockHash });
        for (const d of await o.store.deliveriesOf(removed)) {
          const id = stableId(d.id, "removed");
          const payload = json({
            id,
            type: "removed",
            subscriptionId: d.subscriptionId,
            createdAt: Math.floor(now / 1000),
            removed: { chainId: onChain, deliveryId: d.id, ...removed },
          });
          await o.store.enqueue({
            id,
            subscriptionId: d.subscriptionId,
            kind: "removed",
            event: removed,
            payload,
            now,
          });
        }
        await o.store.markRemoved(removed);
        o.log(
          `webhooks: event ${removed.eventId} in block ${removed.blockHash} of chain ${onChain} ` +
            "was reorganised away; removal notices queued",
        );
      }
    }
    // The cursor stops at the block Ponder's crash recovery cannot revert: after a restart, rows above
    // it may be missing for a while (reverted, not yet indexed again) while /status still reports the
    // old head; the next scans' window, which starts FINALITY blocks below the cursor, still covers them.
    // Held where it was when the safe block cannot be read.
    let cursor = deliverable;
    if (safe === null) cursor = processed < deliverable ? processed : deliverable;
    else if (safe !== undefined && safe < deliverable) cursor = safe;
    await o.store.setCursor("processed", cursor);
    await o.store.pruneSeen(cursor - FINALITY);
  }

  /** When the next round that is not due yet falls due (unix seconds), as of the last scan. */
  let nextDueAt: bigint | undefined;

  /** `schedule.due` for every round that has fallen due and was not spawned yet. */
  async function scanSchedules(now: number) {
    const seconds = chainNow(now);
    nextDueAt = undefined;
    const live = await o.db
      .select()
      .from(schedule)
      .where(and(eq(schedule.chainId, onChain), eq(schedule.cancelled, false)));
    if (live.length === 0) return;
    const subscriptions = await o.store.subscriptions();
    for (const s of live) {
      const key = `due:${s.id}`;
      const next = Number((await o.store.cursor(key)) ?? 0n);
      if (next >= s.count) continue;
      const nextAt = s.firstAt + s.interval * BigInt(next);
      if (seconds < nextAt) {
        if (nextDueAt === undefined || nextAt < nextDueAt) nextDueAt = nextAt;
        continue;
      }
      const latest = s.interval === 0n ? 0 : Number((seconds - s.firstAt) / s.interval);
      const last = Math.min(s.count - 1, latest);
      const spawned = await o.db
        .select({ round: scheduleRound.round })
        .from(scheduleRound)
        .where(and(eq(scheduleRound.chainId, onChain), eq(scheduleRound.scheduleId, s.id)));
      const taken = new Set(spawned.map((r) => r.round));
      const template = s.template as Record<string, unknown>;
      const window = BigInt(String(template.deadline ?? 0));
      for (let round = next; round <= last; round++) {
        const dueAt = s.firstAt + s.interval * BigInt(round);
        if (taken.has(round) || seconds >= dueAt + window || !(await o.store.markDue(s.id, round))) continue;
        const item: Matchable = {
          chainId: onChain,
          contract: "TaskBoard",
          event: "schedule.due",
          agentId: null,
          taskId: null,
          args: template,
        };
        for (const sub of subscriptions) {
          if (!matches(sub.filter as WebhookFilter, item)) continue;
          // Schedule ids repeat across chains: the round is named with its chain.
          const id = stableId(sub.id, `schedule:${onChain}:${s.id}:${round}`, "due");
          const payload = json({
            id,
            type: "schedule.due",
            subscriptionId: sub.id,
            createdAt: Math.floor(now / 1000),
            schedule: {
              chainId: onChain,
              scheduleId: s.id,
              round,
              dueAt,
              claimableUntil: dueAt + window,
              poster: s.poster,
              template,
            },
          });
          await o.store.enqueue({ id, subscriptionId: sub.id, kind: "schedule.due", event: null, payload, now });
        }
      }
      await o.store.setCursor(key, BigInt(last + 1));
      if (last + 1 < s.count) {
        const after = s.firstAt + s.interval * BigInt(last + 1);
        if (nextDueAt === undefined || after < nextDueAt) nextDueAt = after;
      }
    }
  }

  /** Starts every delivery that is due and not already under way; resolves when they have ended. */
  async function deliver(now: number) {
    const due = (await o.store.due(now, 32)).filter((d) => !inFlight.has(d.id));
    await Promise.all(
      due.map(async (d) => {
        inFlight.add(d.id);
        try {
          const res = await fetch(d.url, {
            method: "POST",
            headers: {
              "content-type": "application/json",
              "x-stigmergy-delivery": d.id,
              "x-stigmergy-timestamp": String(Math.floor(Date.now() / 1000)),
              "x-stigmergy-signature": signature(d.secret, d.payload),
            },
            body: d.payload,
            signal: AbortSignal.timeout(10_000),
          });
          if (res.ok) return o.store.delivered(d.id, Date.now());
          throw new Error(`HTTP ${res.status}`);
        } catch (error) {
          const attempt = d.attempts + 1;
          const delay = Math.min(o.backoffMs * 2 ** (attempt - 1), o.backoffCapMs);
          const jittered = Math.round(delay * (0.8 + Math.random() * 0.4));
          await o.store.failed(d.id, (error as Error).message, attempt >= o.maxAttempts ? null : Date.now() + jittered);
        } finally {
          inFlight.delete(d.id);
        }
      }),
    );
  }

  /** Deliveries run in the background: a slow or silent receiver never holds up the scans. */
  const startDeliveries = (now: number) =>
    void deliver(now).catch((error: unknown) =>
      o.log(`webhooks: delivery failed (chain ${onChain}): ${(error as Error).message}`),
    );

  let scanning: Promise<void> | undefined;
  /** A block was indexed while a scan ran: scan once more when it ends. */
  let rescan = false;
  let dueTimer: NodeJS.Timeout | undefined;
  /** One scan at a time: activity, schedules, then deliveries; then the timer for the next due round. */
  const scan = (): Promise<void> =>
    (scanning ??= (async () => {
      rescan = false;
      const now = Date.now();
      try {
        if (!(await bindChain())) return;
        await readHead();
        await scanActivity(now);
        await scanSchedules(now);
        startDeliveries(now);
      } catch (error) {
        o.log(`webhooks: tick failed (chain ${onChain}): ${(error as Error).message}`);
      }
      if (dueTimer) clearTimeout(dueTimer);
      dueTimer = undefined;
      if (!stopped && nextDueAt !== undefined) {
        // Wall time at which the chain's clock reaches it (new blocks re-check on the next tick).
        const wait = Math.max(0, clock.wallAt(Number(nextDueAt) * 1000) - Date.now());
        dueTimer = setTimeout(() => void scan(), Math.min(wait, 2 ** 31 - 1));
      }
    })().finally(() => {
      scanning = undefined;
      if (rescan && !stopped) void scan();
    }));

  /** Scans now, or right after the scan under way (which may have read the head before this block). */
  const wake = () => {
    if (stopped) return;
    if (scanning) rescan = true;
    else void scan();
  };
  const stopWaking = o.onIndexedBlock?.(wake) ?? (() => {});

  const tick = async () => {
    if (stopped) return;
    await scan();
    if (!stopped) timer = setTimeout(tick, o.pollMs);
  };
  timer = setTimeout(tick, 0);
  return {
    stop: () => {
      stopped = true;
      stopWaking();
      if (timer) clearTimeout(timer);
      if (dueTimer) clearTimeout(dueTimer);
    },
  };
}
