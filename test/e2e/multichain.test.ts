/**
 * One indexer, two chains: an L1 (Hardhat, 31337) and an OP-stack chain (31338), each with the full
 * deployment. Rows carry their chain and agree with that chain's views; ids that exist on both
 * chains are two rows; one chain's outage leaves the other's indexing alone however long it lasts
 * (past STIGMERGY_CHAIN_DOWN_MS, where upstream Ponder stopped the whole process), and the indexer
 * catches up with the chain that comes back.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { createPublicClient, http } from "viem";
import { LOCAL_CHAIN_IDS } from "../../scripts/lib/chains.ts";
import { checkConsistency, waitForIndexer } from "../../scripts/lib/oracle.ts";
import {
  freePort,
  HARDHAT_BIN,
  type RunningIndexer,
  type RunningNode,
  runToEnd,
  startHardhatNode,
  startIndexer,
  waitForHttp,
} from "../../scripts/lib/processes.ts";
import { startTcpProxy, type TcpProxy } from "../../scripts/lib/proxy.ts";
import { taskPoster } from "../../scripts/lib/tasks.ts";
import { runWorkload } from "../../scripts/lib/workload.ts";
import { abis, type Deployment, parseDeployment } from "../../sdk/src/index.ts";

const L1 = LOCAL_CHAIN_IDS.l1;
const OP = LOCAL_CHAIN_IDS.op;
/** How long a chain's JSON-RPC may fail before the indexer logs the chain as down (10 minutes by default). */
const CHAIN_DOWN_MS = 2_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Json = Record<string, unknown>;
const get = async (url: string) => {
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as Json };
};

