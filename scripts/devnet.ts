/**
 * A local chain with Stigmergy deployed, and optionally the indexer, until Ctrl-C: what
 * `stigmergy devnet` runs inside a checkout (the CLI finds the checkout and starts this script).
 *
 *   tsx scripts/devnet.ts [--chain-type l1|op] [--port N] [--indexer] [--indexer-port N] [--deployments DIR]
 *                         [--json] [--quiet]
 *
 * `--chain-type op` runs an OP-stack chain (chain 31338: GasPriceOracle, receipts with the L1 data
 * fee) on port 8546 and its indexer on 42070 by default, so it can run beside the default `l1` devnet
 * (chain 31337, ports 8545 and 42069).
 *
 * Progress goes to stderr; the endpoints (text, or one JSON document with --json) to stdout once
 * everything answers. Exit codes as the CLI's: 0 stopped by Ctrl-C, 2 a bad option or a taken port,
 * 3 the node, the deployment or the indexer failed.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import { parseDeployment } from "@stigmergy/contracts";
import type { LocalChainType } from "./lib/chains.ts";
import {
  HARDHAT_BIN,
  portInUse,
  type RunningIndexer,
  type RunningNode,
  runToEnd,
  startHardhatNode,
  startIndexer,
} from "./lib/processes.ts";

type Problem = { code: string; message: string; field?: string; exit: number };

const { values } = parseArgs({
  options: {
    "chain-type": { type: "string" },
    port: { type: "string" },
    indexer: { type: "boolean" },
    "indexer-port": { type: "string" },
    deployments: { type: "string" },
    json: { type: "boolean" },
    quiet: { type: "boolean" },
  },
  strict: true,
});
const json = values.json === true;
const note = (line: string) => values.quiet || process.stderr.write(`… ${line}\n`);

function fail(problem: Problem): never {
  process.stderr.write(`error: ${problem.message}\n`);
  const error = { code: problem.code, message: problem.message, ...(problem.field ? { field: problem.field } : {}) };
  if (json) process.stdout.write(`${JSON.stringify({ error }, null, 2)}\n`);
  process.exit(problem.exit);
}

const port = (field: string, raw: string | undefined, fallback: number): number => {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > 65_535)
    fail({
      code: "INVALID_INPUT",
      field,
      message: `Invalid ${field}: expected a port number (1 to 65535), got "${raw}".`,
      exit: 2,
    });
  return n;
};
const chainTypeArg = values["chain-type"] ?? "l1";
if (chainTypeArg !== "l1" && chainTypeArg !== "op") {
  const message = `Invalid chain-type: expected l1 or op, got "${chainTypeArg}".`;
  fail({ code: "INVALID_INPUT", field: "chain-type", message, exit: 2 });
}
const chainType: LocalChainType = chainTypeArg;
const rpcPort = port("port", values.port, chainType === "op" ? 8546 : 8545);
const indexerPort = port("indexer-port", values["indexer-port"], chainType === "op" ? 42070 : 42069);
if (await portInUse(rpcPort))
  fail({
    code: "INVALID_INPUT",
    field: "port",
    message: `Invalid port: 127.0.0.1:${rpcPort} is already in use (another node?); stop it or pass --port.`,
    exit: 2,
  });
if (values.indexer && (await portInUse(indexerPort))) {
  fail({
    code: "INVALID_INPUT",
    field: "indexer-port",
    message: `Invalid indexer-port: 127.0.0.1:${indexerPort} is already in use; stop it or pass --indexer-port.`,
    exit: 2,
  });
}

let node: RunningNode | undefined;
let indexer: RunningIndexer | undefined;
let data: string | undefined;
let stopping = false;
/** Stops the indexer, then the node, removes the indexer's files and exits with `code`. */
async function shutdown(code: number): Promise<never> {
  if (stopping) return new Promise<never>(() => {});
  stopping = true;
  await indexer?.stop();
  await node?.stop();
  if (data) rmSync(data, { recursive: true, force: true });
  process.exit(code);
}
// Ctrl-C may arrive twice (from the terminal and passed on by the CLI): the first one stops.
process.on("SIGINT", () => void shutdown(0));
process.on("SIGTERM", () => void shutdown(0));
const died = (what: string) => (code: number | null) => {
  if (stopping) return;
  process.stderr.write(`error: ${what} exited unexpectedly (code ${code})\n`);
  void shutdown(3);
};

