/**
 * Proxies a test or a benchmark puts between a client and the node.
 *
 * - `startTcpProxy`: a plain TCP relay that can be cut (`down()`: open connections are reset and
 *   new ones refused, as when a node or its network goes away) and restored (`up()`).
 * - `startRpcCounter`: an HTTP and WebSocket relay that counts the JSON-RPC calls reaching the node
 *   (a batch counts each call it carries; a WebSocket, each call its client sends), by method; with
 *   `maxLogRange`, it refuses an HTTP `eth_getLogs` over more blocks than that, as hosted providers do.
 */
import { createServer as createHttpServer, request } from "node:http";
import { connect, createServer, type Server, type Socket } from "node:net";
import type { Duplex } from "node:stream";

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

const close = (server: Server) =>
  new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));

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
  /**
   * JSON-RPC calls received since the start or the last `reset()`, in total and by method (calls
   * refused for their range also count under `eth_getLogs (refused)`).
   */
  calls: () => { total: number; byMethod: Record<string, number> };
  reset: () => void;
  close: () => Promise<void>;
};

type Call = { id?: unknown; method?: string; params?: unknown[] };

/** The blocks an `eth_getLogs` call spans, when both ends are block numbers. */
function logRange(call: Call): number | undefined {
  if (call.method !== "eth_getLogs") return undefined;
  const { fromBlock, toBlock } = (call.params?.[0] ?? {}) as { fromBlock?: string; toBlock?: string };
  if (!fromBlock?.startsWith("0x") || !toBlock?.startsWith("0x")) return undefined;
  return Number(BigInt(toBlock) - BigInt(fromBlock)) + 1;
}

export async function startRpcCounter(targetUrl: string, options: { maxLogRange?: number } = {}): Promise<RpcCounter> {
  const target = new URL(targetUrl);
  let byMethod: Record<string, number> = {};
  const server = createHttpServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      let parsed: Call | Call[] | undefined;
      try {
        parsed = JSON.parse(body.toString("utf8")) as Call | Call[];
        for (const call of Array.isArray(parsed) ? parsed : [parsed]) {
          const method = call.method ?? "?";
          byMethod[method] = (byMethod[method] ?? 0) + 1;
        }
      } catch {
        byMethod["(unparsable)"] = (byMethod["(unparsable)"] ?? 0) + 1;
      }
      const span = parsed && !Array.isArray(parsed) ? logRange(parsed) : undefined;
      if (options.maxLogRange !== undefined && span !== undefined && span > options.maxLogRange) {
        byMethod["eth_getLogs (refused)"] = (byMethod["eth_getLogs (refused)"] ?? 0) + 1;
        const message = `query exceeds max block range ${options.maxLogRange} (asked ${span})`;
        const error = { jsonrpc: "2.0", id: (parsed as Call).id ?? null, error: { code: -32005, message } };
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify(error));
        return;
      }
      const upstream = request(
        {
          host: target.hostname,
          port: target.port,
          path: req.url,
          method: req.method,
          headers: { ...req.headers, host: target.host },
        },
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
  const upgraded = new Set<Duplex>();
  server.on("upgrade", (req, socket, head) => {
    const upstream = connect(Number(target.port), target.hostname);
    for (const s of [socket, upstream]) {
      upgraded.add(s);
      s.on("close", () => upgraded.delete(s));
      s.on("error", () => {
        socket.destroy();
        upstream.destroy();
      });
    }
    const headers = Object.entries({ ...req.headers, host: target.host }).flatMap(([k, v]) =>
      (Array.isArray(v) ? v : [v]).map((x) => `${k}: ${x}`),
    );
    upstream.write(`${req.method} ${req.url} HTTP/1.1\r\n${headers.join("\r\n")}\r\n\r\n`);
    upstream.write(head);
    upstream.pipe(socket);
    const count = countFrames((method) => (byMethod[method] = (byMethod[method] ?? 0) + 1));
    socket.on("data", (chunk: Buffer) => {
      count(chunk);
      upstream.write(chunk);
    });
  });
  const port = await listen(server, 0);
  return {
    url: `http://127.0.0.1:${port}`,
    calls: () => ({ total: Object.values(byMethod).reduce((a, b) => a + b, 0), byMethod: { ...byMethod } }),
    reset: () => {
      byMethod = {};
    },
    close: async () => {
      for (const s of upgraded) s.destroy();
      server.closeAllConnections();
      await close(server);
    },
  };
}

/**
 * Reads the WebSocket frames a client sends (RFC 6455: masked, as clients must) and reports the
 * method of each JSON-RPC call in a text frame. Fragmented messages are not reassembled (JSON-RPC
 * clients send each call whole).
 */
function countFrames(onCall: (method: string) => void): (chunk: Buffer) => void {
  let pending = Buffer.alloc(0);
  return (chunk) => {
    pending = Buffer.concat([pending, chunk]);
    for (;;) {
      if (pending.length < 2) return;
      const opcode = pending[0]! & 0x0f;
      const masked = (pending[1]! & 0x80) !== 0;
      let length = pending[1]! & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (pending.length < 4) return;
        length = pending.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (pending.length < 10) return;
        length = Number(pending.readBigUInt64BE(2));
        offset = 10;
      }
      const mask = masked ? pending.subarray(offset, offset + 4) : undefined;
      if (masked) offset += 4;
      if (pending.length < offset + length) return;
      const payload = Buffer.from(pending.subarray(offset, offset + length));
      pending = pending.subarray(offset + length);
      if (opcode !== 1) continue;
      if (mask) for (let i = 0; i < payload.length; i++) payload[i] = payload[i]! ^ mask[i % 4]!;
      try {
        const parsed = JSON.parse(payload.toString("utf8")) as { method?: string } | { method?: string }[];
        for (const call of Array.isArray(parsed) ? parsed : [parsed]) onCall(call.method ?? "?");
      } catch {
        onCall("(unparsable)");
      }
    }
  };
}
