/**
 * The `stigmergy` CLI, run as a child process (the bin, `sdk/bin/stigmergy.js`, which loads the built
 * `sdk/dist`: build the SDK first) against the shared node, deployment and indexer. Accounts 0 (poster) and 6 (worker).
 */

import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import { keccak256, parseEther, stringToHex } from "viem";
import { account, advance, eventually, sdkStack } from "./helpers/stack.ts";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const BIN = join(ROOT, "sdk", "bin", "stigmergy.js");

type Run = { code: number; stdout: string; stderr: string };
type Json = Record<string, unknown>;

let env: NodeJS.ProcessEnv = {};

/** The environment without any STIGMERGY_* the outer shell may set, plus `extra`. */
function cleanEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("STIGMERGY_")));
  return { ...base, ...extra };
}

function start(
  args: string[],
  extraEnv: NodeJS.ProcessEnv = {},
  command = process.execPath,
  prefix: string[] = [BIN],
  stdin: "ignore" | "pipe" = "ignore",
): ChildProcess {
  return spawn(command, [...prefix, ...args], {
    cwd: ROOT,
    env: cleanEnv({ ...env, ...extraEnv }),
    stdio: [stdin, "pipe", "pipe"],
  });
}

function finish(child: ChildProcess): Promise<Run> {
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (c: Buffer) => (stdout += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr })));
}

/** Runs the CLI to the end. */
const cli = (args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<Run> => finish(start(args, extraEnv));

/** Runs the CLI with --json, expects exit 0 and returns the parsed document. */
async function json(args: string[]): Promise<Json> {
  const run = await cli([...args, "--json"]);
  expect(run.code, `stigmergy ${args.join(" ")} exited ${run.code}:\n${run.stderr}`).to.equal(0);
  return JSON.parse(run.stdout) as Json;
}

/** Resolves with the process's output so far once `pattern` shows up in `stream`. */
function waitForOutput(
  child: ChildProcess,
  stream: "stdout" | "stderr",
  pattern: RegExp,
  timeoutMs = 120_000,
): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = "";
    const timer = setTimeout(
      () => reject(new Error(`no ${pattern} on ${stream} within ${timeoutMs} ms; got:\n${seen}`)),
      timeoutMs,
    );
    child[stream]!.on("data", (c: Buffer) => {
      seen += c.toString();
      if (pattern.test(seen)) {
        clearTimeout(timer);
        resolve(seen);
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      if (!pattern.test(seen)) reject(new Error(`exited ${code} before ${pattern} on ${stream}; got:\n${seen}`));
    });
  });
}

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });

