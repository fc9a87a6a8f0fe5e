/**
 * The indexer's API, composed from one file per resource. Ponder itself serves /health, /ready,
 * /status and /metrics on the same port (`PORT`).
 *
 *   query.ts      /graphql and /sql/* (@ponder/client queries and live queries)
 *   agents.ts     /agents, /agents/:id
 *   tasks.ts      /tasks, /tasks/:id
 *   groups.ts     /groups/:id/leader
 *   messages.ts   /inbox/:agentId, /channels/:channel
 *   webhooks.ts   /webhooks (the dispatcher runs in webhook-service.ts)
 *   dashboard.ts  /dashboard/, /deployment, /escrow
 *   health.ts     /healthz, /readyz (probes.ts)
 *
 * runtime.ts is loaded first: the process guards (patched Ponder, no moved port, the supervisor).
 */
import "./runtime.js";
import { Hono } from "hono";
import { agents } from "./agents.js";
import { dashboard } from "./dashboard.js";
import { groups } from "./groups.js";
import { health } from "./health.js";
import { messages } from "./messages.js";
import { query } from "./query.js";
import { onError } from "./respond.js";
import { tasks } from "./tasks.js";
import { webhooks } from "./webhooks.js";

const app = new Hono()
  .route("/", query)
  .route("/", agents)
  .route("/", tasks)
  .route("/", groups)
  .route("/", messages)
  .route("/", dashboard())
  .route("/", health)
  .route("/", webhooks)
  .onError(onError);

export default app;
