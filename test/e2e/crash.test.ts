import { expect } from "chai";
import { postgresAvailable, type RunningPostgres, startPostgres } from "../../scripts/lib/postgres.ts";
import { type IndexerOptions, startIndexer } from "../../scripts/lib/processes.ts";
import { prng, runWorkload } from "../../scripts/lib/workload.ts";
import { dumpTables, waitForIndexer } from "../../scripts/lib/oracle.ts";
import { type Receiver, startReceiver, subscribe } from "../../scripts/lib/receiver.ts";
import { type Stack, type StackIndexer, startStack } from "../../scripts/lib/stack.ts";

const SECRET = "crash-test-secret-0123";
const SEED = 2026;
const KILLS = 4;

type Delivery = { type: string; event?: { id: string; blockHash: string } };

/**
 * On PostgreSQL: the embedded PGlite is not crash-safe under SIGKILL (we saw rows survive without
 * the checkpoint that covers them, and the restart then fails on a primary-key conflict). The
 * README says so: after a hard kill of a PGlite indexer, delete .ponder/ and re-index.
 */
describe("indexer crashes (PostgreSQL)", function () {
  let stack: Stack;
  let receiver: Receiver;
  let pg: RunningPostgres | undefined;
  let indexer: StackIndexer | undefined;
  const restarted: StackIndexer[] = [];

  before(async function () {
    if (!postgresAvailable()) this.skip();
    pg = await startPostgres();
    stack = await startStack();
    receiver = await startReceiver();
  });
  after(async () => {
    for (const i of restarted) await i.stop();
    await receiver?.close();
    await stack?.stop();
    pg?.stop();
  });

  it("killed with SIGKILL at random points of a long workload and restarted, it ends with the rows of a fresh re-index and every event delivered", async function () {
    this.timeout(900_000); // a long workload, four restarts (each waits out a dead lock) and a re-index
    const random = prng(SEED).next; // seeded, so that a failing run can be replayed
    let tail = "";
    const onOutput = (chunk: string) => (tail = (tail + chunk).slice(-6_000));
    indexer = await stack.indexer({ databaseUrl: pg!.url, dbSchema: "crashing", onOutput, env: { STIGMERGY_WEBHOOK_BACKOFF_MS: "200", STIGMERGY_WEBHOOK_BACKOFF_CAP_MS: "1000" } });
    await subscribe(indexer.url, { url: receiver.url, secret: SECRET });
    // A subscription gets the events indexed after it was made: everything from here on.
    const status = (await (await fetch(`${indexer.url}/status`)).json()) as { stigmergy: { block: { number: number } } };
    const subscribedAt = status.stigmergy.block.number;

    let done = false;
    const workload = runWorkload({ rpcUrl: stack.node.url, deployment: stack.deployment, seed: SEED, rounds: 1_500 }).finally(() => (done = true));
    const kills: string[] = [];
    // Kill at random moments: while indexing live, while catching up after a restart, while delivering.
    const started = Date.now();
    for (let k = 0; k < KILLS; k++) {
      await new Promise((r) => setTimeout(r, 500 + random() * 4_000));
      const at = (await (await fetch(`${indexer.url}/status`).catch(() => undefined))?.json().catch(() => undefined)) as
        | { stigmergy?: { block?: { number: number } } }
        | undefined;
      kills.push(`kill ${k + 1} at ${Date.now() - started} ms, indexed block ${at?.stigmergy?.block?.number ?? "?"}${done ? ", workload done" : ""}`);
      indexer.process.kill("SIGKILL");
      await new Promise((r) => (indexer!.process.exitCode !== null || indexer!.process.signalCode !== null ? r(null) : indexer!.process.once("exit", r)));
      // Restart on the same database and webhook outbox; don't wait for the catch-up.
      const options: IndexerOptions = indexer.options;
      indexer = { ...(await startIndexer({ ...options, waitForReady: false })), options };
      restarted.push(indexer);
    }
    const result = await workload;
    expect(result.transactions).to.be.greaterThan(400);
    // The first kill lands while the workload runs, the others while the indexer restarts and catches
    // up on it (each restart first waits out the dead process's lock).
    expect(kills, kills.join("; ")).to.have.length(KILLS);
    expect(kills[0], kills.join("; ")).to.not.include("workload done");
    await waitForIndexer(indexer.url, stack.node.url).catch((error: Error) => {
      throw new Error(`${error.message}\n${kills.join("; ")}\nthe indexer's last output:\n${tail}`);
    });

    // The same rows as an indexer that never crashed.
    const fresh = await stack.indexer({ databaseUrl: pg!.url, dbSchema: "fresh", env: { STIGMERGY_WEBHOOKS: "off" } });
    await waitForIndexer(fresh.url, stack.node.url);
    const [crashed, clean] = await Promise.all([dumpTables(indexer.url), dumpTables(fresh.url)]);
    for (const table of Object.keys(clean)) {
      const a = new Set(crashed[table]!.split("\n"));
      const b = new Set(clean[table]!.split("\n"));
      const onlyCrashed = [...a].filter((x) => !b.has(x)).slice(0, 3);
      const onlyClean = [...b].filter((x) => !a.has(x)).slice(0, 3);
      expect({ onlyCrashed, onlyClean }, `table ${table} (${kills.join("; ")})`).to.deep.equal({ onlyCrashed: [], onlyClean: [] });
    }
    await fresh.stop();

    // Every event in the index reaches the subscriber (at least once; duplicates share a delivery id).
    const events = clean
      .activity!.split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { id: string; blockHash: string; blockNumber: string })
      .filter((e) => Number(e.blockNumber) > subscribedAt);
    expect(events.length).to.be.greaterThan(100);
    const delivered = () =>
      new Set(
        receiver.received
          .filter((r) => r.status === 200)
          .map((r) => r.json as Delivery)
          .filter((d) => d.type === "event")
          .map((d) => `${d.event!.id}:${d.event!.blockHash}`),
      );
    await receiver.waitFor(() => delivered().size >= events.length, 120_000).catch(() => undefined);
    const missing = events.filter((e) => !delivered().has(`${e.id}:${e.blockHash}`));
    expect(missing.map((e) => e.id).slice(0, 10), `${missing.length} of ${events.length} events never delivered`).to.deep.equal([]);
    // No reorg happened: a crash must not look like one to subscribers.
    expect(receiver.received.filter((r) => (r.json as Delivery).type === "removed")).to.have.length(0);
    // And nothing was delivered that isn't in the index (no phantom from a rolled-back write).
    const expected = new Set(clean.activity!.split("\n").filter(Boolean).map((line) => {
      const e = JSON.parse(line) as { id: string; blockHash: string };
      return `${e.id}:${e.blockHash}`;
    }));
    expect([...delivered()].filter((key) => !expected.has(key))).to.deep.equal([]);
  });
});
