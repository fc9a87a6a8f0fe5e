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
import { command, rpcUrl } from "./runtime.js";

export const webhookStore: Promise<WebhookStore> = WebhookStore.open();

if (command !== "serve" && process.env.STIGMERGY_WEBHOOKS !== "off") {
  void webhookStore.then((store) =>
    startDispatcher({
      db,
      store,
      rpcUrl,
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
