import { expect } from "chai";
import { Client } from "pg";
import { dumpTables, waitForIndexer } from "../../scripts/lib/oracle.ts";
import { postgresAvailable, type RunningPostgres, startPostgres } from "../../scripts/lib/postgres.ts";
import { freePort, type IndexerOptions, startIndexer } from "../../scripts/lib/processes.ts";
import { type Receiver, startReceiver, subscribe } from "../../scripts/lib/receiver.ts";
import { type Stack, type StackIndexer, startStack } from "../../scripts/lib/stack.ts";
import { rpc } from "../../scripts/lib/tasks.ts";
import { prng, runWorkload } from "../../scripts/lib/workload.ts";

const SECRET = "crash-test-secret-0123";

/** The block the indexer has indexed up to (Ponder's /status), or undefined while it does not answer. */
async function indexedBlock(url: string): Promise<number | undefined> {
  const status = (await (await fetch(`${url}/status`).catch(() => undefined))?.json().catch(() => undefined)) as
    | { stigmergy?: { block?: { number: number } } }
    | undefined;
  return status?.stigmergy?.block?.number;
}

/** Resolves once the indexer has indexed past `block` or is at the node's head (or after 180 s). */
async function indexingAgain(url: string, rpcUrl: string, block: number): Promise<void> {
  const until = Date.now() + 180_000;
  while (Date.now() < until) {
    const [at, head] = await Promise.all([indexedBlock(url), rpc(rpcUrl, "eth_blockNumber").then((h) => Number(h))]);
    if (at !== undefined && (at > block || at >= head)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}
const KILLS = 4;

type Delivery = { type: string; event?: { id: string; blockHash: string } };
type Listed = { webhooks: { id: string }[]; outbox: Record<string, number> };

/**
 * The indexer killed with SIGKILL at seeded random moments of a long workload (while indexing live,
 * while catching up after a restart, while delivering), restarted each time on the same data, ends
 * with the rows of an indexer that never crashed, every subscription, every outbox entry and every
 * event delivered. On the default database (PGlite for the index, SQLite for the webhook store) and
 * on PostgreSQL. Prints the figures: when each kill landed, how long each restart took.
 */
function crashSuite(database: "default" | "postgres", seed: number, rounds: number) {
  const title =
    database === "default"
      ? "indexer crashes (default database: PGlite index, SQLite webhook store)"
      : "indexer crashes (PostgreSQL)";
  describe(title, () => {
    let stack: Stack;
    let receiver: Receiver;
    let pg: RunningPostgres | undefined;
    let indexer: StackIndexer | undefined;
    const restarted: StackIndexer[] = [];

    before(async function () {
      if (database === "postgres") {
        if (!postgresAvailable()) this.skip();
        pg = await startPostgres();
      }
      stack = await startStack();
      receiver = await startReceiver();
    });
    after(async () => {
      for (const i of restarted) await i.stop();
      await receiver?.close();
      await stack?.stop();
      pg?.stop();
    });

    const onDatabase = (dbSchema: string): Partial<IndexerOptions> => (pg ? { databaseUrl: pg.url, dbSchema } : {});

    it(
      "killed with SIGKILL at 4 seeded random moments of a long workload and restarted, " +
        "it ends with the rows of a fresh re-index, every subscription and outbox entry, and every event delivered",
      async function () {
        this.timeout(1_200_000); // a long workload, four restarts (each waits out a dead lock) and a re-index
        const random = prng(seed).next; // seeded, so that a failing run can be replayed
        let log = "";
        const onOutput = (chunk: string) => (log += chunk);
        indexer = await stack.indexer({
          ...onDatabase("crashing"),
          onOutput,
          env: { STIGMERGY_WEBHOOK_BACKOFF_MS: "200", STIGMERGY_WEBHOOK_BACKOFF_CAP_MS: "1000" },
        });
        const live = await subscribe(indexer.url, { url: receiver.url, secret: SECRET });
        // A receiver that never answers: its deliveries stay in the outbox, retried, none may vanish.
        const silent = await subscribe(indexer.url, {
          url: `http://127.0.0.1:${await freePort()}/silent`,
          secret: SECRET,
          filter: { events: ["TaskPosted"] },
        });
        const filtered = await subscribe(indexer.url, {
          url: receiver.url,
          secret: SECRET,
          filter: { events: ["TaskClaimed"] },
        });
        // A subscription gets the events indexed after it was made: everything from here on.
        const status = (await (await fetch(`${indexer.url}/status`)).json()) as {
          stigmergy: { block: { number: number } };
        };
        const subscribedAt = status.stigmergy.block.number;

        let done = false;
        const workload = runWorkload({ rpcUrl: stack.node.url, deployment: stack.deployment, seed, rounds }).finally(
          () => (done = true),
        );
        const kills: string[] = [];
        const restarts: number[] = [];
        const started = Date.now();
        let lastBlock = subscribedAt;
        for (let k = 0; k < KILLS; k++) {
          // Each kill lands while the indexer indexes, not while it starts: first wait until the
          // (restarted) indexer has indexed past the block the last kill found, or reached the node's head.
          await indexingAgain(indexer.url, stack.node.url, lastBlock);
          await new Promise((r) => setTimeout(r, 200 + random() * 3_000));
          const at = await indexedBlock(indexer.url);
          if (at !== undefined) lastBlock = at;
          kills.push(
            `kill ${k + 1} at ${Date.now() - started} ms, indexed block ${at ?? "?"}${done ? ", workload done" : ""}`,
          );
          await indexer.kill(); // the supervisor and Ponder at once
          // Restart on the same database and webhook store; don't wait for the catch-up.
          const options: IndexerOptions = indexer.options;
          const restartedAt = Date.now();
          indexer = { ...(await startIndexer({ ...options, waitForReady: false })), options };
          restarts.push(Date.now() - restartedAt);
          restarted.push(indexer);
        }
        const result = await workload;
        expect(result.transactions).to.be.greaterThan(400);
        // The first kills land while the workload runs (the indexer follows it live), the others while
        // the indexer restarts and catches up. On PostgreSQL each restart first waits out the dead
        // process's lock; on the default database the supervisor releases it.
        expect(kills, kills.join("; ")).to.have.length(KILLS);
        expect(kills[0], kills.join("; ")).to.not.include("workload done");
        if (database === "default") expect(log).to.not.include("Schema is locked by a different Ponder app");
        const caughtUpFrom = Date.now();
        await waitForIndexer(indexer.url, stack.node.url).catch((error: Error) => {
          throw new Error(`${error.message}\n${kills.join("; ")}\nthe indexer's last output:\n${log.slice(-8_000)}`);
        });
        const catchUp = Date.now() - caughtUpFrom;

        // The same rows as an indexer that never crashed.
        const fresh = await stack.indexer({ ...onDatabase("fresh"), env: { STIGMERGY_WEBHOOKS: "off" } });
        await waitForIndexer(fresh.url, stack.node.url);
        const [crashed, clean] = await Promise.all([dumpTables(indexer.url), dumpTables(fresh.url)]);
        let rows = 0;
        for (const table of Object.keys(clean)) {
          const a = new Set(crashed[table]!.split("\n"));
          const b = new Set(clean[table]!.split("\n"));
          rows += clean[table] ? b.size : 0;
          const onlyCrashed = [...a].filter((x) => !b.has(x)).slice(0, 3);
          const onlyClean = [...b].filter((x) => !a.has(x)).slice(0, 3);
          expect({ onlyCrashed, onlyClean }, `table ${table} (${kills.join("; ")})`).to.deep.equal({
            onlyCrashed: [],
            onlyClean: [],
          });
        }
        await fresh.stop();

        // Every event in the index reaches the subscriber (at least once; duplicates share a delivery id).
        const events = clean
          .activity!.split("\n")
          .filter(Boolean)
          .map((line) => JSON.parse(line) as { id: string; blockHash: string; blockNumber: string; event: string })
          .filter((e) => Number(e.blockNumber) > subscribedAt);
        expect(events.length).to.be.greaterThan(100);
        const delivered = (subscriptionId: string) =>
          new Set(
            receiver.received
              .filter((r) => r.status === 200 && r.json.subscriptionId === subscriptionId)
              .map((r) => r.json as Delivery)
              .filter((d) => d.type === "event")
              .map((d) => `${d.event!.id}:${d.event!.blockHash}`),
          );
        const claimed = events.filter((e) => e.event === "TaskClaimed");
        await receiver
          .waitFor(() => delivered(live).size >= events.length && delivered(filtered).size >= claimed.length, 180_000)
          .catch(() => undefined);
        const missing = events.filter((e) => !delivered(live).has(`${e.id}:${e.blockHash}`));
        expect(
          missing.map((e) => e.id).slice(0, 10),
          `${missing.length} of ${events.length} events never delivered`,
        ).to.deep.equal([]);
        const missingClaims = claimed.filter((e) => !delivered(filtered).has(`${e.id}:${e.blockHash}`));
        expect(
          missingClaims.map((e) => e.id).slice(0, 10),
          `${missingClaims.length} of ${claimed.length} claims never delivered`,
        ).to.deep.equal([]);
        // No reorg happened: a crash must not look like one to subscribers.
        expect(receiver.received.filter((r) => (r.json as Delivery).type === "removed")).to.have.length(0);
        // And nothing was delivered that isn't in the index (no phantom from a rolled-back write).
        const expected = new Set(
          clean
            .activity!.split("\n")
            .filter(Boolean)
            .map((line) => {
              const e = JSON.parse(line) as { id: string; blockHash: string };
              return `${e.id}:${e.blockHash}`;
            }),
        );
        expect([...delivered(live)].filter((key) => !expected.has(key))).to.deep.equal([]);

        // Every subscription survived, and the silent receiver's outbox holds one entry per TaskPosted
        // (pending or given up, never lost): delivered + pending + failed for it = its events.
        const listed = (await (await fetch(`${indexer.url}/webhooks`)).json()) as Listed;
        expect(listed.webhooks.map((w) => w.id)).to.have.members([live, silent, filtered]);
        const posted = events.filter((e) => e.event === "TaskPosted").length;
        const total = Object.values(listed.outbox).reduce((a, b) => a + b, 0);
        const expectedEntries = events.length + claimed.length + posted;
        expect(
          total,
          `outbox ${JSON.stringify(listed.outbox)}: ${events.length} events, ${claimed.length} claims, ${posted} posts`,
        ).to.be.at.least(expectedEntries);
        expect(listed.outbox.dropped ?? 0).to.equal(0);
        // The rule that keeps a restart's reverted rows in the next scans' window: the dispatcher's
        // cursor never passes Ponder's safe checkpoint (which trails the head by Ponder's finality).
        if (pg) {
          const db = new Client({ connectionString: pg.url });
          await db.connect();
          try {
            const chainId = stack.deployment.chainId;
            const [checkpoint] = (
              await db.query(`SELECT safe_checkpoint, latest_checkpoint FROM "crashing"._ponder_checkpoint`)
            ).rows as { safe_checkpoint: string; latest_checkpoint: string }[];
            const [cursor] = (
              await db.query(`SELECT value FROM "crashing_webhooks".cursor WHERE key = $1`, [`${chainId}/processed`])
            ).rows as { value: string }[];
            const blockOf = (c: string) => BigInt(c.slice(26, 42)); // Ponder's checkpoint: time, chain, block, …
            const [safe, latest] = [blockOf(checkpoint!.safe_checkpoint), blockOf(checkpoint!.latest_checkpoint)];
            expect(safe < latest, `safe ${safe}, latest ${latest}`).to.equal(true);
            expect(BigInt(cursor!.value) <= safe, `cursor ${cursor!.value}, safe ${safe}`).to.equal(true);
          } finally {
            await db.end();
          }
        }

        console.log(
          `      ${database}: ${kills.join("; ")}; restarts answered /health after ` +
            `${restarts.map((ms) => `${(ms / 1000).toFixed(1)} s`).join(", ")}; ` +
            `caught up ${(catchUp / 1000).toFixed(1)} s after the workload ended; ` +
            `${rows} rows in ${Object.keys(clean).length} tables equal a fresh re-index; ` +
            `${events.length} events delivered, outbox ${JSON.stringify(listed.outbox)}`,
        );
      },
    );
  });
}

crashSuite("default", 2027, 3_000);
crashSuite("postgres", 2026, 1_500);
