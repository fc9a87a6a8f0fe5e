/**
 * Webhook subscriptions (deliveries are the dispatcher's, started by webhook-service.ts). With
 * STIGMERGY_WEBHOOK_TOKEN set, every endpoint needs `Authorization: Bearer <token>`.
 *
 *   POST   /webhooks {url, secret, filter}  201 {id, url, filter}
 *   GET    /webhooks                        the subscriptions (never their secrets) and the outbox's counts
 *                                           (`outbox` by status, `outboxByChain` by chain id then status)
 *   DELETE /webhooks/:id                    204, or 404
 */
import { randomUUID } from "node:crypto";
import { Hono } from "hono";
import { createMiddleware } from "hono/factory";
import { parseFilter } from "../webhooks/filter.js";
import { BadRequest } from "./params.js";
import { notFound } from "./respond.js";
import { webhookStore } from "./webhook-service.js";

const requireToken = createMiddleware(async (c, next) => {
  const token = process.env.STIGMERGY_WEBHOOK_TOKEN;
  if (token && c.req.header("authorization") !== `Bearer ${token}`) {
    return c.json({ error: "unauthorized", reason: "send Authorization: Bearer <STIGMERGY_WEBHOOK_TOKEN>" }, 401);
  }
  await next();
});

export const webhooks = new Hono()
  .use("/webhooks", requireToken)
  .use("/webhooks/*", requireToken)
  .post("/webhooks", async (c) => {
    let body: Record<string, unknown>;
    try {
      body = (await c.req.json()) as Record<string, unknown>;
    } catch {
      throw new BadRequest("body", "must be a JSON object {url, secret, filter}");
    }
    const url = body.url;
    if (typeof url !== "string" || !/^https?:\/\/[^\s]+$/.test(url)) {
      throw new BadRequest("url", "must be an http(s) URL");
    }
    const secret = body.secret;
    if (typeof secret !== "string" || secret.length < 16) {
      throw new BadRequest("secret", "must be a string of at least 16 characters");
    }
    const filter = parseFilter(body.filter);
    const id = randomUUID();
    await (await webhookStore).addSubscription({ id, url, secret, filter });
    return c.json({ id, url, filter }, 201);
  })
  .get("/webhooks", async (c) => {
    const store = await webhookStore;
    const subs = await store.subscriptions();
    return c.json({
      webhooks: subs.map(({ secret: _secret, ...rest }) => rest),
      outbox: await store.stats(),
      outboxByChain: await store.statsByChain(),
    });
  })
  .delete("/webhooks/:id", async (c) => {
    const id = c.req.param("id");
    if (!(await (await webhookStore).deleteSubscription(id))) return c.json(notFound("webhook", id), 404);
    return c.body(null, 204);
  });
