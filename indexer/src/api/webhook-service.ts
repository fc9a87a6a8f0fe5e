/**
 * The webhook service of this process: the store (subscriptions, outbox, the dispatchers' memory,
 * beside the indexer's database) opened once, and — in the indexing process (`ponder start`), unless
 * STIGMERGY_WEBHOOKS=off — one dispatcher per indexed chain turning that chain's indexed activity
 * into signed deliveries, each through its chain's part of the store, all woken by one listener
 * when Ponder commits a block. A read replica (`ponder serve`) answers the /webhooks endpoints and
 * delivers nothing.
 */
import { db } from "ponder:api";
import { onIndexedBlock } from "../lib/ponder.js";
import { startDispatcher } from "../webhooks/dispatcher.js";
import { WebhookStore } from "../webhooks/store.js";
import { chains, command } from "./runtime.js";

export const webhookStore: Promise<WebhookStore> = WebhookStore.open();

/** One listener on Ponder's block notices for every dispatcher (a committed block may be any chain's). */
function sharedWakeUps(): (wake: () => void) => () => void {
  const wakes = new Set<() => void>();
  let stop: (() => void) | undefined;
  return (wake) => {
    wakes.add(wake);
    stop ??= onIndexedBlock(() => {
      for (const w of wakes) w();
    });
    return () => {
      wakes.delete(wake);
      if (wakes.size > 0) return;
      stop?.();
      stop = undefined;
    };
  };
}

if (command !== "serve" && process.env.STIGMERGY_WEBHOOKS !== "off") {
  const wakeUps = sharedWakeUps();
  void webhookStore.then((store) => {
    for (const chain of chains) {
      startDispatcher({
        db,
        store: store.forChain(chain.id),
        chain,
        pollMs: Number(process.env.STIGMERGY_POLLING_INTERVAL ?? 250),
        onIndexedBlock: wakeUps,
        confirmations: BigInt(process.env.STIGMERGY_WEBHOOK_CONFIRMATIONS ?? 0),
        maxAttempts: Number(process.env.STIGMERGY_WEBHOOK_MAX_ATTEMPTS ?? 12),
        backoffMs: Number(process.env.STIGMERGY_WEBHOOK_BACKOFF_MS ?? 1_000),
        backoffCapMs: Number(process.env.STIGMERGY_WEBHOOK_BACKOFF_CAP_MS ?? 300_000),
        log: (message) => console.log(message),
      });
    }
  });
}