describe("cli: stigmergy", () => {
  const poster = account(0).address;
  const worker = account(6).address;
  let posterId: string;
  let workerId: string;
  const as = {
    poster: () => ["--account", "0", "--agent", posterId],
    worker: () => ["--account", "6", "--agent", workerId],
  };

  before(async function () {
    this.timeout(300_000);
    expect(existsSync(BIN), `${BIN} is missing: run \`npm run build -w @stigmergy/sdk\` first`).to.equal(true);
    const stack = await sdkStack();
    env = {
      STIGMERGY_RPC_URL: stack.node.url,
      STIGMERGY_DEPLOYMENTS_DIR: stack.dir,
      STIGMERGY_INDEXER_URL: stack.indexerUrl,
    };
  });

  describe("help", () => {
    it("prints the commands, flags and exit codes for --help, and exits 0", async () => {
      const run = await cli(["--help"]);
      expect(run.code).to.equal(0);
      expect(run.stdout).to.match(/^Usage: stigmergy <command>/m);
      for (const command of [
        "devnet",
        "deploy",
        "agent register",
        "stake add",
        "group elect",
        "task claim",
        "schedule create",
        "message inbox",
        "watch",
        "mcp",
      ]) {
        expect(run.stdout).to.include(`  ${command} `);
      }
      expect(run.stdout).to.match(/Exit codes:[\s\S]*3 {2}cannot reach the node/);
      expect(run.stderr).to.equal("");
    });

    it("prints a subcommand's usage and options for `task claim --help`", async () => {
      const run = await cli(["task", "claim", "--help"]);
      expect(run.code).to.equal(0);
      expect(run.stdout).to.match(/^Usage: stigmergy task claim \[ID\] \[options\]/);
      expect(run.stdout).to.include("--poster ADDRESS");
      expect((await cli(["help", "task", "claim"])).stdout).to.equal(run.stdout);
    });

    it("prints the version", async () => {
      const run = await cli(["--version"]);
      expect(run.code).to.equal(0);
      expect(run.stdout.trim()).to.match(/^\d+\.\d+\.\d+/);
    });

    it("resolves `npx stigmergy` through the workspace bin link", async () => {
      const run = await finish(start(["--no", "--", "stigmergy", "--help"], {}, "npx", []));
      expect(run.code, run.stderr).to.equal(0);
      expect(run.stdout).to.match(/^Usage: stigmergy <command>/m);
    });
  });

  describe("agents, stake and groups", () => {
    it("registers agents and shows and lists them (--json)", async () => {
      const registered = await json([
        "agent",
        "register",
        "--account",
        "6",
        "--name",
        "cli-worker",
        "--description",
        "works from the CLI",
        "--capability",
        "cli-work",
      ]);
      workerId = registered.agentId as string;
      expect(workerId).to.match(/^\d+$/);
      expect(registered.owner).to.equal(worker);
      posterId = (await json(["agent", "register", "--account", "0", "--uri", "ipfs://cli-poster"])).agentId as string;
      expect(posterId).to.match(/^\d+$/);

      const shown = await json(["agent", "show", workerId]);
      expect(shown.id).to.equal(workerId);
      expect(String(shown.owner).toLowerCase()).to.equal(worker.toLowerCase());
      expect(shown.name).to.equal("cli-worker");
      expect(shown.capabilities).to.deep.equal([keccak256(stringToHex("cli-work"))]);
      // Without ID: the agent the account acts as (its newest).
      expect((await json(["agent", "show", "--account", "6"])).id).to.equal(workerId);

      const listed = await eventually(async () => {
        const { agents } = (await json(["agent", "list", "--capability", "cli-work"])) as { agents: Json[] };
        return agents.some((a) => a.id === workerId) ? agents : undefined;
      }, "the indexer to list the new agent");
      expect(listed.map((a) => a.id)).to.not.include(posterId);
    });

    it("stakes with --faucet (amounts with decimals)", async () => {
      const staked = await json(["stake", "add", "2.5", "--faucet", ...as.worker()]);
      expect(staked.agentId).to.equal(workerId);
      expect(staked.amount).to.equal(parseEther("2.5").toString());
      expect(BigInt(staked.active as string) >= parseEther("2.5")).to.equal(true);
      expect(staked.faucetTxHash).to.match(/^0x[0-9a-f]{64}$/);
    });

    it("creates a group, joins it, elects a leader and shows it", async () => {
      const created = await json([
        "group",
        "create",
        `cli-group-${Date.now()}`,
        "--epoch",
        "1h",
        "--heartbeat-timeout",
        "60",
        "--min-stake",
        "1",
        ...as.poster(),
      ]);
      const groupId = created.groupId as string;
      expect(created.epochDuration).to.equal("3600");
      const joined = await json(["group", "join", groupId, ...as.worker()]);
      expect(joined.agentId).to.equal(workerId);
      const elected = await json(["group", "elect", groupId, ...as.poster()]);
      expect(elected.leader).to.equal(workerId);
      const leader = await eventually(async () => {
        const l = await json(["group", "leader", groupId]);
        return l.leader === workerId ? l : undefined;
      }, "the leader to be indexed");
      expect(leader.term).to.equal(elected.term);
      const text = await cli(["group", "leader", groupId]);
      expect(text.stdout).to.match(new RegExp(`leader\\s+agent ${workerId}`));
    });
  });

  describe("tasks, schedules and messages", () => {
    it("posts, lists, claims the next task, submits, accepts, and shows it accepted", async () => {
      const posted = await json([
        "task",
        "post",
        "--spec",
        "ipfs://cli-spec",
        "--reward",
        "0.01",
        "--capability",
        "cli-work",
        "--deadline-in",
        "1h",
        ...as.poster(),
      ]);
      const taskId = posted.taskId as string;
      expect(posted.maxReward).to.equal(parseEther("0.01").toString());

      // At once, as the README's example does: the claim waits for the indexer to reach the post's block.
      const claimed = await json(["task", "claim", "--poster", poster, ...as.worker()]);
      expect(claimed.taskId).to.equal(taskId);
      expect(claimed.agentId).to.equal(workerId);
      await eventually(async () => {
        const { tasks } = (await json(["task", "list", "--status", "claimed", "--poster", poster])) as {
          tasks: Json[];
        };
        return tasks.some((t) => t.id === taskId) ? true : undefined;
      }, "the claimed task to be listed as claimed");
      const submitted = await json([
        "task",
        "submit",
        taskId,
        "--attempt",
        String(claimed.attempt),
        "--result",
        "ipfs://cli-result",
        ...as.worker(),
      ]);
      expect(submitted.resultURI).to.equal("ipfs://cli-result");
      await json(["task", "accept", taskId, ...as.poster()]);

      const shown = await eventually(async () => {
        const { task } = (await json(["task", "show", taskId])) as { task: Json };
        return task.status === "accepted" ? task : undefined;
      }, "the task to be shown accepted");
      expect(shown.claimant).to.equal(workerId);
      expect(shown.resultURI).to.equal("ipfs://cli-result");
      const text = await cli(["task", "show", taskId]);
      expect(text.stdout).to.match(/status\s+accepted/);
    });

    it(
      "escalates a claimed task, the approver resumes it; " +
        "an unanswered escalation expires only after its deadline",
      async () => {
        const { taskId } = await json([
          "task",
          "post",
          "--spec",
          "ipfs://cli-escalate",
          "--reward",
          "0.001",
          ...as.poster(),
        ]);
        const id = String(taskId);
        const claimed = await json(["task", "claim", id, ...as.worker()]);
        const asked = await json(["task", "escalate", id, "--question", "ipfs://cli-question", ...as.worker()]);
        expect(asked).to.include({ taskId: id, attempt: claimed.attempt, questionURI: "ipfs://cli-question" });
        expect(Number(asked.answerBy)).to.be.greaterThan(0);
        const resumed = await json([
          "task",
          "resolve",
          id,
          "--answer",
          "ipfs://cli-answer",
          "--resume",
          ...as.poster(),
        ]);
        expect(resumed).to.include({ taskId: id, resume: true });

        await json(["task", "escalate", id, "--question", "ipfs://cli-question-2", ...as.worker()]);
        const early = await cli(["task", "expire-escalation", id, ...as.worker()]);
        expect(early.code).to.equal(1);
        expect(early.stderr).to.include(`the escalation of task ${id} can still be answered by its approver until`);
        expect(early.stderr).to.include("[ESCALATION_ACTIVE]");
        await advance(3_700); // past the answer window (the task's review window, 1 h by default)
        await json(["task", "expire-escalation", id, ...as.worker()]);
        await eventually(async () => {
          const { task } = (await json(["task", "show", id])) as { task: Json };
          return task.status === "open" ? task : undefined;
        }, "the task to be open again after its escalation expired");
      },
    );

    it("sends a message to an inbox and reads it there", async () => {
      const sent = await json(["message", "send", posterId, "hello", "from", "the", "cli", ...as.worker()]);
      expect(sent.fromAgentId).to.equal(workerId);
      const inbox = await eventually(async () => {
        const { messages } = (await json(["message", "inbox", ...as.poster()])) as { messages: Json[] };
        return messages.length ? messages : undefined;
      }, "the message to reach the inbox");
      expect(inbox.map((m) => m.text)).to.deep.equal(["hello from the cli"]);
      expect(inbox[0]!.fromAgentId).to.equal(workerId);
      expect(inbox[0]!.seq).to.equal(sent.seq);
    });

    it("creates a schedule and lists it", async () => {
      const created = await json([
        "schedule",
        "create",
        "--spec",
        "ipfs://cli-daily",
        "--reward",
        "0.001",
        "--first-in",
        "1m",
        "--interval",
        "1h",
        "--count",
        "3",
        ...as.poster(),
      ]);
      const scheduleId = created.scheduleId as string;
      expect(created.count).to.equal(3);
      const listed = await eventually(async () => {
        const { schedules } = (await json(["schedule", "list"])) as { schedules: Json[] };
        return schedules.find((s) => s.id === scheduleId);
      }, "the schedule to be listed");
      expect(String(listed.poster).toLowerCase()).to.equal(poster.toLowerCase());
      expect(listed.interval).to.equal("3600");
      expect(listed.count).to.equal(3);
    });
  });

  describe("watch", () => {
    for (const mode of ["indexer", "node"] as const) {
      it(`prints one JSON line per new event while another command posts (${mode})`, async () => {
        const watcher = start([
          "watch",
          "--limit",
          "2",
          "--json",
          "--contract",
          "MessageBus",
          ...(mode === "node" ? ["--indexer", ""] : []),
        ]);
        const done = finish(watcher);
        await waitForOutput(watcher, "stderr", /watching events from/);
        const channel = `cli-watch-${mode}`;
        await json(["message", "post", channel, "first", ...as.worker()]);
        await json(["message", "post", channel, "second", ...as.worker()]);
        const run = await done;
        expect(run.code, run.stderr).to.equal(0);
        const events = run.stdout
          .trim()
          .split("\n")
          .map((line) => JSON.parse(line) as Json);
        expect(events).to.have.length(2);
        for (const e of events) {
          expect(e.contract).to.equal("MessageBus");
          expect(e.event).to.equal("ChannelMessage");
          expect((e.args as Json).from).to.equal(workerId);
          expect(e.blockNumber).to.match(/^\d+$/);
        }
        expect(BigInt(events[1]!.blockNumber as string) > BigInt(events[0]!.blockNumber as string)).to.equal(true);
      });
    }
  });

  describe("mcp", () => {
    it("serves MCP on stdio as the account's agent and exits 0 when stdin closes", async () => {
      const server = start(["mcp", "--account", "6"], {}, process.execPath, [BIN], "pipe");
      const done = finish(server);
      const initialize = {
        jsonrpc: "2.0",
        id: 1,
        method: "initialize",
        params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "cli-test", version: "1" } },
      };
      server.stdin!.write(`${JSON.stringify(initialize)}\n`);
      const reply = await waitForOutput(server, "stdout", /\n/);
      const { result } = JSON.parse(reply.split("\n")[0]!) as { result: { serverInfo: Json } };
      expect(result.serverInfo.name).to.equal("stigmergy");
      server.stdin!.end();
      const run = await done;
      expect(run.code, run.stderr).to.equal(0);
      expect(run.stderr).to.include(`as agent ${workerId}`);
    });
  });

  describe("errors and exit codes", () => {
    it("exits 2 on an unknown command, naming it", async () => {
      const run = await cli(["frobnicate"]);
      expect(run.code).to.equal(2);
      expect(run.stderr).to.match(/^error: unknown command "frobnicate"/);
      expect(run.stdout).to.equal("");
      const flag = await cli(["task", "list", "--frob"]);
      expect(flag.code).to.equal(2);
      expect(flag.stderr).to.match(/^error: unknown flag '--frob'/);
    });

    it('exits 2 on amount "-1", naming the field, before anything is sent', async () => {
      const run = await cli(["stake", "add", "-1", ...as.worker(), "--json"]);
      expect(run.code).to.equal(2);
      expect(run.stderr).to.match(/^error: Invalid amount: /);
      const { error } = JSON.parse(run.stdout) as { error: Json };
      expect(error).to.include({ code: "INVALID_INPUT", field: "amount" });
    });

    it("exits 1 when claiming a task another agent holds, saying who holds it", async () => {
      const { taskId } = await json([
        "task",
        "post",
        "--spec",
        "ipfs://cli-taken",
        "--reward",
        "0.001",
        ...as.poster(),
      ]);
      await json(["task", "claim", String(taskId), ...as.worker()]);
      const run = await cli(["task", "claim", String(taskId), ...as.poster(), "--json"]);
      expect(run.code).to.equal(1);
      expect(run.stderr).to.include(
        `error: task ${taskId} was already claimed by agent ${workerId} (attempt 1) [TASK_NOT_OPEN]`,
      );
      const { error } = JSON.parse(run.stdout) as { error: Json };
      expect(error.code).to.equal("TASK_NOT_OPEN");
      expect((error.args as Json).claimant).to.equal(workerId);
    });

    it("exits 3 when no node answers at --rpc", async () => {
      const run = await cli(["agent", "list", "--rpc", "http://127.0.0.1:1", "--json"]);
      expect(run.code).to.equal(3);
      expect(run.stderr).to.match(/^error: No node answers at http:\/\/127\.0\.0\.1:1/);
      expect((JSON.parse(run.stdout) as { error: Json }).error.code).to.equal("NODE_UNREACHABLE");
    });

    it("exits 3 when the indexer cannot be reached", async () => {
      const run = await cli(["task", "list", "--indexer", "http://127.0.0.1:1"]);
      expect(run.code).to.equal(3);
      expect(run.stderr).to.match(/^error: The indexer at http:\/\/127\.0\.0\.1:1/);
    });

    it("exits 4 for a task that does not exist", async () => {
      const run = await cli(["task", "show", "999999"]);
      expect(run.code).to.equal(4);
      expect(run.stderr).to.match(/^error: task 999999 does not exist/);
    });
  });

  describe("deploy and devnet", () => {
    it("deploys to --rpc from the checkout and prints the deployment file", async function () {
      this.timeout(300_000);
      const dir = mkdtempSync(join(tmpdir(), "stigmergy-cli-deploy-"));
      try {
        const { node, deployment } = await sdkStack();
        const deployed = await json(["deploy", "--rpc", node.url, "--deployments", dir]);
        expect(deployed.deployment).to.equal(join(dir, "31337.json"));
        expect(existsSync(deployed.deployment as string)).to.equal(true);
        expect((deployed.contracts as Json).TaskBoard).to.match(/^0x[0-9a-fA-F]{40}$/);
        expect((deployed.contracts as Json).TaskBoard).to.not.equal(deployment.contracts.TaskBoard);
        const unreachable = await cli(["deploy", "--rpc", "http://127.0.0.1:1", "--deployments", dir]);
        expect(unreachable.code).to.equal(3);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it("starts a node on --port, deploys, prints its URLs and stops its node on Ctrl-C", async function () {
      this.timeout(300_000);
      const port = await freePort();
      const dir = mkdtempSync(join(tmpdir(), "stigmergy-cli-devnet-"));
      const devnet = start(["devnet", "--port", String(port), "--deployments", dir, "--json"]);
      const done = finish(devnet);
      try {
        const printed = await waitForOutput(devnet, "stdout", /^\}$/m, 240_000);
        const info = JSON.parse(printed) as Json;
        expect(info.rpcUrl).to.equal(`http://127.0.0.1:${port}`);
        expect(info.deployment).to.equal(join(dir, "31337.json"));
        expect(Object.keys(info.contracts as Json)).to.include("TaskBoard");
        // The CLI reaches it with the flags devnet suggests.
        const listed = await json([
          "agent",
          "list",
          "--rpc",
          info.rpcUrl as string,
          "--deployments",
          dir,
          "--indexer",
          "",
        ]);
        expect(listed.agents).to.deep.equal([]);
        // A second devnet on the same port is refused.
        const again = await cli(["devnet", "--port", String(port)]);
        expect(again.code).to.equal(2);
        expect(again.stderr).to.match(/already in use/);
      } finally {
        devnet.kill("SIGINT");
        const run = await done;
        rmSync(dir, { recursive: true, force: true });
        expect(run.code, run.stderr).to.equal(0);
      }
      const answered = await fetch(`http://127.0.0.1:${port}`, { method: "POST", body: "{}" }).then(
        () => true,
        () => false,
      );
      expect(answered, "the node stopped with the devnet").to.equal(false);
    });
  });
});
