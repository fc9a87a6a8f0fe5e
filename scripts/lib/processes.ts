/**
 * Child processes the start command, `stigmergy devnet` (scripts/devnet.ts), the benches and the
 * end-to-end tests share: a Hardhat node, the indexer, free ports, readiness, stopping. The one
 * process supervisor of the repository.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createPublicClient, http } from "viem";
import { LOCAL_CHAIN_IDS, type LocalChainType, setL1FeeScalars } from "./chains.ts";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const HARDHAT_BIN = join(ROOT, "node_modules", "hardhat", "dist", "src", "cli.js");

/** Whether something already listens on 127.0.0.1:port. */
export function portInUse(port: number): Promise<boolean> {
  return new Promise((done) => {
    const server = createServer();
    server.once("error", () => done(true));
    server.once("listening", () => server.close(() => done(false)));
    server.listen(port, "127.0.0.1");
  });
}

/**
 * The first of `count` consecutive free ports on 127.0.0.1 (for a command that takes PORT, PORT + 1, …):
 * the OS chooses the first; the next ones are tried at once, and another start is chosen if one is taken.
 */
export async function freePorts(count: number): Promise<number> {
  for (let tries = 0; tries < 50; tries++) {
    const first = await freePort();
    if (first + count - 1 > 65_535) continue;
    const taken = await Promise.all(Array.from({ length: count - 1 }, (_, i) => portInUse(first + 1 + i)));
    if (!taken.includes(true)) return first;
  }
  throw new Error(`no ${count} consecutive free ports on 127.0.0.1`);
}

/** A free port on 127.0.0.1, chosen by the OS. */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => done(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/** Polls `eth_chainId` until the node answers; rejects after `timeoutMs`. */
export async function waitForRpc(
  url: string,
  timeoutMs = 60_000,
  onWait?: (elapsedMs: number) => void,
): Promise<number> {
  const client = createPublicClient({ transport: http(url, { retryCount: 0, timeout: 2_000 }) });
  const started = Date.now();
  for (let attempt = 0; ; attempt++) {
    const chainId = await client.getChainId().catch(() => undefined); // not up yet
    if (chainId !== undefined) return chainId;
    const elapsed = Date.now() - started;
    if (elapsed > timeoutMs) throw new Error(`no JSON-RPC answer from ${url} after ${Math.round(elapsed / 1000)} s`);
    if (attempt % 10 === 9) onWait?.(elapsed);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export type RunningNode = {
  url: string;
  port: number;
  chainId: number;
  chainType: LocalChainType;
  process: ChildProcess;
  stop: () => Promise<void>;
};

export type HardhatNodeOptions = {
  /** `l1` (default: Hardhat's node as it comes, chain 31337) or `op` (an OP-stack chain). */
  chainType?: LocalChainType;
  /** Defaults to the chain type's local id (LOCAL_CHAIN_IDS: 31337, 31338). */
  chainId?: number;
};

/**
 * Preloaded into child processes started with an IPC channel: the child exits as soon as its parent
 * is gone (even killed by SIGKILL), so a killed run or test leaves no process holding a port.
 */
export const EXIT_WITH_PARENT = `data:text/javascript,${encodeURIComponent(
  'if (process.send) { process.channel.unref(); process.once("disconnect", () => process.exit(0)); }',
)}`;

/**
 * Starts `hardhat node` on 127.0.0.1:port and resolves once it answers JSON-RPC. Its output goes
 * to `onOutput` (default: discarded; it lists the test accounts and every request). It stops when
 * this process dies. An `op` node (`--chain-type op --chain-id 31338`) gets its L1 fee scalars
 * (setL1FeeScalars) before it is handed over, so its receipts carry a non-zero `l1Fee`.
 */
export async function startHardhatNode(
  port: number,
  onOutput: (chunk: string) => void = () => {},
  options: HardhatNodeOptions = {},
): Promise<RunningNode> {
  const chainType = options.chainType ?? "l1";
  const chainArgs =
    chainType === "op" || options.chainId !== undefined
      ? [
          ...(chainType === "op" ? ["--chain-type", "op"] : []),
          "--chain-id",
          String(options.chainId ?? LOCAL_CHAIN_IDS[chainType]),
        ]
      : [];
  const args = [
    "--import",
    EXIT_WITH_PARENT,
    HARDHAT_BIN,
    "node",
    "--hostname",
    "127.0.0.1",
    "--port",
    String(port),
    ...chainArgs,
  ];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe", "ipc"],
  });
  child.channel?.unref();
  child.stdout!.on("data", (c: Buffer) => onOutput(c.toString()));
  child.stderr!.on("data", (c: Buffer) => onOutput(c.toString()));
  const exited = new Promise<never>((_, reject) =>
    child.once("exit", (code) => reject(new Error(`hardhat node exited early (code ${code})`))),
  );
  const url = `http://127.0.0.1:${port}`;
  const chainId = await Promise.race([waitForRpc(url), exited]);
  const stop = () => stopProcess(child);
  if (chainType === "op") {
    const client = createPublicClient({ transport: http(url, { retryCount: 0 }) });
    await setL1FeeScalars({ request: (args) => client.request(args as never) }).catch(async (error: unknown) => {
      await stop();
      throw error;
    });
  }
  return { url, port, chainId, chainType, process: child, stop };
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves when the process has exited. */
export function stopProcess(child: ChildProcess, graceMs = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

/** Runs a command to completion, collecting its output. */
export function runToEnd(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
  cwd = ROOT,
): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env } });
    let output = "";
    child.stdout.on("data", (c: Buffer) => (output += c.toString()));
    child.stderr.on("data", (c: Buffer) => (output += c.toString()));
    child.on("error", (err) => resolve({ code: 127, output: `${output}${err.message}` }));
    child.on("close", (code) => resolve({ code: code ?? 1, output }));
  });
}

