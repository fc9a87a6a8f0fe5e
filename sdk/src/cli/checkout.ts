/**
 * `devnet` and `deploy` run inside a Stigmergy checkout: its Hardhat (to run a node and the
 * deploy script) and its Ponder indexer. Finding the checkout and minding child processes.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join, resolve } from "node:path";
import { StigmergyError } from "../errors/base.js";

/** Not inside a Stigmergy checkout (no hardhat.config.ts and contracts/ up the tree). */
export class NoCheckoutError extends StigmergyError {
  override name = "NoCheckoutError";
  constructor(from: string) {
    super(`${from} is not inside a Stigmergy checkout (no hardhat.config.ts with a contracts/ folder above it).`, {
      code: "NO_CHECKOUT",
      metaMessages: ["Run this from a clone of the Stigmergy repository after `npm install`, or point --rpc at a node that runs Stigmergy."],
    });
  }
}

/** A child process that failed to start or exited early; `output` holds its last lines. */
export class ChildProcessError extends StigmergyError {
  override name = "ChildProcessError";
  constructor(what: string, output: string) {
    const tail = output.trim().split("\n").slice(-12);
    super(`${what}.`, { code: "CHILD_PROCESS_FAILED", metaMessages: tail.length && tail[0] ? ["Its last output:", ...tail.map((l) => `  ${l}`)] : [] });
  }
}

export type Checkout = { root: string; hardhat: string; ponder: string };

/** The checkout containing `from`: walks up until a directory holds hardhat.config.ts and contracts/. */
export function findCheckout(from = process.cwd()): Checkout {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    if (existsSync(join(dir, "hardhat.config.ts")) && existsSync(join(dir, "contracts"))) {
      return {
        root: dir,
        hardhat: join(dir, "node_modules", "hardhat", "dist", "src", "cli.js"),
        ponder: join(dir, "node_modules", "ponder", "dist", "esm", "bin", "ponder.js"),
      };
    }
    if (dirname(dir) === dir) throw new NoCheckoutError(resolve(from));
  }
}

/** Whether something already listens on 127.0.0.1:port. */
export function portInUse(port: number): Promise<boolean> {
  return new Promise((done) => {
    const server = createServer();
    server.once("error", () => done(true));
    server.once("listening", () => server.close(() => done(false)));
    server.listen(port, "127.0.0.1");
  });
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

/** The node's chain id once it answers JSON-RPC, or undefined. */
export async function chainIdAt(url: string): Promise<number | undefined> {
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      signal: AbortSignal.timeout(2_000),
    });
    const body = (await res.json()) as { result?: string };
    return body.result ? Number(body.result) : undefined;
  } catch {
    return undefined;
  }
}

/** A running child with its output kept (the last few KB) for error messages. */
export type Child = { process: ChildProcess; output: () => string; exited: Promise<number> };

/**
 * Spawns a child keeping its output. `detached` puts it in its own process group, so a Ctrl-C in
 * the terminal reaches only the CLI, which then stops it in order.
 */
export function start(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; detached?: boolean }): Child {
  const child = spawn(command, args, { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ["ignore", "pipe", "pipe"], detached: options.detached ?? false });
  let output = "";
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-8_000));
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<number>((done) => {
    child.once("error", (error) => ((output += `\n${error.message}`), done(127)));
    child.once("exit", (code, signal) => done(code ?? (signal ? 128 : 1)));
  });
  return { process: child, output: () => output, exited };
}

/** Polls `check` every 200 ms until it yields a value; fails if `child` exits first or after `timeoutMs`. */
export async function waitFor<T>(check: () => Promise<T | undefined>, child: Child, what: string, timeoutMs: number): Promise<T> {
  let exitCode: number | undefined;
  void child.exited.then((code) => (exitCode = code));
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (exitCode !== undefined) throw new ChildProcessError(`${what} exited early (code ${exitCode})`, child.output());
    if (Date.now() > until) throw new ChildProcessError(`${what} did not start within ${timeoutMs / 1000} s`, child.output());
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once it exited. */
export async function stop(child: Child, graceMs = 5_000): Promise<void> {
  if (child.process.exitCode !== null || child.process.signalCode !== null) return;
  const timer = setTimeout(() => child.process.kill("SIGKILL"), graceMs);
  child.process.kill("SIGTERM");
  await child.exited;
  clearTimeout(timer);
}

/** Runs `node <hardhat> run scripts/deploy.ts` in the checkout and returns the deployment file it wrote. */
export async function runDeploy(checkout: Checkout, options: { rpcUrl: string; deploymentsDir?: string; key?: string }): Promise<string> {
  const env: NodeJS.ProcessEnv = { STIGMERGY_RPC_URL: options.rpcUrl };
  if (options.deploymentsDir) env.STIGMERGY_DEPLOYMENTS_DIR = resolve(options.deploymentsDir);
  if (options.key) env.STIGMERGY_DEPLOYER_KEY = options.key;
  const network = options.key ? "custom" : "localhost";
  const child = start(process.execPath, [checkout.hardhat, "run", "scripts/deploy.ts", "--network", network], { cwd: checkout.root, env });
  const code = await child.exited;
  const written = /-> (.+\.json)\s*$/m.exec(child.output());
  if (code !== 0 || !written) throw new ChildProcessError(`the deployment failed (exit code ${code})`, child.output());
  return written[1]!.trim();
}
