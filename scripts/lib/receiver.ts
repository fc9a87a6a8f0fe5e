/** A webhook receiver for tests: records every request and can refuse the first ones. */
import { createServer, type Server } from "node:http";
import { freePort } from "./processes.ts";

export type Received = {
  headers: Record<string, string>;
  body: string;
  json: Record<string, unknown>;
  at: number;
  status: number;
};

export type Receiver = {
  url: string;
  received: Received[];
  /** Answer the next `n` requests with 500. */
  failNext: (n: number) => void;
  /** Resolves with the first accepted request matching `predicate`. */
  waitFor: (predicate: (r: Received) => boolean, timeoutMs?: number) => Promise<Received>;
  close: () => Promise<void>;
};

export async function startReceiver(): Promise<Receiver> {
  const received: Received[] = [];
  let failures = 0;
  const waiters: { predicate: (r: Received) => boolean; resolve: (r: Received) => void }[] = [];
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      const status = failures > 0 ? 500 : 200;
      if (failures > 0) failures--;
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
      const r: Received = { headers, body, json: JSON.parse(body) as Record<string, unknown>, at: Date.now(), status };
      received.push(r);
      res.writeHead(status).end();
      if (status === 200) {
        for (const w of [...waiters]) {
          if (w.predicate(r)) {
            waiters.splice(waiters.indexOf(w), 1);
            w.resolve(r);
          }
        }
      }
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    failNext: (n) => (failures = n),
    waitFor: (predicate, timeoutMs = 60_000) => {
      const already = received.find((r) => r.status === 200 && predicate(r));
      if (already) return Promise.resolve(already);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no matching delivery within ${timeoutMs / 1000} s; got ${received.length}`)),
          timeoutMs,
        );
        waiters.push({
          predicate,
          resolve: (r) => {
            clearTimeout(timer);
            resolve(r);
          },
        });
      });
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Subscribes `url` to an indexer's webhooks; returns the subscription id. */
export async function subscribe(
  indexerUrl: string,
  subscription: { url: string; secret: string; filter?: unknown },
): Promise<string> {
  const res = await fetch(`${indexerUrl}/webhooks`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(subscription),
  });
  const text = await res.text();
  if (res.status !== 201) throw new Error(`POST /webhooks answered ${res.status}: ${text}`);
  return (JSON.parse(text) as { id: string }).id;
}
