/**
 * The README, held to its word. Its command table and its configuration table are read from the
 * README itself; every command and every variable must be run somewhere as written — here, or by the
 * test or script named below (which must mention it) — and every environment variable the code
 * reads must be in the table. The README's CLI example and MCP host configurations run as written.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { type AddressInfo, createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { expect } from "chai";
import { createPublicClient, getAddress, http } from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { postgresAvailable, startPostgres } from "../../scripts/lib/postgres.ts";
import {
  freePort,
  portInUse,
  ROOT,
  type RunningNode,
  runToEnd,
  startHardhatNode,
} from "../../scripts/lib/processes.ts";
import { startRpcCounter } from "../../scripts/lib/proxy.ts";
import { MNEMONIC, taskPoster } from "../../scripts/lib/tasks.ts";
import { abis, parseDeployment } from "../../sdk/src/index.ts";

const README = readFileSync(join(ROOT, "README.md"), "utf8");

/** The first column's code spans of the markdown table under `heading`. */
function tableCodes(heading: string): string[] {
  const start = README.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`README.md has no "${heading}" section`);
  const rest = README.slice(start + heading.length + 2);
  const end = rest.search(/\n#{2,3} /);
  const rows = (end < 0 ? rest : rest.slice(0, end)).split("\n").filter((l) => l.startsWith("| `"));
  return rows.flatMap((row) => [...row.split("|")[1]!.matchAll(/`([^`]+)`/g)].map((m) => m[1]!));
}

/** The fenced block after `<!-- doc-test:NAME -->`. */
function docBlock(name: string): string {
  const match = new RegExp(`<!-- doc-test:${name} -->\\s*\`\`\`\\w*\\n([\\s\\S]*?)\`\`\``).exec(README);
  if (!match) throw new Error(`README.md has no block after <!-- doc-test:${name} -->`);
  return match[1]!;
}