describe("one indexer, two chains (l1 31337 and op 31338)", () => {
  let dir: string;
  let l1: RunningNode;
  let op: RunningNode;
  /** The indexer reaches the op node only through this proxy (cut to take the chain away). */
  let opProxy: TcpProxy;
  let indexer: RunningIndexer;
  /** What the indexer (the supervisor and Ponder) printed. */
  let output = "";
  const deployments: Record<number, Deployment> = {};

  const deploy = async (node: RunningNode, network: string) => {
    const deployed = await runToEnd(process.execPath, [HARDHAT_BIN, "run", "scripts/deploy.ts", "--network", network], {
      STIGMERGY_RPC_URL: node.url,
      STIGMERGY_DEPLOYMENTS_DIR: dir,
    });
    if (deployed.code !== 0) throw new Error(`deploy to ${network} failed:\n${deployed.output}`);
    const path = join(dir, `${node.chainId}.json`);
    deployments[node.chainId] = parseDeployment(JSON.parse(readFileSync(path, "utf8")), path);
  };
  const taskCount = (node: RunningNode) =>
    createPublicClient({ transport: http(node.url) }).readContract({
      address: deployments[node.chainId]!.contracts.TaskBoard!,
      abi: abis.TaskBoard,
      functionName: "taskCount",
    });

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "stigmergy-multichain-"));
    l1 = await startHardhatNode(await freePort());
    op = await startHardhatNode(await freePort(), () => {}, { chainType: "op" });
    expect([l1.chainId, op.chainId]).to.deep.equal([L1, OP]);
    await deploy(l1, "localhost");
    await deploy(op, "localhostOp");
    opProxy = await startTcpProxy({ port: op.port });
    // Different work on each chain: the same ids (agent 1, task 1, …) name different things.
    await Promise.all([
      runWorkload({ rpcUrl: l1.url, deployment: deployments[L1]!, seed: 19, rounds: 12 }),
      runWorkload({ rpcUrl: op.url, deployment: deployments[OP]!, seed: 91, rounds: 16 }),
    ]);
    const chains = [
      { name: "l1", id: L1, rpc: l1.url },
      { name: "op", id: OP, rpc: opProxy.url },
    ];
    indexer = await startIndexer({
      rpcUrl: l1.url,
      deploymentsDir: dir,
      port: await freePort(),
      pgliteDir: join(dir, "pglite", "ponder"),
      env: {
        STIGMERGY_CHAINS: JSON.stringify(chains),
        STIGMERGY_WEBHOOK_DIR: join(dir, "pglite", "webhooks"),
        STIGMERGY_RPC_GRACE_MS: "1000",
        STIGMERGY_CHAIN_DOWN_MS: String(CHAIN_DOWN_MS),
      },
      onOutput: (chunk) => {
        output += chunk;
      },
    });
  });
  after(async () => {
    await indexer?.stop();
    await opProxy?.close();
    await l1?.stop();
    await op?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("indexes both chains: each chain's rows agree with that chain's views (the oracle per chain)", async () => {
    await waitForIndexer(indexer.url, l1.url);
    await waitForIndexer(indexer.url, op.url);
    expect(await checkConsistency(indexer.url, l1.url, deployments[L1]!)).to.deep.equal([]);
    expect(await checkConsistency(indexer.url, op.url, deployments[OP]!)).to.deep.equal([]);
    const chains = await get(`${indexer.url}/chains`);
    expect((chains.body.chains as Json[]).map((c) => [c.chainId, c.name])).to.deep.equal([
      [L1, "l1"],
      [OP, "op"],
    ]);
  });

  it("lists across chains and by ?chain=; every row names its chain", async () => {
    const [l1Tasks, opTasks] = await Promise.all([taskCount(l1), taskCount(op)]);
    const all = (await get(`${indexer.url}/tasks?limit=500`)).body.tasks as Json[];
    expect(all.filter((t) => t.chainId === L1).length).to.equal(Number(l1Tasks));
    expect(all.filter((t) => t.chainId === OP).length).to.equal(Number(opTasks));
    const onOp = (await get(`${indexer.url}/tasks?chain=${OP}&limit=500`)).body.tasks as Json[];
    expect(onOp.length).to.equal(Number(opTasks));
    expect(onOp.every((t) => t.chainId === OP)).to.equal(true);
    const agentsOnL1 = (await get(`${indexer.url}/agents?chain=${L1}&limit=500`)).body.agents as Json[];
    expect(agentsOnL1.length).to.be.greaterThan(0);
    expect(agentsOnL1.every((a) => a.chainId === L1)).to.equal(true);
    // Pages across chains: the cursor is the last row's (id, chainId).
    const paged: Json[] = [];
    for (let page: Json[] = [], query = ""; ; ) {
      page = (await get(`${indexer.url}/tasks?limit=7${query}`)).body.tasks as Json[];
      paged.push(...page);
      if (page.length < 7) break;
      query = `&after=${page.at(-1)!.id}&afterChain=${page.at(-1)!.chainId}`;
    }
    expect(paged.map((t) => `${t.chainId}/${t.id}`)).to.deep.equal(all.map((t) => `${t.chainId}/${t.id}`));
    // GraphQL and SQL filter by chainId like any column.
    const res = await fetch(`${indexer.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: `{ tasks(where: { chainId: ${OP} }) { totalCount } }` }),
    });
    const graphql = (await res.json()) as { data: { tasks: { totalCount: number } } };
    expect(graphql.data.tasks.totalCount).to.equal(Number(opTasks));
    const unknown = await get(`${indexer.url}/tasks?chain=1`);
    expect(unknown.status).to.equal(400);
    expect(unknown.body.reason).to.match(/31337 \(l1\), 31338 \(op\), not 1/);
  });

  it("a task posted on the op chain is the op chain's, not the l1 chain's", async () => {
    // A task id the op chain reaches and the l1 chain has not.
    const post = taskPoster(op.url, deployments[OP]!.contracts.TaskBoard!, 13);
    while ((await taskCount(op)) <= (await taskCount(l1))) await post({ specURI: "ipfs://op-only" });
    const id = await taskCount(op);
    await waitForIndexer(indexer.url, op.url);

    const onOp = await get(`${indexer.url}/tasks/${id}?chain=${OP}`);
    expect(onOp.status).to.equal(200);
    expect((onOp.body.task as Json).chainId).to.equal(OP);
    expect((onOp.body.task as Json).specURI).to.equal("ipfs://op-only");
    expect((onOp.body.history as Json[]).every((h) => h.chainId === OP)).to.equal(true);
    const onL1 = await get(`${indexer.url}/tasks/${id}?chain=${L1}`);
    expect(onL1.status).to.equal(404);
    expect(onL1.body.reason).to.equal(`task ${id} is not indexed on chain ${L1} (l1)`);
    // Task 1 exists on both chains: an id route without ?chain= names nothing.
    const ambiguous = await get(`${indexer.url}/tasks/1`);
    expect(ambiguous.status).to.equal(400);
    expect(ambiguous.body).to.include({ field: "chain" });
    expect(ambiguous.body.reason).to.match(/several chains, 31337 \(l1\), 31338 \(op\)/);
    const [one, other] = await Promise.all([
      get(`${indexer.url}/tasks/1?chain=${L1}`),
      get(`${indexer.url}/tasks/1?chain=${OP}`),
    ]);
    expect([(one.body.task as Json).chainId, (other.body.task as Json).chainId]).to.deep.equal([L1, OP]);
  });

  it("a dead op node stops nothing however long: l1 goes on, /readyz names op, op catches up when back", async () => {
    await waitForHttp(`${indexer.url}/readyz`, 60_000);
    await opProxy.down();
    // The op chain stays cut past the limit at which upstream Ponder stopped the whole process.
    const downLine = /Chain is down: its JSON-RPC has failed for longer than STIGMERGY_CHAIN_DOWN_MS[^\n]*chain=op\b/;
    for (let i = 0; i < 240 && !downLine.test(output); i++) await sleep(250);
    expect(output, "the indexer logs the op chain as down").to.match(downLine);

    const postOnL1 = taskPoster(l1.url, deployments[L1]!.contracts.TaskBoard!, 14);
    const postOnOp = taskPoster(op.url, deployments[OP]!.contracts.TaskBoard!, 14);
    // Work goes on on both chains; the indexer sees only the l1 chain's.
    for (let i = 0; i < 3; i++) {
      await postOnL1({ specURI: `ipfs://l1-during-outage-${i}` });
      await postOnOp({ specURI: `ipfs://op-during-outage-${i}` });
    }
    await waitForIndexer(indexer.url, l1.url, 60_000);
    expect(await checkConsistency(indexer.url, l1.url, deployments[L1]!)).to.deep.equal([]);
    const l1Rows = (await get(`${indexer.url}/tasks?chain=${L1}&limit=500`)).body.tasks as Json[];
    expect(l1Rows.filter((t) => String(t.specURI).startsWith("ipfs://l1-during-outage")).length).to.equal(3);
    expect(indexer.process.exitCode, "the indexer still runs").to.equal(null);

    // /readyz names the dead chain; the l1 chain alone is ready.
    let down = await get(`${indexer.url}/readyz`);
    for (let i = 0; i < 40 && !/chain 31338 \(op\)/.test(String(down.body.reason)); i++) {
      await sleep(250);
      down = await get(`${indexer.url}/readyz`);
    }
    expect(down.status).to.equal(503);
    expect(down.body.reason).to.match(/^chain 31338 \(op\): the chain's JSON-RPC does not answer/);
    const perChain = down.body.chains as Record<string, Json>;
    expect(perChain.l1).to.include({ id: L1, status: "ok" });
    expect(perChain.op).to.include({ id: OP, status: "unavailable" });
    expect((await get(`${indexer.url}/readyz?chain=${L1}`)).status).to.equal(200);
    expect((await get(`${indexer.url}/readyz?chain=${OP}`)).status).to.equal(503);
    // Liveness holds while one chain answers.
    expect((await get(`${indexer.url}/healthz`)).status).to.equal(200);
    const opRows = (await get(`${indexer.url}/tasks?chain=${OP}&limit=500`)).body.tasks as Json[];
    expect(opRows.some((t) => String(t.specURI).startsWith("ipfs://op-during-outage"))).to.equal(false);

    await opProxy.up();
    await waitForIndexer(indexer.url, op.url, 120_000);
    expect(await checkConsistency(indexer.url, op.url, deployments[OP]!)).to.deep.equal([]);
    expect(await checkConsistency(indexer.url, l1.url, deployments[L1]!)).to.deep.equal([]);
    let back = await get(`${indexer.url}/readyz`);
    for (let i = 0; i < 40 && back.status !== 200; i++) {
      await sleep(250);
      back = await get(`${indexer.url}/readyz`);
    }
    expect(back.status, JSON.stringify(back.body)).to.equal(200);
  });
});
