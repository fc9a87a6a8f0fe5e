/**
 * The scale-out script (`npm run indexer:cluster`, scripts/cluster.ts) on a throwaway PostgreSQL: a
 * writer with a views schema and two `ponder serve` readers, live-query subscribers spread over the
 * readers (SDK clients given both URLs), and one reader SIGKILLed mid-burst. The bench
 * (STIGMERGY_BENCH=fanout) runs the same code with 2,000 subscribers and measures latency; here
 * 40 subscribers and bursts of 10 tasks, and only what was delivered is asserted.
 */
import { sql } from "@ponder/client";
import { expect } from "chai";
import { clusterEnv, fanoutRun } from "../../bench/fanout.ts";
import { type RunningCluster, runCluster } from "../../scripts/lib/cluster.ts";
import { checkConsistency, dumpTables, waitForIndexer } from "../../scripts/lib/oracle.ts";
import { postgresAvailable } from "../../scripts/lib/postgres.ts";
import { freePort, freePorts } from "../../scripts/lib/processes.ts";
import { startReceiver, subscribe } from "../../scripts/lib/receiver.ts";
import { type Stack, startStack } from "../../scripts/lib/stack.ts";
import { taskPoster } from "../../scripts/lib/tasks.ts";
import { runWorkload } from "../../scripts/lib/workload.ts";
import { createIndexerClient, type Row } from "../../sdk/src/indexer/client.ts";

const SUBSCRIBERS = 40;
const TASKS = 10;

describe("the indexer scaled out on PostgreSQL (npm run indexer:cluster: a writer and two readers)", () => {
  let stack: Stack | undefined;
  let cluster: RunningCluster | undefined;

  before(async function () {
    if (!postgresAvailable()) this.skip();
    stack = await startStack();
    cluster = await runCluster(clusterEnv(stack, await freePorts(3), SUBSCRIBERS)); // the writer and two readers
  });
  after(async () => {
    await cluster?.stop();
    await stack?.stop();
  });

  it("starts a `ponder start` writer with a views schema and two `ponder serve` readers serving its rows", async () => {
    expect(cluster!.output()).to.match(/ponder start --schema stigmergy_live --views-schema stigmergy/);
    expect(cluster!.readers).to.have.length(2);
    await runWorkload({ rpcUrl: stack!.node.url, deployment: stack!.deployment, seed: 11, rounds: 30 });
    await waitForIndexer(cluster!.writer.url, stack!.node.url);
    for (const reader of cluster!.readers) {
      const problems = await checkConsistency(reader.url, stack!.node.url, stack!.deployment);
      expect(problems, problems.slice(0, 20).join("\n")).to.deep.equal([]);
    }
    const [writer, reader] = await Promise.all([dumpTables(cluster!.writer.url), dumpTables(cluster!.readers[1]!.url)]);
    expect(reader).to.deep.equal(writer);
  });

  it(
    "an SDK client given several indexers skips one that cannot be reached, " +
      "for reads and live queries, and stays on the next",
    async () => {
      const dead = `http://127.0.0.1:${await freePort()}`;
      const reader = cluster!.readers[0]!.url;
      const reads = createIndexerClient([dead, reader]);
      expect(reads.urls).to.deep.equal([dead, reader]);
      expect(await reads.get("/tasks")).to.not.equal(null);
      expect(reads.url).to.equal(reader);
      const [count] = await reads.query(sql`select count(*) as n from task`);
      const live = createIndexerClient([dead, reader]);
      const rows = await new Promise<Row[]>((resolve, reject) => {
        const stop = live.live(
          sql`select id from task order by id`,
          (r) => {
            stop();
            resolve(r);
          },
          (e) => e.message.includes(dead) || reject(e),
        );
      });
      expect(rows.length).to.equal(Number(count!.n));
      expect(live.url).to.equal(reader);
    },
  );

  it("the writer delivers a webhook subscribed via a reader (one store, named after the views schema)", async () => {
    const receiver = await startReceiver();
    try {
      const id = await subscribe(cluster!.readers[0]!.url, {
        url: receiver.url,
        secret: "cluster-webhook-secret",
        filter: { events: ["TaskPosted"] },
      });
      const listed = (await (await fetch(`${cluster!.readers[1]!.url}/webhooks`)).json()) as {
        webhooks: { id: string }[];
      };
      expect(
        listed.webhooks.map((s) => s.id),
        "listed by the other reader",
      ).to.include(id);
      const post = taskPoster(stack!.node.url, stack!.deployment.contracts.TaskBoard!, 14);
      const { transactionHash } = await post();
      const delivery = await receiver.waitFor(
        (r) => (r.json.event as { txHash?: string } | undefined)?.txHash === transactionHash,
      );
      expect(delivery.json.subscriptionId).to.equal(id);
    } finally {
      await receiver.close();
    }
  });

  it(`pushes every task of a burst to all ${SUBSCRIBERS} live-query subscribers spread over both readers`, async () => {
    const run = await fanoutRun(stack!, cluster!, { subscribers: SUBSCRIBERS, tasks: TASKS });
    expect(run.opened).to.deep.equal([SUBSCRIBERS / 2, SUBSCRIBERS / 2]);
    expect(run.samples).to.equal(SUBSCRIBERS * TASKS);
    expect(run.missed).to.equal(0);
    expect(run.moved).to.equal(0);
  });

  it("when a reader is SIGKILLed mid-burst, its subscribers reconnect to the other one and miss no task", async () => {
    const run = await fanoutRun(stack!, cluster!, { subscribers: SUBSCRIBERS, tasks: TASKS, killReader: 1 });
    expect(run.missed).to.equal(0);
    expect(run.samples).to.equal(SUBSCRIBERS * TASKS);
    expect(run.moved, "subscribers that started on reader 2").to.equal(SUBSCRIBERS / 2);
    expect(cluster!.output()).to.match(/cluster: reader 2 \(pid \d+\) exited \(SIGKILL\); the others keep serving/);
  });
});