export { HARDHAT_BIN };

/** How the indexer runs: Ponder under its supervisor (indexer/supervise.ts), as `npm run indexer` runs it. */
const SUPERVISOR = join(ROOT, "indexer", "supervise.ts");

export type IndexerOptions = {
  rpcUrl: string;
  deploymentsDir: string;
  port: number;
  /** PostgreSQL connection string; without it, PGlite in `pgliteDir`. */
  databaseUrl?: string;
  pgliteDir?: string;
  /** Database schema name (one per indexer instance sharing a database). */
  dbSchema?: string;
  pollingInterval?: number;
  /** `start` (index and serve) or `serve` (read-only API over a database another instance writes). */
  command?: "start" | "serve";
  /** `start` only: also keep a schema of views onto `dbSchema` (Ponder's `--views-schema`) for readers to serve. */
  viewsSchema?: string;
  onOutput?: (chunk: string) => void;
  /** Wait for /readyz (caught up with the chain) rather than just Ponder's /health. */
  waitForReady?: boolean;
  /** Extra environment (webhook settings, say). */
  env?: NodeJS.ProcessEnv;
};

export type RunningIndexer = {
  url: string;
  port: number;
  /** The supervisor; Ponder is its child, in the same process group. */
  process: ChildProcess;
  stop: () => Promise<void>;
  /** SIGKILL to the supervisor and Ponder at once (a hard crash); resolves when the supervisor is gone. */
  kill: () => Promise<void>;
};

/** Polls `url` until it answers 200; rejects after `timeoutMs`. */
export async function waitForHttp(url: string, timeoutMs = 120_000, exited?: Promise<never>): Promise<void> {
  const started = Date.now();
  const poll = (async () => {
    while (true) {
      try {
        const res = await fetch(url);
        if (res.ok) return;
      } catch {
        // not up yet
      }
      if (Date.now() - started > timeoutMs) throw new Error(`${url} did not answer 200 within ${timeoutMs / 1000} s`);
      await new Promise((r) => setTimeout(r, 200));
    }
  })();
  await (exited ? Promise.race([poll, exited]) : poll);
}

/**
 * Starts the indexer (`ponder start`, or `ponder serve`, under its supervisor) as a child process in
 * its own process group, with an IPC channel: if this process dies, the indexer stops.
 */
export async function startIndexer(options: IndexerOptions): Promise<RunningIndexer> {
  const schema = options.dbSchema ?? "public";
  const command = options.command ?? "start";
  const views = options.viewsSchema ? ["--views-schema", options.viewsSchema] : [];
  const argv = [SUPERVISOR, command, "--schema", schema, ...views, "--port", String(options.port)];
  const child = spawn(process.execPath, ["--import", "tsx", ...argv], {
    cwd: join(ROOT, "indexer"),
    stdio: ["ignore", "pipe", "pipe", "ipc"],
    detached: true,
    env: {
      ...process.env,
      PONDER_TELEMETRY_DISABLED: "true",
      PORT: String(options.port),
      STIGMERGY_DB_SCHEMA: schema,
      STIGMERGY_RPC_URL: options.rpcUrl,
      STIGMERGY_DEPLOYMENTS_DIR: options.deploymentsDir,
      ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : { DATABASE_URL: "" }),
      ...(options.pgliteDir ? { STIGMERGY_PGLITE_DIR: options.pgliteDir } : {}),
      ...(options.pollingInterval ? { STIGMERGY_POLLING_INTERVAL: String(options.pollingInterval) } : {}),
      ...options.env,
    },
  });
  const onOutput = options.onOutput ?? (() => {});
  let tail = "";
  const collect = (c: Buffer) => {
    const s = c.toString();
    tail = (tail + s).slice(-4_000);
    onOutput(s);
  };
  child.stdout!.on("data", collect);
  child.stderr!.on("data", collect);
  const exited = new Promise<never>((_, reject) =>
    child.once("exit", (code) => reject(new Error(`ponder ${command} exited early (code ${code}):\n${tail}`))),
  );
  child.channel?.unref();
  const url = `http://127.0.0.1:${options.port}`;
  const kill = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise((resolve) => child.once("exit", resolve));
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      // already gone
    }
    await gone;
  };
  await waitForHttp(`${url}/${options.waitForReady === false ? "health" : "readyz"}`, 180_000, exited);
  return { url, port: options.port, process: child, stop: () => stopProcess(child, 10_000), kill };
}
