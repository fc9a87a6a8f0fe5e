/**
 * The general readers: GraphQL (depth and size limited) and SQL over HTTP for @ponder/client
 * queries and live queries (`/sql/*`).
 */
import { db } from "ponder:api";
import schema from "ponder:schema";
import { Hono } from "hono";
import { client, graphql } from "ponder";

export const query = new Hono();

const limits = { maxOperationDepth: 8, maxOperationTokens: 2_000, maxOperationAliases: 30 };
query.use("/graphql", graphql({ db, schema }, limits));

/**
 * A live query's SSE stream sends nothing until its result first changes, and Node sends the
 * response headers only with the first body bytes: a client would not know its stream is open. An
 * SSE comment first (ignored by every EventSource) opens it at once.
 */
query.use("/sql/live", async (c, next) => {
  await next();
  if (!c.res.body || !c.res.headers.get("content-type")?.startsWith("text/event-stream")) return;
  const opened = new TextEncoder().encode(": open\n\n");
  const body = c.res.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({ start: (controller) => controller.enqueue(opened) }),
  );
  c.res = new Response(body, c.res);
});
query.use("/sql/*", client({ db, schema }));
