/**
 * Proxies a test or a benchmark puts between a client and the node.
 *
 * - `startTcpProxy`: a plain TCP relay that can be cut (`down()`: open connections are reset and
 *   new ones refused, as when a node or its network goes away) and restored (`up()`).
 * - `startRpcCounter`: an HTTP relay that counts the JSON-RPC calls reaching the node (a batch
 *   counts each call it carries), by method.
 */
import { createServer as createHttpServer, request } from "node:http";
import { connect, createServer, type Server, type Socket } from "node:net";

export type TcpProxy = {
  url: string;
  port: number;
  /** Resets every open connection and refuses new ones until `up()`. */
  down: () => Promise<void>;
  up: () => Promise<void>;
  close: () => Promise<void>;
};

const listen = (server: Server, port: number) =>
  new Promise<number>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", reject);
      resolve((server.address() as { port: number }).port);
    });
  });

const close = (server: Server) => new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));

export async function startTcpProxy(target: { host?: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  const relay = (client: Socket) => {
    const upstream = connect(target.port, target.host ?? "127.0.0.1");
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
      s.on("error", () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  };
  let server = createServer(relay);
  const port = await listen(server, 0);
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    down: async () => {
      const closing = close(server);
      for (const s of sockets) s.resetAndDestroy();
      await closing;
    },
    up: async () => {
      if (server.listening) return;
      server = createServer(relay);
      await listen(server, port);
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await close(server);
    },
  };
}

export type RpcCounter = {
  url: string;
  /** JSON-RPC calls relayed since the start or the last `reset()`, in total and by method. */
  calls: () => { total: number; byMethod: Record<string, number> };
  reset: () => void;
  close: () => Promise<void>;
};

export async function startRpcCounter(targetUrl: string): Promise<RpcCounter> {
  const target = new URL(targetUrl);
  let byMethod: Record<string, number> = {};
  const server = createHttpServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      try {
        const parsed = JSON.parse(body.toString("utf8")) as { method?: string } | { method?: string }[];
        for (const call of Array.isArray(parsed) ? parsed : [parsed]) {
          const method = call.method ?? "?";
          byMethod[method] = (byMethod[method] ?? 0) + 1;
        }
      } catch {
        byMethod["(unparsable)"] = (byMethod["(unparsable)"] ?? 0) + 1;
      }
      const upstream = request(
        { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: { ...req.headers, host: target.host } },
        (reply) => {
          res.writeHead(reply.statusCode ?? 502, reply.headers);
          reply.pipe(res);
        },
      );
      upstream.on("error", () => {
        if (!res.headersSent) res.writeHead(502);
        res.end();
      });
      upstream.end(body);
    });
  });
  server.keepAliveTimeout = 30_000;
  const port = await listen(server, 0);
  return {
    url: `http://127.0.0.1:${port}`,
    calls: () => ({ total: Object.values(byMethod).reduce((a, b) => a + b, 0), byMethod: { ...byMethod } }),
    reset: () => {
      byMethod = {};
    },
    close: async () => {
      server.closeAllConnections();
      await close(server);
    },
  };
}
