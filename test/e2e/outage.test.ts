import { expect } from "chai";
import { checkConsistency, waitForIndexer } from "../../scripts/lib/oracle.ts";
import { startTcpProxy, type TcpProxy } from "../../scripts/lib/proxy.ts";
import { type Receiver, startReceiver, subscribe } from "../../scripts/lib/receiver.ts";
import { type Stack, type StackIndexer, startStack } from "../../scripts/lib/stack.ts";
import { type PostTask, rpc, taskPoster } from "../../scripts/lib/tasks.ts";

const SECRET = "outage-test-secret-0123";
const GRACE_MS = 2_000;
const MAX_LAG = 5;
const OUTAGE_MS = 10_000;
/** Shorter than the outage: the indexer logs the chain as down during it, and keeps going. */
const CHAIN_DOWN_MS = 3_000;

type Probe = { status: number; body: { reason?: string; indexedBlock: number | null; rpc: string } };
/** `at`: when the probes were asked; `done`: when both had answered (the server judged in between). */
type Sample = { at: number; done: number; health: Probe; ready: Probe; chainHead: number };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("RPC outage", () => {
  let stack: Stack;
  let proxy: TcpProxy;
  let indexer: StackIndexer;
  let receiver: Receiver;
  let postTask: PostTask;
  /** What the indexer printed. */
  let output = "";

  before(async () => {
    stack = await startStack();
    proxy = await startTcpProxy({ port: Number(new URL(stack.node.url).port) });
    receiver = await startReceiver();
    // The indexer reaches the node only through the proxy; the workload goes to the node directly.
    indexer = await stack.indexer({
      rpcUrl: proxy.url,
      env: {
        STIGMERGY_RPC_GRACE_MS: String(GRACE_MS),
        STIGMERGY_READY_MAX_LAG: String(MAX_LAG),
        STIGMERGY_WEBHOOK_BACKOFF_MS: "200",
        STIGMERGY_WEBHOOK_BACKOFF_CAP_MS: "1000",
        STIGMERGY_CHAIN_DOWN_MS: String(CHAIN_DOWN_MS),
      },
      onOutput: (chunk) => {
        output += chunk;
      },
    });
    await subscribe(indexer.url, { url: receiver.url, secret: SECRET, filter: { events: ["TaskPosted"] } });
    postTask = taskPoster(stack.node.url, stack.deployment.contracts.TaskBoard!, 12);
  });
  after(async () => {
    await receiver?.close();
    await stack?.stop();
    await proxy?.close();
  });

  const probe = async (path: string): Promise<Probe> => {
    const res = await fetch(`${indexer.url}${path}`);
    return { status: res.status, body: (await res.json()) as Probe["body"] };
  };
  const sample = async (): Promise<Sample> => {
    const at = Date.now(); // when the question was asked
    const [health, ready] = await Promise.all([probe("/healthz"), probe("/readyz")]);
    const done = Date.now();
    // Read after the probes: a head read later can only be higher, which makes the check stricter.
    const chainHead = Number(await rpc<string>(stack.node.url, "eth_blockNumber"));
    return { at, done, health, ready, chainHead };
  };
  /** Never "ready" while the index is more than MAX_LAG blocks behind the real head. */
  const truthful = (s: Sample) =>
    s.ready.status !== 200 ||
    (s.ready.body.indexedBlock !== null && s.chainHead - s.ready.body.indexedBlock <= MAX_LAG);

  it(
    "while the node is unreachable for 10 s /healthz and /readyz say so and /readyz never claims a lag it can't see; " +
      "afterwards nothing is lost, and new blocks come by push again",
    async () => {
      for (let i = 0; i < 3; i++) await postTask({ specURI: `ipfs://before-${i}` });
      await waitForIndexer(indexer.url, stack.node.url);
      const before = await sample();
      expect([before.health.status, before.ready.status]).to.deep.equal([200, 200]);

      // The outage: the workload goes on (a task every 500 ms, straight to the node), probes every 250 ms.
      await proxy.down();
      const downAt = Date.now();
      const samples: Sample[] = [];
      let posted = 3;
      const workload = (async () => {
        while (Date.now() - downAt < OUTAGE_MS) {
          await postTask({ specURI: `ipfs://during-${posted++}` });
          await sleep(500);
        }
      })();
      while (Date.now() - downAt < OUTAGE_MS) {
        samples.push(await sample());
        await sleep(250);
      }
      await workload;
      const lastDuring = await sample();
      samples.push(lastDuring);

      // Ready drops at the first probe that fails (answers are cached for at most 500 ms), health once
      // the grace period is over.
      const timeline = samples.map((s) => `${s.at - downAt}ms:${s.health.status}/${s.ready.status}`).join(" ");
      expect(
        samples.filter((s) => s.at - downAt >= 1_000).every((s) => s.ready.status === 503),
        `ready during the outage: ${timeline}`,
      ).to.equal(true);
      expect(samples.every(truthful), `no ready 200 while behind: ${timeline}`).to.equal(true);
      expect(
        samples.some((s) => s.health.status === 503),
        "health during the outage",
      ).to.equal(true);
      expect(lastDuring.health.status).to.equal(503);
      expect(lastDuring.health.body.rpc).to.match(/^unreachable for \d+ s/);
      expect(lastDuring.ready.body.reason).to.equal("the chain's JSON-RPC does not answer");
      // Health only drops after the grace: an answer that was back within GRACE_MS of the cut was judged
      // within it (the first failure came after the cut), so it is 200; the first 503 says how long.
      const withinGrace = samples.filter((s) => s.done - downAt < GRACE_MS);
      expect(
        withinGrace.every((s) => s.health.status === 200),
        `health within the grace: ${timeline}`,
      ).to.equal(true);
      const firstUnhealthy = samples.find((s) => s.health.status === 503)!;
      expect(firstUnhealthy.done - downAt, `the first 503: ${timeline}`).to.be.at.least(GRACE_MS);
      expect(firstUnhealthy.health.body.rpc).to.match(/^unreachable for \d+ s/);
      // Past STIGMERGY_CHAIN_DOWN_MS the chain is logged as down, and the indexer goes on retrying and
      // answering (upstream Ponder stopped the process there).
      const downLine = /Chain is down: its JSON-RPC has failed for longer than STIGMERGY_CHAIN_DOWN_MS/;
      for (let i = 0; i < 240 && !downLine.test(output); i++) await sleep(250);
      expect(output).to.match(downLine);
      expect((await sample()).health.status).to.equal(503);
      expect(indexer.process.exitCode).to.equal(null);

      // Back up: the indexer catches up without loss, telling the truth on the way.
      await proxy.up();
      const after: Sample[] = [];
      for (const upAt = Date.now(); ; ) {
        const s = await sample();
        after.push(s);
        if (s.ready.status === 200 && s.ready.body.indexedBlock! >= s.chainHead) break;
        if (Date.now() - upAt > 180_000)
          throw new Error(
            `not ready 180 s after the node came back: ${after
              .slice(-5)
              .map((x) => JSON.stringify(x.ready.body))
              .join(" ")}`,
          );
        await sleep(250);
      }
      expect(after.every(truthful), "no ready 200 while catching up").to.equal(true);
      // New blocks by push again: the indexer fell back to polling when the WebSocket died with the node,
      // and returns to the WebSocket once its node answers (upstream polled until restarted).
      const pushAgain = /New blocks by push again: the JSON-RPC WebSocket subscription is back after polling/;
      for (let i = 0; i < 240 && !pushAgain.test(output); i++) await sleep(250);
      expect(output).to.match(pushAgain);
      await waitForIndexer(indexer.url, stack.node.url);
      const problems = await checkConsistency(indexer.url, stack.node.url, stack.deployment);
      expect(problems, problems.join("\n")).to.deep.equal([]);

      // Every task posted before, during and after the outage is delivered, once per delivery id.
      await receiver.waitFor(
        () =>
          new Set(receiver.received.filter((r) => r.status === 200).map((r) => r.headers["x-stigmergy-delivery"]))
            .size >= posted,
        60_000,
      );
      const ids = receiver.received.filter((r) => r.status === 200).map((r) => r.headers["x-stigmergy-delivery"]);
      expect(new Set(ids).size).to.equal(posted);
    },
  );
});
