import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { type Address, createPublicClient, getAddress, http, zeroAddress } from "viem";
import * as schema from "../../indexer/ponder.schema.ts";
import { checkConsistency, indexerClient } from "../../scripts/lib/oracle.ts";
import { freePort, freePorts, portInUse, ROOT, runToEnd } from "../../scripts/lib/processes.ts";
import { abis, type Deployment, parseDeployment, REGISTRATION_TYPE } from "../../sdk/src/index.ts";

/** Starts `npm start -- …args` in its own process group, collecting output; stdin stays open. */
function startMainJob(args: string[], env: NodeJS.ProcessEnv) {
  const child = spawn("npm", ["start", "--", ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    detached: true,
    stdio: ["pipe", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (output += c.toString()));
  // Resolves once npm exited and its output is closed: npm may exit on a SIGINT to the group before
  // the run it started has printed its last lines; "close" waits for every writer of the pipes.
  const exited = new Promise<number | null>((resolve) => child.once("close", (code) => resolve(code)));
  return { child, exited, output: () => output };
}

async function waitFor(predicate: () => boolean, timeoutMs: number, what: () => string) {
  const started = Date.now();
  while (!predicate()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting; output so far:\n${what()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const killGroup = (child: ChildProcess, signal: NodeJS.Signals) => {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // already gone
  }
};

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** The pids `npm start` printed for its agent processes. */
const agentPids = (output: string) =>
  [...(output.match(/agent processes: (.*)/)?.[1] ?? "").matchAll(/pid (\d+)/g)].map((m) => Number(m[1]));

/** The summary-json of a run on several chains (the fields the test reads). */
type ChainsSummary = {
  chains: {
    chain: { name: string; id: number; type: string };
    groupId: string;
    tasks: { total: number; posted: number; unfinished: string[] };
    claims: number;
    terms: { agentId: string; failedOver: boolean }[];
    killed: { agentId: string } | null;
    consistency: string[];
    fees: {
      transactions: number;
      gasUsed: string;
      executionFee: string;
      l1Fee: string | null;
      l1GasUsed: string | null;
    };
  }[];
  outage: {
    chain: string;
    reportedAfterMs: number | null;
    reason: string | null;
    others: { chain: string; readySamples: number; samples: number; blocksIndexed: number }[];
    caughtUpAfterMs: number | null;
  } | null;
  checks: { name: string; ok: boolean; detail: string }[];
  correct: boolean;
};

type Summary = {
  tasks: { total: number; posted: number };
  killed: { agentId: string } | null;
  groupId: string;
  checks: { name: string; ok: boolean; detail: string }[];
  correct: boolean;
};

describe("`npm start`", () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "stigmergy-start-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("--help lists the options and exits 0", async () => {
    const { code, output } = await runToEnd("npx", ["tsx", "scripts/start.ts", "--help"]);
    expect(code).to.equal(0);
    expect(output).to.include("Usage: npm start");
    for (const option of ["--agents", "--tasks", "--once", "--block-ms", "--chains", "--cut-chain", "--help"])
      expect(output).to.include(option);
  });

  it("refuses a busy port and a bad option with exit code 2, saying why", async () => {
    const port = await freePort();
    const blocker: Server = createServer().listen(port, "127.0.0.1");
    try {
      const busy = await runToEnd("npx", ["tsx", "scripts/start.ts"], { STIGMERGY_RPC_PORT: String(port) });
      expect(busy.code).to.equal(2);
      expect(busy.output).to.include(`port ${port} is already in use`);
      expect(busy.output).to.include("STIGMERGY_RPC_PORT");
    } finally {
      blocker.close();
    }
    const bad = await runToEnd("npx", ["tsx", "scripts/start.ts", "--agents", "2"]);
    expect(bad.code).to.equal(2);
    expect(bad.output).to.include("--agents must be between 3 and");
    const chains = await runToEnd("npx", ["tsx", "scripts/start.ts", "--chains", "3"]);
    expect(chains.code).to.equal(2);
    expect(chains.output).to.include(
      '--chains must be 1 or 2 (the local l1 chain, or l1 and an OP-stack op chain), got "3"',
    );
    const lonely = await runToEnd("npx", ["tsx", "scripts/start.ts", "--cut-chain", "op@10"]);
    expect(lonely.code).to.equal(2);
    expect(lonely.output).to.include(
      "--cut-chain cuts one of several chains off while the others work: add --chains 2",
    );
    const unknown = await runToEnd("npx", ["tsx", "scripts/start.ts", "--chains", "2", "--cut-chain", "base@10"]);
    expect(unknown.code).to.equal(2);
    expect(unknown.output).to.include(`--cut-chain: this run's chains are l1 and op, not "base"`);
  });

  it("stops everything cleanly on SIGINT while the swarm is starting", async function () {
    this.timeout(300_000);
    const [rpcPort, indexerPort] = [await freePort(), await freePort()];
    const job = startMainJob(["--agents", "3", "--tasks", "6"], {
      STIGMERGY_RPC_PORT: String(rpcPort),
      STIGMERGY_INDEXER_PORT: String(indexerPort),
      STIGMERGY_DEPLOYMENTS_DIR: join(dir, "sigint"),
    });
    try {
      await waitFor(() => agentPids(job.output()).length === 3, 240_000, job.output);
      const pids = agentPids(job.output());
      expect(pids.every(alive)).to.equal(true);
      killGroup(job.child, "SIGINT");
      await job.exited;
      expect(job.output(), job.output().slice(-3_000)).to.include("stopping the node");
      await waitFor(
        () => !pids.some(alive),
        10_000,
        () => `agents still alive: ${pids.filter(alive).join(", ")}`,
      );
      expect(await portInUse(rpcPort)).to.equal(false);
      expect(await portInUse(indexerPort)).to.equal(false);
    } finally {
      killGroup(job.child, "SIGKILL");
    }
  });

  it(
    "after a SIGKILL of the run itself, every process it started stops; " +
      "the next `npm start` on the same ports starts cleanly and removes the killed run's files",
    async function () {
      this.timeout(420_000);
      const [rpcPort, indexerPort] = [await freePort(), await freePort()];
      const env = {
        STIGMERGY_RPC_PORT: String(rpcPort),
        STIGMERGY_INDEXER_PORT: String(indexerPort),
        STIGMERGY_DEPLOYMENTS_DIR: join(dir, "killed"),
      };
      const first = startMainJob(["--agents", "3", "--tasks", "6"], env);
      let second: ReturnType<typeof startMainJob> | undefined;
      try {
        await waitFor(() => agentPids(first.output()).length === 3, 240_000, first.output);
        const run = Number(first.output().match(/this run is pid (\d+)/)![1]);
        const tmp = first.output().match(/Ponder on PGlite in (\S+)\)/)![1]!;
        const pids = agentPids(first.output());
        process.kill(run, "SIGKILL");
        // The node, the indexer and the agents notice their parent is gone and stop; the ports free up.
        await waitFor(
          () => !pids.some(alive),
          20_000,
          () => `agents still alive: ${pids.filter(alive).join(", ")}`,
        );
        for (let i = 0; i < 100 && ((await portInUse(rpcPort)) || (await portInUse(indexerPort))); i++)
          await new Promise((r) => setTimeout(r, 200));
        expect(await portInUse(rpcPort), "the node's port").to.equal(false);
        expect(await portInUse(indexerPort), "the indexer's port").to.equal(false);
        expect(existsSync(tmp), "the killed run could not remove its files").to.equal(true);

        second = startMainJob(["--agents", "3", "--tasks", "6"], env);
        await waitFor(() => second!.output().includes("indexer ready at"), 240_000, second.output);
        // (Other runs killed on this machine may be listed too: each dead run's directory goes.)
        expect(second.output(), second.output()).to.match(
          /start: removed what (an earlier run|\d+ earlier runs) left behind when killed: /,
        );
        expect(second.output(), second.output()).to.include(`${tmp} (pid ${run})`);
        expect(existsSync(tmp)).to.equal(false);
        // Ctrl-C for the second run, sent to the run itself (`kill -INT`): it stops what it started.
        const secondRun = Number(second.output().match(/this run is pid (\d+)/)![1]);
        process.kill(secondRun, "SIGINT");
        await second.exited;
        expect(second.output(), second.output().slice(-3_000)).to.include("stopping the node");
        expect(await portInUse(rpcPort), "the second run's node port").to.equal(false);
        expect(await portInUse(indexerPort), "the second run's indexer port").to.equal(false);
      } finally {
        killGroup(first.child, "SIGKILL");
        if (second) killGroup(second.child, "SIGKILL");
      }
    },
  );

  it(
    "--once: a small swarm survives its leader's death and its indexer's (SIGKILL, restarted on the same data), " +
      "settles every task, and the chain and the indexer bear it out",
    async function () {
      this.timeout(540_000); // the run gives up by itself after 300 s (--timeout) and still reports
      const [rpcPort, indexerPort] = [await freePort(), await freePort()];
      const deployments = join(dir, "once");
      const job = startMainJob(["--once", "--hold", "--agents", "4", "--tasks", "20"], {
        STIGMERGY_RPC_PORT: String(rpcPort),
        STIGMERGY_INDEXER_PORT: String(indexerPort),
        STIGMERGY_DEPLOYMENTS_DIR: deployments,
      });
      try {
        // Midway, once every agent has joined, the indexer (its supervisor and Ponder) is killed at once.
        await waitFor(() => job.output().includes("drawing the first leader"), 300_000, job.output);
        const indexerPid = Number(job.output().match(/indexer ready at \S+ \(pid (\d+)\)/)![1]);
        process.kill(-indexerPid, "SIGKILL");
        await waitFor(() => job.output().includes("the indexer is back at"), 240_000, job.output);
        expect(job.output()).to.include("the indexer stopped unexpectedly (SIGKILL); restarting it on the same data");
        await waitFor(() => job.output().includes("holding the chain and the indexer up"), 480_000, job.output);
        const summary = JSON.parse(job.output().match(/^summary-json: (.*)$/m)![1]!) as Summary;
        expect(summary.correct, job.output()).to.equal(true);
        expect(job.output()).to.include("⚡ killed the leader's process");

        const rpcUrl = `http://127.0.0.1:${rpcPort}`;
        const indexerUrl = `http://127.0.0.1:${indexerPort}`;
        const path = join(deployments, "31337.json");
        const deployment: Deployment = parseDeployment(JSON.parse(readFileSync(path, "utf8")), path);
        const c = deployment.contracts;
        const chain = createPublicClient({ transport: http(rpcUrl) });
        const fromBlock = BigInt(deployment.startBlock);
        const events = <N extends string>(address: Address, abi: readonly unknown[], eventName: N) =>
          chain.getContractEvents({
            address,
            abi: abi as typeof abis.TaskBoard,
            eventName: eventName as never,
            fromBlock,
          }) as Promise<{ args: Record<string, unknown> }[]>;

        // The chain: every task settled, and accepted unless refunded.
        const taskCount = await chain.readContract({
          address: c.TaskBoard!,
          abi: abis.TaskBoard,
          functionName: "taskCount",
        });
        expect(Number(taskCount)).to.be.at.least(20);
        for (let id = 1n; id <= taskCount; id++) {
          const t = await chain.readContract({
            address: c.TaskBoard!,
            abi: abis.TaskBoard,
            functionName: "getTask",
            args: [id],
          });
          expect([5, 6, 7], `task ${id} status ${t.status}`).to.include(t.status);
        }
        // No attempt of any task was claimed twice, and every claim ended before the next began.
        const claims = (await events(c.TaskBoard!, abis.TaskBoard, "TaskClaimed")).map(
          (e) => `${e.args.taskId}/${e.args.attempt}`,
        );
        expect(new Set(claims).size).to.equal(claims.length);
        // The killed leader was failed over (and slashed), and a new leader leads a later term.
        const killed = BigInt(summary.killed!.agentId);
        const failedOver = await events(c.LeaderElection!, abis.LeaderElection, "LeaderFailedOver");
        expect(failedOver.map((e) => e.args.agentId)).to.include(killed);
        const [leader, term] = await chain.readContract({
          address: c.LeaderElection!,
          abi: abis.LeaderElection,
          functionName: "currentLeader",
          args: [BigInt(summary.groupId)],
        });
        expect(term >= 2n).to.equal(true);
        expect(leader).to.not.equal(killed);
        expect((await events(c.StakeManager!, abis.StakeManager, "Slashed")).map((e) => e.args.agentId)).to.include(
          killed,
        );
        // Escrow reconciles: the board holds what it owes, and with everything settled it owes only credits.
        const [balance, escrowed, credits] = await Promise.all([
          chain.getBalance({ address: c.TaskBoard! }),
          chain.readContract({
            address: c.TaskBoard!,
            abi: abis.TaskBoard,
            functionName: "totalEscrowed",
            args: [zeroAddress],
          }),
          chain.readContract({
            address: c.TaskBoard!,
            abi: abis.TaskBoard,
            functionName: "totalCredits",
            args: [zeroAddress],
          }),
        ]);
        expect(balance).to.equal(escrowed + credits);
        expect(escrowed).to.equal(0n);
        // Four agents registered with ERC-8004 registration files; the story's other acts happened.
        const registered = await events(c.IdentityRegistry!, abis.IdentityRegistry, "Registered");
        expect(registered).to.have.length(4);
        for (const r of registered) {
          const uri = String(r.args.agentURI);
          const file = JSON.parse(
            Buffer.from(uri.replace(/^data:application\/json;base64,/, ""), "base64").toString("utf8"),
          ) as { type: string; capabilities: string[] };
          expect(file.type).to.equal(REGISTRATION_TYPE);
          expect(file.capabilities).to.have.length(2);
        }
        for (const [address, abi, name] of [
          [c.TaskBoard!, abis.TaskBoard, "TaskHandedOff"],
          [c.TaskBoard!, abis.TaskBoard, "TaskEscalated"],
          [c.TaskBoard!, abis.TaskBoard, "EscalationResolved"],
          [c.TaskBoard!, abis.TaskBoard, "TaskRejected"],
          [c.TaskBoard!, abis.TaskBoard, "ScheduleCreated"],
          [c.LockManager!, abis.LockManager, "LockAcquired"],
          [c.MessageBus!, abis.MessageBus, "ChannelMessage"],
          [c.MessageBus!, abis.MessageBus, "DirectMessage"],
        ] as const) {
          expect((await events(getAddress(address), abi, name)).length, `${name} events`).to.be.greaterThan(0);
        }

        // The indexer tells the same story.
        const db = indexerClient(indexerUrl).db;
        const tasks = await db.select().from(schema.task);
        expect(tasks).to.have.length(Number(taskCount));
        expect(tasks.filter((t) => !["accepted", "cancelled", "expired"].includes(t.status))).to.deep.equal([]);
        const terms = await db.select().from(schema.term);
        expect(terms.find((t) => t.agentId === killed)?.failedOverBy).to.be.a("string");
        expect(terms.length).to.be.at.least(2);
        const res = await fetch(`${indexerUrl}/groups/${summary.groupId}/leader`);
        const led = (await res.json()) as { leader: string; term: string };
        expect([BigInt(led.leader), BigInt(led.term)]).to.deep.equal([leader, term]);
        const messages = await db.select().from(schema.message);
        expect(messages.length).to.equal(
          (await events(c.MessageBus!, abis.MessageBus, "ChannelMessage")).length +
            (await events(c.MessageBus!, abis.MessageBus, "DirectMessage")).length,
        );

        // Letting go of stdin ends the run with the status of its checks, and frees the ports.
        job.child.stdin!.end();
        expect(await job.exited, job.output()).to.equal(0);
        expect(await portInUse(rpcPort)).to.equal(false);
        expect(await portInUse(indexerPort)).to.equal(false);
      } finally {
        killGroup(job.child, "SIGKILL");
      }
    },
  );

  it(
    "--chains 2 --once: the swarm works an l1 and an OP-stack chain with one indexer; " +
      "a cut chain is named by /readyz while the other goes on, and caught up once back; each chain checks out",
    async function () {
      this.timeout(900_000); // the run gives up by itself after 600 s (--timeout) and still reports
      const rpcPort = await freePorts(3); // the l1 node, the op node, the indexer
      const indexerPort = rpcPort + 2;
      const deployments = join(dir, "chains");
      const args = ["--once", "--hold", "--chains", "2", "--agents", "4", "--tasks", "8", "--cut-chain", "op@20+15"];
      const job = startMainJob(args, {
        STIGMERGY_RPC_PORT: String(rpcPort),
        STIGMERGY_INDEXER_PORT: String(indexerPort),
        STIGMERGY_DEPLOYMENTS_DIR: deployments,
      });
      try {
        await waitFor(() => job.output().includes("holding the chain and the indexer up"), 840_000, job.output);
        const out = job.output();
        const summary = JSON.parse(out.match(/^summary-json: (.*)$/m)![1]!) as ChainsSummary;
        expect(summary.correct, out).to.equal(true);
        const [l1, op] = summary.chains;
        expect([l1!.chain, op!.chain]).to.deep.equal([
          { name: "l1", id: 31337, type: "l1" },
          { name: "op", id: 31338, type: "op" },
        ]);
        // Tasks posted and settled on both chains; leaders elected on each.
        for (const c of summary.chains) {
          expect(c.tasks.posted, c.chain.name).to.be.at.least(8);
          expect(c.tasks.unfinished, c.chain.name).to.deep.equal([]);
          expect(c.claims, c.chain.name).to.be.greaterThan(0);
          expect(c.terms.length, c.chain.name).to.be.at.least(1);
          expect(c.consistency, c.chain.name).to.deep.equal([]);
          expect(BigInt(c.fees.executionFee) > 0n, `${c.chain.name}: execution fees`).to.equal(true);
        }
        // The OP chain's receipts carry the L1 data fee; the l1 chain's do not.
        expect(l1!.fees.l1Fee).to.equal(null);
        expect(BigInt(op!.fees.l1Fee!) > 0n && BigInt(op!.fees.l1GasUsed!) > 0n, "the op chain's L1 data fee").to.equal(
          true,
        );
        // The cut: named by /readyz, l1 ready and indexing meanwhile, op caught up afterwards.
        const outage = summary.outage!;
        expect(outage.chain).to.equal("op");
        expect(outage.reportedAfterMs).to.be.a("number");
        expect(outage.reason).to.match(/^chain 31338 \(op\): /);
        expect(outage.others[0]!.chain).to.equal("l1");
        expect(outage.others[0]!.readySamples).to.be.greaterThan(0);
        expect(outage.others[0]!.blocksIndexed).to.be.greaterThan(0);
        expect(outage.caughtUpAfterMs).to.be.a("number");
        // Progress lines name their chain; the summary sets the chains side by side.
        expect(out).to.include("⚡ cut the op node off");
        expect(out).to.match(/\] l1 · leader #\d+/);
        expect(out).to.match(/\] op · leader #\d+/);
        expect(out).to.match(/Run summary: 2 chains, one indexer/);
        expect(out).to.match(/l1 \(chain 31337, L1\) +│ op \(chain 31338, OP stack\)/);
        for (const name of [
          "l1: every task ended accepted",
          "op: every task ended accepted",
          "l1: the indexer agrees with the chain",
          "op: the indexer agrees with the chain",
        ]) {
          expect(out).to.include(`✓ ${name}`);
        }

        // The consistency oracle per chain, from the test, and one chain's tasks are not the other's.
        const indexerUrl = `http://127.0.0.1:${indexerPort}`;
        for (const [chainId, port] of [
          [31337, rpcPort],
          [31338, rpcPort + 1],
        ] as const) {
          const path = join(deployments, `${chainId}.json`);
          const deployment = parseDeployment(JSON.parse(readFileSync(path, "utf8")), path);
          const rpcUrl = `http://127.0.0.1:${port}`;
          expect(await checkConsistency(indexerUrl, rpcUrl, deployment), `chain ${chainId}`).to.deep.equal([]);
          const chain = createPublicClient({ transport: http(rpcUrl) });
          const count = await chain.readContract({
            address: deployment.contracts.TaskBoard!,
            abi: abis.TaskBoard,
            functionName: "taskCount",
          });
          const listed = (await (await fetch(`${indexerUrl}/tasks?chain=${chainId}&limit=500`)).json()) as {
            tasks: { chainId: number }[];
          };
          expect(listed.tasks.length).to.equal(Number(count));
          expect(listed.tasks.every((t) => t.chainId === chainId)).to.equal(true);
        }
        const ambiguous = await fetch(`${indexerUrl}/tasks/1`);
        expect(ambiguous.status).to.equal(400);

        job.child.stdin!.end();
        expect(await job.exited, job.output()).to.equal(0);
        for (const port of [rpcPort, rpcPort + 1, indexerPort])
          expect(await portInUse(port), `port ${port}`).to.equal(false);
      } finally {
        killGroup(job.child, "SIGKILL");
      }
    },
  );
});
