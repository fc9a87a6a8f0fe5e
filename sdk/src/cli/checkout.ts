/**
 * `devnet` and `deploy` run inside a Stigmergy checkout, with its own tools: its devnet script (node,
 * deployment, indexer: scripts/devnet.ts) and its Hardhat deploy script. This finds the checkout and
 * hands over to them; minding processes is the checkout's business (scripts/lib/processes.ts).
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { NoCheckoutError } from "../errors/config.js";
import { ChildProcessError } from "../errors/process.js";

export type Checkout = { root: string; hardhat: string; tsx: string };

/** The checkout containing `from`: walks up until a directory holds hardhat.config.ts and contracts/. */
export function findCheckout(from = process.cwd()): Checkout {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    if (existsSync(join(dir, "hardhat.config.ts")) && existsSync(join(dir, "contracts"))) {
      return {
        root: dir,
        hardhat: join(dir, "node_modules", "hardhat", "dist", "src", "cli.js"),
        tsx: join(dir, "node_modules", "tsx", "dist", "cli.mjs"),
      };
    }
    if (dirname(dir) === dir) throw new NoCheckoutError(resolve(from));
  }
}

/**
 * Runs one of the checkout's scripts in the foreground (its output is ours; Ctrl-C reaches it and
 * it stops what it started) and resolves with its exit code.
 */
export function runScript(checkout: Checkout, script: string, args: string[]): Promise<number> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [checkout.tsx, join(checkout.root, script), ...args], {
      cwd: checkout.root,
      stdio: "inherit",
    });
    // Ctrl-C (or a SIGTERM) is passed on; the script stops what it started, and we wait for it.
    const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
    const onInt = forward("SIGINT");
    const onTerm = forward("SIGTERM");
    process.on("SIGINT", onInt);
    process.on("SIGTERM", onTerm);
    child.once("error", () => done(127));
    child.once("exit", (code, signal) => {
      process.off("SIGINT", onInt);
      process.off("SIGTERM", onTerm);
      done(code ?? (signal ? 128 : 1));
    });
  });
}

/** Runs `node <hardhat> run scripts/deploy.ts` in the checkout and returns the deployment file it wrote. */
export function runDeploy(
  checkout: Checkout,
  options: { rpcUrl: string; deploymentsDir?: string; key?: string },
): Promise<string> {
  const env: NodeJS.ProcessEnv = { ...process.env, STIGMERGY_RPC_URL: options.rpcUrl };
  if (options.deploymentsDir) env.STIGMERGY_DEPLOYMENTS_DIR = resolve(options.deploymentsDir);
  if (options.key) env.STIGMERGY_DEPLOYER_KEY = options.key;
  const network = options.key ? "custom" : "localhost";
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [checkout.hardhat, "run", "scripts/deploy.ts", "--network", network], {
      cwd: checkout.root,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-8_000));
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    child.once("error", (error) =>
      fail(new ChildProcessError(`the deployment could not start (${error.message})`, output)),
    );
    child.once("exit", (code) => {
      const written = /-> (.+\.json)\s*$/m.exec(output);
      if (code !== 0 || !written) fail(new ChildProcessError(`the deployment failed (exit code ${code})`, output));
      else done(written[1]!.trim());
    });
  });
}
