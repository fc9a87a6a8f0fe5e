/**
 * The chains this indexer follows, read from the environment by ponder.config.ts (which indexes
 * them) and by the API (probes, webhooks, the `?chain=` parameter).
 *
 *   STIGMERGY_CHAINS  a JSON list [{ "name": "l1", "id": 31337, "rpc": "http://…", "ws": "ws://…" }, …],
 *                     or the path of a file holding one. Each chain's contracts come from
 *                     deployments/<id>.json. Without it: one chain, named "stigmergy", with
 *                     STIGMERGY_CHAIN_ID (default 31337) and STIGMERGY_RPC_URL (default http://127.0.0.1:8545).
 *   STIGMERGY_WS_URL  the single chain's WebSocket (default: derived, below); "off" turns the derived
 *                     WebSockets off for every chain (poll only).
 *
 * New blocks by push: with `ws`, Ponder subscribes to `newHeads` and does not poll (ponder/src/rpc/
 * index.ts). A chain without `ws` whose RPC is on this machine gets one derived from it (Hardhat's
 * node and anvil serve WebSocket on their HTTP port).
 */
import { readFileSync } from "node:fs";

/** One indexed chain: its Ponder name, chain id, JSON-RPC and (optionally) WebSocket URL. */
export type ChainConfig = { name: string; id: number; rpc: string; ws?: string };

const NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

/** Thrown for a chain list that cannot be indexed; the message says which entry and why. */
export class ChainConfigError extends Error {}

/** Validates a chain list (names unique and plain, ids unique positive integers, rpc an http(s) URL). */
export function parseChains(value: unknown, source = "STIGMERGY_CHAINS"): ChainConfig[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new ChainConfigError(`${source}: must be a non-empty JSON list of {name, id, rpc, ws?}`);
  }
  const chains = value.map((raw, i): ChainConfig => {
    const at = `${source}[${i}]`;
    if (typeof raw !== "object" || raw === null) {
      throw new ChainConfigError(`${at}: must be an object {name, id, rpc, ws?}`);
    }
    const { name, id, rpc, ws } = raw as Record<string, unknown>;
    if (typeof name !== "string" || !NAME.test(name)) {
      const got = JSON.stringify(name);
      throw new ChainConfigError(`${at}.name: must be letters, digits and _ starting with a letter, got ${got}`);
    }
    if (typeof id !== "number" || !Number.isSafeInteger(id) || id <= 0) {
      throw new ChainConfigError(`${at}.id: must be a positive integer chain id, got ${JSON.stringify(id)}`);
    }
    if (typeof rpc !== "string" || !/^https?:\/\//.test(rpc)) {
      throw new ChainConfigError(`${at}.rpc: must be an http(s) URL, got ${JSON.stringify(rpc)}`);
    }
    if (ws !== undefined && (typeof ws !== "string" || !/^wss?:\/\//.test(ws))) {
      throw new ChainConfigError(`${at}.ws: must be a ws(s) URL, got ${JSON.stringify(ws)}`);
    }
    return { name, id, rpc, ...(ws ? { ws } : {}) };
  });
  for (const key of ["name", "id"] as const) {
    const seen = new Set<unknown>();
    for (const chain of chains) {
      if (seen.has(chain[key])) throw new ChainConfigError(`${source}: two chains have the ${key} ${chain[key]}`);
      seen.add(chain[key]);
    }
  }
  return chains;
}

/** The chains to index, from the environment (see the file's comment). */
export function chainsFromEnv(env: NodeJS.ProcessEnv = process.env): ChainConfig[] {
  const configured = env.STIGMERGY_CHAINS?.trim();
  const wsSetting = env.STIGMERGY_WS_URL;
  if (!configured) {
    const rpc = env.STIGMERGY_RPC_URL ?? "http://127.0.0.1:8545";
    const ws = wsSetting === "off" ? undefined : (wsSetting ?? derivedWebSocket(rpc));
    return [{ name: "stigmergy", id: Number(env.STIGMERGY_CHAIN_ID ?? 31337), rpc, ...(ws ? { ws } : {}) }];
  }
  const chains = configured.startsWith("[")
    ? parseChains(JSON.parse(configured))
    : parseChains(JSON.parse(readFileSync(configured, "utf8")), configured);
  if (wsSetting === "off") return chains.map(({ ws: _ws, ...chain }) => chain);
  return chains.map((chain) => {
    const ws = chain.ws ?? derivedWebSocket(chain.rpc);
    return ws ? { ...chain, ws } : chain;
  });
}

/** The WebSocket of a JSON-RPC on this machine (same host and port), or undefined elsewhere. */
export function derivedWebSocket(rpcUrl: string): string | undefined {
  const url = new URL(rpcUrl);
  if (!["127.0.0.1", "localhost", "[::1]"].includes(url.hostname) || !url.protocol.startsWith("http")) return undefined;
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  return url.toString();
}

/** Local development chains (Hardhat's 31337 and the OP-stack 31338) restart from scratch. */
export const isLocalChain = (id: number) => id === 31337 || id === 31338;
