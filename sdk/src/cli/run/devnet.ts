/** What `stigmergy devnet` and `stigmergy deploy` do (a local chain, a deployment), loaded when one runs. */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { isHex } from "viem";
import { parseDeployment } from "@stigmergy/contracts";
import { InvalidInputError } from "../../errors/input.js";
import { ChildProcessError, type Child, chainIdAt, findCheckout, portInUse, runDeploy, start, stop, waitFor } from "../checkout.js";
import type { CommandResult } from "../output.js";
import type { CommandInput } from "../command.js";
import { NodeUnreachableError } from "../../errors/report.js";
import { toJson, writeLine } from "../output.js";
import { fields } from "../format.js";
import * as parse from "../values.js";

const port = (field: string, raw: string): number => Number(parse.whole(field, raw, { bits: 16, min: 1n }));

/** Stops the children (last started first) and removes the temporary directory, once. */
function supervisor() {
  const children: Child[] = [];
  const dirs: string[] = [];
  let stopping: Promise<void> | undefined;
  const kill = () => children.forEach((c) => c.process.exitCode === null && c.process.kill("SIGKILL"));
  process.once("exit", kill); // last resort if the CLI dies with children running
  return {
    children,
    dirs,
    get stopping() {
      return stopping !== undefined;
    },
    stopAll: () =>
      (stopping ??= (async () => {
        for (const child of [...children].reverse()) await stop(child, 10_000);
        for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
        process.off("exit", kill);
      })()),
  };
}

export async function devnet({ flags, session }: CommandInput): Promise<CommandResult | undefined> {
  const checkout = findCheckout();
  const rpcPort = port("port", flags.string("port") ?? "8545");
  const withIndexer = flags.flag("indexer");
  const indexerPort = port("indexer-port", flags.string("indexer-port") ?? "42069");
  if (await portInUse(rpcPort)) throw new InvalidInputError("port", `127.0.0.1:${rpcPort} is already in use (another node?); stop it or pass --port`, rpcPort);
  if (withIndexer && (await portInUse(indexerPort))) throw new InvalidInputError("indexer-port", `127.0.0.1:${indexerPort} is already in use; stop it or pass --indexer-port`, indexerPort);

  const sup = supervisor();
  const stopped = new Promise<void>((resolve) => {
    const onSignal = () => void sup.stopAll().then(resolve);
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
  });
  // An unexpected exit of a child (not one we stopped) ends the devnet with its output.
  let fail: (error: Error) => void = () => {};
  const failure = new Promise<never>((_, reject) => (fail = reject));
  const supervise = (child: Child, what: string): Child => {
    sup.children.push(child);
    void child.exited.then((code) => {
      if (!sup.stopping) fail(new ChildProcessError(`${what} exited unexpectedly (code ${code})`, child.output()));
    });
    return child;
  };
  const startup = async () => {
    const rpcUrl = `http://127.0.0.1:${rpcPort}`;
    const node = supervise(start(process.execPath, [checkout.hardhat, "node", "--hostname", "127.0.0.1", "--port", String(rpcPort)], { cwd: checkout.root, detached: true }), "the hardhat node");
    const chainId = await session.progress.run(`starting hardhat node on 127.0.0.1:${rpcPort}`, () => waitFor(() => chainIdAt(rpcUrl), node, "hardhat node", 120_000));
    const deploymentsDir = flags.string("deployments");
    const path = await session.progress.run("compiling and deploying the contracts", () => runDeploy(checkout, { rpcUrl, ...(deploymentsDir ? { deploymentsDir } : {}) }));
    const deployment = parseDeployment(JSON.parse(readFileSync(path, "utf8")), path);
    let indexerUrl: string | undefined;
    if (withIndexer) {
      const data = mkdtempSync(join(tmpdir(), "stigmergy-devnet-"));
      sup.dirs.push(data);
      const indexer = start(process.execPath, [checkout.ponder, "start", "--schema", "public", "--port", String(indexerPort)], {
        cwd: join(checkout.root, "indexer"),
        detached: true,
        env: {
          PONDER_TELEMETRY_DISABLED: "true",
          PORT: String(indexerPort),
          STIGMERGY_DB_SCHEMA: "public",
          STIGMERGY_RPC_URL: rpcUrl,
          STIGMERGY_CHAIN_ID: String(chainId),
          STIGMERGY_DEPLOYMENTS_DIR: dirname(path),
          DATABASE_URL: "",
          STIGMERGY_PGLITE_DIR: join(data, "ponder"),
          STIGMERGY_WEBHOOK_DIR: join(data, "webhooks"),
        },
      });
      supervise(indexer, "the indexer");
      indexerUrl = `http://127.0.0.1:${indexerPort}`;
      const ready = async () => ((await fetch(`${indexerUrl}/readyz`, { signal: AbortSignal.timeout(2_000) }).then((r) => r.ok, () => false)) ? true : undefined);
      await session.progress.run(`starting the indexer on 127.0.0.1:${indexerPort}`, () => waitFor(ready, indexer, "the indexer", 300_000));
    }
    const data = { rpcUrl, chainId, deployment: path, startBlock: deployment.startBlock, contracts: deployment.contracts, ...(indexerUrl ? { indexerUrl } : {}) };
    const connect = [`--rpc ${rpcUrl}`, ...(deploymentsDir ? [`--deployments ${deploymentsDir}`] : []), ...(indexerUrl ? [`--indexer ${indexerUrl}`] : [])].join(" ");
    const text = [
      fields("Stigmergy devnet is running", [
        ["JSON-RPC", `${rpcUrl} (chain ${chainId})`],
        ...(indexerUrl ? ([["indexer", indexerUrl]] as Array<[string, string]>) : []),
        ["deployment", path],
        ...Object.entries(deployment.contracts).map(([name, address]): [string, string] => [name, address ?? ""]),
      ]),
      "",
      "Accounts: the Hardhat development mnemonic (sign with --account 0 … 19).",
      `Try: stigmergy agent register --account 1 --name demo ${connect}`,
      "Press Ctrl-C to stop.",
    ].join("\n");
    await writeLine(process.stdout, session.json ? toJson(data, 2) : text);
    await stopped;
  };
  try {
    await Promise.race([startup(), stopped, failure]);
  } catch (error) {
    await sup.stopAll();
    throw error;
  }
  await sup.stopAll();
  return undefined;
}

export async function deploy({ flags, session }: CommandInput): Promise<CommandResult | undefined> {
  const checkout = findCheckout();
  const rpcUrl = flags.string("rpc") ?? process.env.STIGMERGY_RPC_URL ?? "http://127.0.0.1:8545";
  const key = flags.string("key") ?? process.env.STIGMERGY_DEPLOYER_KEY;
  if (key !== undefined && (!isHex(key) || key.length !== 66)) throw new InvalidInputError("key", "expected a private key: 0x followed by 64 hex digits");
  const deploymentsDir = flags.string("deployments") ?? process.env.STIGMERGY_DEPLOYMENTS_DIR;
  const chainId = await chainIdAt(rpcUrl);
  if (chainId === undefined) throw new NodeUnreachableError(rpcUrl);
  const path = await session.progress.run(`compiling and deploying to chain ${chainId} at ${rpcUrl}`, () =>
    runDeploy(checkout, { rpcUrl, ...(deploymentsDir ? { deploymentsDir } : {}), ...(key ? { key } : {}) }),
  );
  const deployment = parseDeployment(JSON.parse(readFileSync(path, "utf8")), path);
  return { data: { deployment: path, ...deployment }, text: path };
}