try {
  note(`starting hardhat node (${chainType}) on 127.0.0.1:${rpcPort}`);
  node = await startHardhatNode(rpcPort, undefined, { chainType });
  node.process.once("exit", died("the hardhat node"));
  note("compiling and deploying the contracts");
  const env: NodeJS.ProcessEnv = {
    STIGMERGY_RPC_URL: node.url,
    ...(values.deployments ? { STIGMERGY_DEPLOYMENTS_DIR: values.deployments } : {}),
  };
  const hardhatNetwork = chainType === "op" ? "localhostOp" : "localhost";
  const deployed = await runToEnd(
    process.execPath,
    [HARDHAT_BIN, "run", "scripts/deploy.ts", "--network", hardhatNetwork],
    env,
  );
  const written = /-> (.+\.json)\s*$/m.exec(deployed.output);
  if (deployed.code !== 0 || !written)
    throw new Error(
      `the deployment failed (exit code ${deployed.code}):\n` +
        `${deployed.output.trim().split("\n").slice(-12).join("\n")}`,
    );
  const path = written[1]!.trim();
  const deployment = parseDeployment(JSON.parse(readFileSync(path, "utf8")), path);
  let indexerUrl: string | undefined;
  if (values.indexer) {
    note(`starting the indexer on 127.0.0.1:${indexerPort}`);
    data = mkdtempSync(join(tmpdir(), "stigmergy-devnet-"));
    indexer = await startIndexer({
      rpcUrl: node.url,
      deploymentsDir: dirname(path),
      port: indexerPort,
      pgliteDir: join(data, "ponder"),
      env: { STIGMERGY_CHAIN_ID: String(node.chainId), STIGMERGY_WEBHOOK_DIR: join(data, "webhooks") },
    });
    indexer.process.once("exit", died("the indexer"));
    indexerUrl = indexer.url;
  }
  const endpoints = {
    rpcUrl: node.url,
    chainId: node.chainId,
    chainType,
    deployment: path,
    startBlock: deployment.startBlock,
    contracts: deployment.contracts,
    ...(indexerUrl ? { indexerUrl } : {}),
  };
  if (json) {
    process.stdout.write(`${JSON.stringify(endpoints, null, 2)}\n`);
  } else {
    const connect = [
      `--rpc ${node.url}`,
      ...(values.deployments ? [`--deployments ${values.deployments}`] : []),
      ...(indexerUrl ? [`--indexer ${indexerUrl}`] : []),
    ].join(" ");
    const rows: [string, string][] = [
      ["JSON-RPC", `${node.url} (chain ${node.chainId}, ${chainType === "op" ? "OP stack" : "L1"})`],
      ...(indexerUrl ? ([["indexer", indexerUrl]] as [string, string][]) : []),
      ["deployment", path],
      ...Object.entries(deployment.contracts).map(([name, address]): [string, string] => [name, address ?? ""]),
    ];
    const width = Math.max(...rows.map(([k]) => k.length));
    process.stdout.write(
      [
        "Stigmergy devnet is running",
        ...rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`),
        "",
        "Accounts: the Hardhat development mnemonic (sign with --account 0 … 19).",
        `Try: stigmergy agent register --account 1 --name demo ${connect}`,
        "Press Ctrl-C to stop.",
        "",
      ].join("\n"),
    );
  }
} catch (error) {
  process.stderr.write(`error: ${(error as Error).message}\n`);
  await shutdown(3);
}
