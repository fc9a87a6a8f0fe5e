/**
 * The webhook service of this process: the store (subscriptions, outbox, the dispatcher's memory,
 * beside the indexer's database) opened once, and — in the indexing process (`ponder start`), unless
 * STIGMERGY_WEBHOOKS=off — the dispatcher that turns indexed activity into signed deliveries. A read
 * replica (`ponder serve`) answers the /webhooks endpoints and delivers nothing.
 */
import { db } from "ponder:api";
import { onIndexedBlock } from "../lib/ponder.js";
import { startDispatcher } from "../webhooks/dispatcher.js";
import { WebhookStore } from "../webhooks/store.js";
import { chains, command } from "./runtime.js";

export const webhookStore: Promise<WebhookStore> = WebhookStore.open();

if (command !== "serve" && process.env.STIGMERGY_WEBHOOKS !== "off") {
  if (chains.length > 1) {
    const others = chains.slice(1).map((c) => `${c.id} (${c.name})`).join(", ");
    console.warn(`stigmergy: webhooks deliver the events of chain ${chains[0]!.id} (${chains[0]!.name}) only, not of ${others}`);
  }
  void webhookStore.then((store) =>
    startDispatcher({
      db,
      store,
      // One chain's events (the first configured): the store's outbox and memory belong to one chain.
      chain: chains[0]!,
      pollMs: Number(process.env.STIGMERGY_POLLING_INTERVAL ?? 250),
      onIndexedBlock,
      confirmations: BigInt(process.env.STIGMERGY_WEBHOOK_CONFIRMATIONS ?? 0),
      maxAttempts: Number(process.env.STIGMERGY_WEBHOOK_MAX_ATTEMPTS ?? 12),
      backoffMs: Number(process.env.STIGMERGY_WEBHOOK_BACKOFF_MS ?? 1_000),
      backoffCapMs: Number(process.env.STIGMERGY_WEBHOOK_BACKOFF_CAP_MS ?? 300_000),
      log: (message) => console.log(message),
    }),
  );
}