/** Environment variables the product's code reads (tests excluded). */
function variablesReadByCode(): Set<string> {
  const found = new Set<string>();
  const scan = (path: string) => {
    for (const entry of readdirSync(path)) {
      const full = join(path, entry);
      if (["node_modules", "dist", "generated", ".ponder"].includes(entry)) continue;
      if (statSync(full).isDirectory()) scan(full);
      else if (/\.(ts|js)$/.test(entry))
        for (const m of readFileSync(full, "utf8").matchAll(/env(?:\.|\[")([A-Z][A-Z0-9_]*)/g)) found.add(m[1]!);
    }
  };
  for (const dir of ["indexer/src", "sdk/src", "sdk/bin", "scripts", "bench"]) scan(join(ROOT, dir));
  // The Ponder patch reads settings too (STIGMERGY_MAX_LIVE_QUERIES, STIGMERGY_CHAIN_DOWN_MS).
  const files = [
    "hardhat.config.ts",
    "indexer/ponder.config.ts",
    "indexer/supervise.ts",
    "patches/ponder+0.16.10.patch",
  ];
  for (const file of files) {
    for (const m of readFileSync(join(ROOT, file), "utf8").matchAll(/(?:env\.|configVariable\(")([A-Z][A-Z0-9_]*)/g))
      found.add(m[1]!);
  }
  for (const m of readFileSync(join(ROOT, "indexer", "package.json"), "utf8").matchAll(/\$\{([A-Z][A-Z0-9_]*)/g))
    found.add(m[1]!);
  return found;
}

/** Commands and variables this file runs as written (checked by the tests below). */
const RUN_HERE = new Set([
  "npm run deploy -- --network localhost",
  "npm run deploy -- --network custom",
  "npm run indexer",
  "npm run bench",
  "npm run format",
  "STIGMERGY_RPC_URL",
  "STIGMERGY_DEPLOYER_KEY",
  "STIGMERGY_DEPLOYMENTS_DIR",
  "STIGMERGY_STAKE_TOKEN",
  "STIGMERGY_UNBONDING_PERIOD",
  "PORT",
  "DATABASE_URL",
  "STIGMERGY_DB_SCHEMA",
  "STIGMERGY_PGLITE_DIR",
  "STIGMERGY_CHAIN_ID",
  "STIGMERGY_POLLING_INTERVAL",
  "STIGMERGY_WS_URL",
  "STIGMERGY_WS_RESUBSCRIBE_MS",
  "STIGMERGY_WEBHOOK_DIR",
  "STIGMERGY_INDEXER_URL",
  "STIGMERGY_PRIVATE_KEY",
  "STIGMERGY_ACCOUNT",
  "STIGMERGY_AGENT_ID",
  "STIGMERGY_DEPLOYMENT",
  "STIGMERGY_BENCH",
  "STIGMERGY_BENCH_OUT",
]);

/** Commands and variables run as written elsewhere: the file that runs them, which must mention them. */
const RUN_ELSEWHERE: Record<string, string> = {
  "npm start": "test/e2e/start.test.ts",
  "npm start -- --chains 2": "test/e2e/start.test.ts",
  "npm test": ".ci/run",
  "npm run build": "scripts/run-tests.ts",
  "npm run coverage": "scripts/run-tests.ts",
  "npm run lint": "scripts/run-tests.ts",
  "npm run deploy -- --network localhostOp": "test/e2e/deploy.test.ts",
  STIGMERGY_TREASURY: "test/e2e/deploy.test.ts",
  STIGMERGY_RANDOMNESS: "test/e2e/deploy.test.ts",
  STIGMERGY_CHAINS: "test/e2e/multichain.test.ts",
  STIGMERGY_RPC_GRACE_MS: "test/e2e/outage.test.ts",
  STIGMERGY_CHAIN_DOWN_MS: "test/e2e/multichain.test.ts",
  STIGMERGY_READY_MAX_LAG: "test/e2e/outage.test.ts",
  STIGMERGY_REORG_GRACE_MS: "test/e2e/reorg.test.ts",
  STIGMERGY_WEBHOOKS: "test/e2e/crash.test.ts",
  STIGMERGY_WEBHOOK_TOKEN: "test/e2e/webhooks.test.ts",
  STIGMERGY_WEBHOOK_CONFIRMATIONS: "test/e2e/reorg.test.ts",
  STIGMERGY_WEBHOOK_MAX_ATTEMPTS: "test/e2e/webhooks.test.ts",
  STIGMERGY_WEBHOOK_BACKOFF_MS: "test/e2e/webhooks.test.ts",
  STIGMERGY_WEBHOOK_BACKOFF_CAP_MS: "test/e2e/webhooks.test.ts",
  STIGMERGY_RPC_PORT: "test/e2e/start.test.ts",
  STIGMERGY_INDEXER_PORT: "test/e2e/start.test.ts",
  STIGMERGY_PG_BIN: "scripts/lib/postgres.ts",
  "npm run indexer:cluster": "test/e2e/cluster.test.ts",
  STIGMERGY_READERS: "bench/fanout.ts",
  STIGMERGY_MAX_LIVE_QUERIES: "bench/fanout.ts",
  STIGMERGY_SSE_KEEPALIVE_MS: "test/e2e/sql.test.ts",
  CI: "scripts/run-tests.ts",
};

/** How the elsewhere-files spell a command (npm test runs `npm run coverage` as `npm run coverage`, …). */
const SPELLED: Record<string, string> = {
  "npm start": "npm start",
  "npm start -- --chains 2": '"--chains", "2"',
  "npm test": "npm install && npm test",
  "npm run build": '["run", "build"]',
  "npm run coverage": '["run", "coverage"]',
  "npm run lint": '["run", "lint"]',
};

/** A long-running command (npm and its children in one process group), with its output. */
type Job = { child: ChildProcess; output: () => string; exited: Promise<number | null>; stop: () => Promise<void> };

function startJob(command: string, args: string[], env: NodeJS.ProcessEnv = {}, cwd = ROOT): Job {
  const child = spawn(command, args, {
    cwd,
    env: { ...process.env, FORCE_COLOR: "0", ...env },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    try {
      process.kill(-child.pid!, "SIGTERM");
    } catch {
      // already gone
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        // already gone
      }
    }, 15_000);
    await exited;
    clearTimeout(timer);
  };
  return { child, output: () => output, exited, stop };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resolves once `check` returns true (polled), or rejects with `what` and the job's output. */
async function until(
  check: () => boolean | Promise<boolean>,
  what: string,
  job?: Job,
  timeoutMs = 240_000,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (job && (job.child.exitCode !== null || job.child.signalCode !== null))
      throw new Error(
        `${what}: the command exited (${job.child.exitCode ?? job.child.signalCode}):\n${job.output().slice(-3_000)}`,
      );
    if (Date.now() > end) throw new Error(`${what}: timed out${job ? `:\n${job.output().slice(-3_000)}` : ""}`);
    await sleep(200);
  }
}

const ok = async (url: string) =>
  fetch(url).then(
    (r) => r.ok,
    () => false,
  );

const devKey = (index: number) => {
  const key = mnemonicToAccount(MNEMONIC, { addressIndex: index }).getHdKey().privateKey!;
  return `0x${Buffer.from(key).toString("hex")}` as `0x${string}`;
};

describe("the README, as written", function () {
  this.timeout(600_000);

  it("documents every command it runs and every setting the code reads, and each runs somewhere as written", () => {
    const commands = tableCodes("## Commands");
    const variables = tableCodes("### Configuration");
    expect(commands.length).to.be.greaterThan(5);
    expect(variables.length).to.be.greaterThan(20);
    const unrun = [...commands, ...variables].filter((name) => !RUN_HERE.has(name) && !(name in RUN_ELSEWHERE));
    expect(unrun, "documented but run nowhere (add a test and list it here)").to.deep.equal([]);
    for (const [name, file] of Object.entries(RUN_ELSEWHERE)) {
      const text = readFileSync(join(ROOT, file), "utf8");
      expect(text.includes(SPELLED[name] ?? name), `${file} is said to run ${name} but does not mention it`).to.equal(
        true,
      );
    }
    const undocumented = [...variablesReadByCode()].filter(
      (v) => !variables.includes(v) && !v.startsWith("PONDER_") && v !== "FORCE_COLOR" && v !== "NO_COLOR",
    );
    expect(undocumented, "read by the code but missing from the README's configuration table").to.deep.equal([]);
  });

  describe("deploy, indexer and CLI against a local node", () => {
    let node: RunningNode;
    let dir: string;
    let deploymentPath: string;

    before(async () => {
      node = await startHardhatNode(await freePort());
      dir = mkdtempSync(join(tmpdir(), "stigmergy-readme-"));
    });
    after(async () => {
      await node?.stop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it(
      "`npm run deploy -- --network localhost` deploys with STIGMERGY_RPC_URL, " +
        "STIGMERGY_DEPLOYMENTS_DIR and STIGMERGY_UNBONDING_PERIOD",
      async () => {
        const run = await runToEnd("npm", ["run", "deploy", "--", "--network", "localhost"], {
          STIGMERGY_RPC_URL: node.url,
          STIGMERGY_DEPLOYMENTS_DIR: dir,
          STIGMERGY_UNBONDING_PERIOD: "3600",
        });
        expect(run.code, run.output).to.equal(0);
        deploymentPath = join(dir, `${node.chainId}.json`);
        const deployment = parseDeployment(JSON.parse(readFileSync(deploymentPath, "utf8")), deploymentPath);
        const client = createPublicClient({ transport: http(node.url) });
        const period = await client.readContract({
          address: deployment.contracts.StakeManager!,
          abi: abis.StakeManager,
          functionName: "unbondingPeriod",
        });
        expect(period).to.equal(3600n);
      },
    );

    it(
      "`npm run deploy -- --network custom` deploys from STIGMERGY_DEPLOYER_KEY to STIGMERGY_RPC_URL, " +
        "staking the STIGMERGY_STAKE_TOKEN given",
      async () => {
        const existing = parseDeployment(JSON.parse(readFileSync(deploymentPath, "utf8")), deploymentPath);
        const custom = join(dir, "custom");
        const run = await runToEnd("npm", ["run", "deploy", "--", "--network", "custom"], {
          STIGMERGY_RPC_URL: node.url,
          STIGMERGY_DEPLOYER_KEY: devKey(5),
          STIGMERGY_DEPLOYMENTS_DIR: custom,
          STIGMERGY_STAKE_TOKEN: existing.contracts.StakeToken!,
        });
        expect(run.code, run.output).to.equal(0);
        const path = join(custom, `${node.chainId}.json`);
        const deployment = parseDeployment(JSON.parse(readFileSync(path, "utf8")), path);
        const client = createPublicClient({ transport: http(node.url) });
        const token = await client.readContract({
          address: deployment.contracts.StakeManager!,
          abi: abis.StakeManager,
          functionName: "stakeToken",
        });
        expect(getAddress(token)).to.equal(getAddress(existing.contracts.StakeToken!));
        const adminRole = await client.readContract({
          address: deployment.contracts.StakeManager!,
          abi: abis.StakeManager,
          functionName: "DEFAULT_ADMIN_ROLE",
        });
        const deployer = mnemonicToAccount(MNEMONIC, { addressIndex: 5 }).address;
        expect(
          await client.readContract({
            address: deployment.contracts.StakeManager!,
            abi: abis.StakeManager,
            functionName: "hasRole",
            args: [adminRole, deployer],
          }),
        ).to.equal(true);
      },
    );

    describe("`npm run indexer`", () => {
      let indexer: Job | undefined;
      let indexerUrl: string;
      /** `npm run indexer` as the README runs it, on a free PORT, its data under `name`, with `env` on top. */
      const runIndexer = async (rpcUrl: string, name: string, env: Record<string, string> = {}) => {
        const port = await freePort();
        indexerUrl = `http://127.0.0.1:${port}`;
        indexer = startJob("npm", ["run", "indexer"], {
          PORT: String(port),
          STIGMERGY_RPC_URL: rpcUrl,
          STIGMERGY_DEPLOYMENTS_DIR: dir,
          STIGMERGY_CHAIN_ID: String(node.chainId),
          STIGMERGY_DB_SCHEMA: "readme",
          STIGMERGY_PGLITE_DIR: join(dir, `pglite${name}`),
          STIGMERGY_WEBHOOK_DIR: join(dir, `webhooks${name}`),
          DATABASE_URL: "",
          ...env,
        });
        await until(() => ok(`${indexerUrl}/readyz`), "/readyz on PORT", indexer);
      };
      /** Mines a block on the node and waits until the indexer has indexed past it. */
      const minedBlockIndexed = async () => {
        const indexed = async () =>
          Object.values(
            (await (await fetch(`${indexerUrl}/status`)).json()) as Record<string, { block: { number: number } }>,
          )[0]!.block.number;
        const before = await indexed();
        await createPublicClient({ transport: http(node.url) }).request({ method: "evm_mine" } as never);
        await until(async () => (await indexed()) > before, "the mined block indexed", indexer, 30_000);
      };
      afterEach(async () => {
        await indexer?.stop();
        indexer = undefined;
      });

      it(
        "serves on PORT (Ponder's /ready and /status, the app's /readyz) " +
          "for STIGMERGY_RPC_URL, polling every STIGMERGY_POLLING_INTERVAL ms",
        async () => {
          const counter = await startRpcCounter(node.url);
          try {
            await runIndexer(counter.url, "", { STIGMERGY_POLLING_INTERVAL: "3000", STIGMERGY_WS_URL: "off" });
            for (const path of ["/ready", "/health", "/status", "/healthz"])
              expect((await fetch(indexerUrl + path)).status, path).to.equal(200);
            expect(existsSync(join(dir, "pglite")), "STIGMERGY_PGLITE_DIR").to.equal(true);
            expect(existsSync(join(dir, "webhooks")), "STIGMERGY_WEBHOOK_DIR").to.equal(true);
            // Polling every 3 s, the indexer asks for new blocks a few times in 9 s (every 250 ms by default: 36).
            await sleep(1_000);
            counter.reset();
            await sleep(9_000);
            const polls =
              (counter.calls().byMethod.eth_getBlockByNumber ?? 0) + (counter.calls().byMethod.eth_blockNumber ?? 0);
            expect(polls, JSON.stringify(counter.calls().byMethod)).to.be.at.most(8);
          } finally {
            await counter.close();
          }
        },
      );

      it(
        "takes new blocks by push over the node's WebSocket (STIGMERGY_WS_URL derived from a local RPC URL): " +
          "no polls, and a mined block is indexed",
        async () => {
          const counter = await startRpcCounter(node.url);
          try {
            await runIndexer(counter.url, "-ws");
            // Count from the moment the subscription is open (Ponder may open it just after it is ready).
            const subscribed = () => (counter.calls().byMethod.eth_subscribe ?? 0) > 0;
            await until(async () => subscribed(), "the newHeads subscription", indexer, 60_000);
            await sleep(1_000);
            counter.reset();
            await sleep(5_000);
            // Polling every 250 ms (the local default) would have asked about 20 times.
            const polls =
              (counter.calls().byMethod.eth_getBlockByNumber ?? 0) + (counter.calls().byMethod.eth_blockNumber ?? 0);
            expect(polls, JSON.stringify(counter.calls().byMethod)).to.be.at.most(2);
            expect(counter.calls().byMethod.eth_subscribe ?? 0, "no new subscription while connected").to.equal(0);
            await minedBlockIndexed();
          } finally {
            await counter.close();
          }
        },
      );

      it(
        "renews its newHeads subscription every STIGMERGY_WS_RESUBSCRIBE_MS on the same socket, " +
          "and blocks still come by push (a Hardhat node ends one after 300 s)",
        async () => {
          const counter = await startRpcCounter(node.url);
          try {
            await runIndexer(counter.url, "-resubscribe", { STIGMERGY_WS_RESUBSCRIBE_MS: "1000" });
            counter.reset();
            // Three renewals (the default, every 240 s, would not make one in the minute this waits at most).
            const renewed = () => {
              const calls = counter.calls().byMethod;
              return (calls.eth_subscribe ?? 0) >= 3 && (calls.eth_unsubscribe ?? 0) >= 3;
            };
            await until(async () => renewed(), "three renewals of the subscription", indexer, 60_000).catch(
              (error: Error) => {
                throw new Error(`${error.message}: ${JSON.stringify(counter.calls().byMethod)}`);
              },
            );
            await minedBlockIndexed();
          } finally {
            await counter.close();
          }
        },
      );

      it("a taken PORT is refused with exit code 2, naming the port (Ponder would move to the next one)", async () => {
        // The squatter takes a port the system picks (a free port looked up first could be taken meanwhile).
        const squatter: Server = createServer();
        await new Promise<void>((resolve) => squatter.listen(0, "0.0.0.0", resolve));
        const port = (squatter.address() as AddressInfo).port;
        try {
          indexer = startJob("npm", ["run", "indexer"], {
            PORT: String(port),
            STIGMERGY_RPC_URL: node.url,
            STIGMERGY_DEPLOYMENTS_DIR: dir,
            STIGMERGY_PGLITE_DIR: join(dir, "pglite-taken"),
            STIGMERGY_WEBHOOK_DIR: join(dir, "webhooks-taken"),
            DATABASE_URL: "",
          });
          const code = await Promise.race([indexer.exited, sleep(240_000).then(() => "timeout" as const)]);
          expect(code, indexer.output().slice(-2_000)).to.equal(2);
          expect(indexer.output()).to.include(`port ${port} is already in use`);
          expect(await portInUse(port + 1)).to.equal(false);
        } finally {
          squatter.close();
        }
      });

      it("runs on PostgreSQL with DATABASE_URL", async function () {
        if (!postgresAvailable()) this.skip();
        const pg = await startPostgres();
        const port = await freePort();
        try {
          indexer = startJob("npm", ["run", "indexer"], {
            PORT: String(port),
            STIGMERGY_RPC_URL: node.url,
            STIGMERGY_DEPLOYMENTS_DIR: dir,
            DATABASE_URL: pg.url,
          });
          await until(() => ok(`http://127.0.0.1:${port}/readyz`), "/readyz on PostgreSQL", indexer);
          const post = taskPoster(
            node.url,
            parseDeployment(JSON.parse(readFileSync(deploymentPath, "utf8")), deploymentPath).contracts.TaskBoard!,
            9,
          );
          await post({ specURI: "ipfs://readme-postgres" });
          await until(
            async () =>
              ((await (await fetch(`http://127.0.0.1:${port}/tasks`)).json()) as { tasks: unknown[] }).tasks.length > 0,
            "the task on PostgreSQL",
            indexer,
            60_000,
          );
        } finally {
          await indexer?.stop();
          indexer = undefined;
          pg.stop();
        }
      });

      it(
        "the CLI takes --rpc, --key and --indexer, " +
          "or the same from STIGMERGY_RPC_URL, STIGMERGY_PRIVATE_KEY and STIGMERGY_INDEXER_URL",
        async () => {
          const port = await freePort();
          indexerUrl = `http://127.0.0.1:${port}`;
          indexer = startJob("npm", ["run", "indexer"], {
            PORT: String(port),
            STIGMERGY_RPC_URL: node.url,
            STIGMERGY_DEPLOYMENTS_DIR: dir,
            STIGMERGY_PGLITE_DIR: join(dir, "pglite-cli"),
            STIGMERGY_WEBHOOK_DIR: join(dir, "webhooks-cli"),
            DATABASE_URL: "",
          });
          await until(() => ok(`${indexerUrl}/readyz`), "the indexer", indexer);
          const cli = (args: string[], env: NodeJS.ProcessEnv = {}) => runToEnd("npx", ["stigmergy", ...args], env);
          const key = devKey(6);
          const registered = await cli([
            "agent",
            "register",
            "--name",
            "readme",
            "--json",
            "--rpc",
            node.url,
            "--key",
            key,
            "--deployments",
            dir,
          ]);
          expect(registered.code, registered.output).to.equal(0);
          const agentId = (JSON.parse(registered.output.slice(registered.output.indexOf("{"))) as { agentId: string })
            .agentId;
          const env = {
            STIGMERGY_RPC_URL: node.url,
            STIGMERGY_PRIVATE_KEY: key,
            STIGMERGY_INDEXER_URL: indexerUrl,
            STIGMERGY_DEPLOYMENTS_DIR: dir,
          };
          await until(async () => (await fetch(`${indexerUrl}/agents/${agentId}`)).ok, "the agent indexed");
          const shown = await cli(["agent", "show", "--json"], env);
          expect(shown.code, shown.output).to.equal(0);
          expect(JSON.parse(shown.output.slice(shown.output.indexOf("{")))).to.deep.include({ id: agentId });
          // STIGMERGY_ACCOUNT, STIGMERGY_DEPLOYMENT and STIGMERGY_AGENT_ID instead of flags.
          const byAccount = await cli(["stake", "show", "--json"], {
            STIGMERGY_RPC_URL: node.url,
            STIGMERGY_ACCOUNT: "6",
            STIGMERGY_DEPLOYMENT: deploymentPath,
            STIGMERGY_AGENT_ID: agentId,
          });
          expect(byAccount.code, byAccount.output).to.equal(0);
          expect(JSON.parse(byAccount.output.slice(byAccount.output.indexOf("{")))).to.deep.include({ agentId });
          // The indexer is where the listing comes from: wrong URL, exit 3.
          const wrong = await cli(["task", "list", "--json"], {
            ...env,
            STIGMERGY_INDEXER_URL: `http://127.0.0.1:${await freePort()}`,
          });
          expect(wrong.code, wrong.output).to.equal(3);
        },
      );
    });
  });

  it("the CLI example runs as written (against `npx stigmergy devnet --indexer` on the default ports)", async () => {
    const lines = docBlock("cli-example")
      .split("\n")
      .map((l) => l.replace(/\s+#.*$/, "").trim())
      .filter(Boolean);
    expect(lines[0]).to.equal("npx stigmergy devnet --indexer");
    for (const port of [8545, 42069])
      if (await portInUse(port)) throw new Error(`port ${port} is taken: the README's example needs it free`);
    const devnet = startJob("sh", ["-c", lines[0]!]);
    try {
      await until(() => devnet.output().includes("Stigmergy devnet is running"), "the devnet", devnet);
      for (const line of lines.slice(1)) {
        if (line.startsWith("npx stigmergy watch")) {
          // It streams what happens from now on: another agent posts a task while it watches.
          const watch = startJob("sh", ["-c", line]);
          try {
            await until(() => watch.output().includes("watching events"), `\`${line}\` starting`, watch, 60_000);
            const posted = await runToEnd("npx", [
              "stigmergy",
              "task",
              "post",
              "--spec",
              "ipfs://watched",
              "--reward",
              "0.01",
              "--account",
              "3",
            ]);
            expect(posted.code, posted.output).to.equal(0);
            await until(
              () => /TaskBoard\.TaskPosted/.test(watch.output()),
              `\`${line}\` printing the new task`,
              watch,
              60_000,
            );
          } finally {
            await watch.stop();
          }
          continue;
        }
        const run = await runToEnd("sh", ["-c", line]);
        expect(run.code, `${line}\n${run.output}`).to.equal(0);
      }
    } finally {
      await devnet.stop();
    }
  });

  it("both MCP host configurations start the server, which lists its tools with no node running", async () => {
    const configs = [
      { json: docBlock("mcp-config"), cwd: ROOT },
      { json: docBlock("mcp-config-anywhere").replaceAll("/path/to/stigmergy", ROOT), cwd: tmpdir() },
    ];
    for (const { json, cwd } of configs) {
      const server = (JSON.parse(json) as { mcpServers: Record<string, { command: string; args: string[] }> })
        .mcpServers.stigmergy!;
      const transport = new StdioClientTransport({
        command: server.command,
        args: server.args,
        cwd,
        env: Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined)),
        stderr: "pipe",
      });
      const client = new Client({ name: "readme-test", version: "0.0.0" });
      await client.connect(transport);
      try {
        const { tools } = await client.listTools();
        expect(
          tools.map((t) => t.name),
          relative(ROOT, cwd) || ".",
        ).to.include.members(["whoami", "list_tasks", "claim_task"]);
      } finally {
        await client.close();
      }
    }
  });

  it("`npm run format` rewrites a file in the house style (the lint step fails on one that is not)", async function () {
    // `npm run format` rewrites the whole tree: not over someone's uncommitted work (CI's clone is clean).
    const changed = execFileSync("git", ["status", "--porcelain", "--untracked-files=no"], {
      cwd: ROOT,
      encoding: "utf8",
    });
    if (changed.trim() !== "") {
      console.log(`      (skipped: the checkout has uncommitted changes that npm run format would rewrite)`);
      this.skip();
    }
    const dir = join(ROOT, "test", "e2e");
    for (const stale of readdirSync(dir).filter((f) => f.startsWith("format-probe-"))) rmSync(join(dir, stale));
    const name = `format-probe-${process.pid}.ts`;
    const probe = join(dir, name);
    writeFileSync(probe, "export const  probe = {a:1,b:'two'}\n");
    try {
      const lint = await runToEnd("npm", ["run", "lint:ts"]);
      expect(lint.code, lint.output.slice(-2_000)).to.not.equal(0);
      expect(lint.output).to.include(name);
      const run = await runToEnd("npm", ["run", "format"]);
      expect(run.code, run.output.slice(-2_000)).to.equal(0);
      expect(readFileSync(probe, "utf8")).to.equal('export const probe = { a: 1, b: "two" };\n');
    } finally {
      rmSync(probe, { force: true });
    }
  });

  it(
    "`npm run bench` (STIGMERGY_BENCH=gas, into STIGMERGY_BENCH_OUT) " +
      "writes the gas snapshot and the README's gas tables",
    async () => {
      const out = mkdtempSync(join(tmpdir(), "stigmergy-bench-"));
      try {
        copyFileSync(join(ROOT, "README.md"), join(out, "README.md"));
        copyFileSync(join(ROOT, "gas-snapshot.json"), join(out, "gas-snapshot.json"));
        const run = await runToEnd("npm", ["run", "bench"], { STIGMERGY_BENCH: "gas", STIGMERGY_BENCH_OUT: out });
        // The bench's own verdicts (its "bench:" lines and what they list) before the tail of its tables.
        const verdicts = run.output
          .split("\n")
          .filter((line) => /^(bench:| {2}\S)/.test(line))
          .join("\n");
        expect(run.code, `${verdicts.slice(-2_000)}\n…\n${run.output.slice(-1_000)}`).to.equal(0);
        const written = JSON.parse(readFileSync(join(out, "gas-snapshot.json"), "utf8")) as Record<
          string,
          Record<string, number>
        >;
        const committed = JSON.parse(readFileSync(join(ROOT, "gas-snapshot.json"), "utf8")) as Record<
          string,
          Record<string, number>
        >;
        expect(Object.keys(written)).to.deep.equal(Object.keys(committed));
        for (const section of Object.keys(committed))
          expect(Object.keys(written[section]!), section).to.deep.equal(Object.keys(committed[section]!));
        const today = new Date().toISOString().slice(0, 10);
        expect(readFileSync(join(out, "README.md"), "utf8")).to.match(
          new RegExp(`bench:gas:start[\\s\\S]*_Measured ${today}`),
        );
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
    },
  );
});
