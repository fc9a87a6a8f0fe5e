import { count, eq, gte, sql } from "@ponder/client";
import { expect } from "chai";
import { EventSource, type FetchLike } from "eventsource";
import superjson from "superjson";
import { Agent, fetch as undiciFetch } from "undici";
import { createPublicClient, createWalletClient, type Hex, http } from "viem";
import { mnemonicToAccount } from "viem/accounts";
import * as schema from "../../indexer/ponder.schema.ts";
import { requirePatchedPonder } from "../../indexer/src/lib/ponder.ts";
import { indexerClient, waitForIndexer } from "../../scripts/lib/oracle.ts";
import { type Stack, type StackIndexer, startStack } from "../../scripts/lib/stack.ts";
import { plainTask, rpc } from "../../scripts/lib/tasks.ts";
import { MNEMONIC } from "../../scripts/lib/workload.ts";
import { abis } from "../../sdk/src/index.ts";

/**
 * `/sql/db` and `/sql/live` (what `@ponder/client` reads) on the default database, PGlite, against
 * REST, GraphQL and the chain. Ponder 0.16.10 flushes more than 20 updates to one table through a
 * temporary table named like the user table, and on PGlite every reader shares the writer's
 * connection: unqualified names then read the empty temporary table (ponder-sh/ponder#2235). And
 * Ponder's transactions are no-ops on PGlite, so a reader could see half of a block's writes.
 */
describe("SQL over HTTP on the default database (PGlite)", () => {
  let stack: Stack;
  let indexer: StackIndexer;
  const account = mnemonicToAccount(MNEMONIC, { addressIndex: 12 });
  /** The claimant's owner: an agent cannot claim its poster's tasks (AgentOfPoster). */
  const worker = mnemonicToAccount(MNEMONIC, { addressIndex: 13 });
  const publicClient = () => createPublicClient({ transport: http(stack.node.url), pollingInterval: 50 });

  before(async () => {
    stack = await startStack();
    indexer = await stack.indexer();
  });
  after(async () => stack?.stop());

  /**
   * Sends the calls from `from` (account 12 by default) into one block (automine off, explicit nonces) and mines it.
   */
  async function oneBlock(
    calls: { functionName: string; args: readonly unknown[]; value?: bigint; address: Hex; abi: readonly unknown[] }[],
    from = account,
  ) {
    const client = publicClient();
    const wallet = createWalletClient({ account: from, transport: http(stack.node.url) });
    const nonce = await client.getTransactionCount({ address: from.address, blockTag: "pending" });
    await rpc(stack.node.url, "evm_setAutomine", [false]);
    const hashes: Hex[] = [];
    try {
      for (const [i, call] of calls.entries()) {
        hashes.push(
          await wallet.writeContract({
            chain: null,
            address: call.address,
            abi: call.abi as typeof abis.TaskBoard,
            functionName: call.functionName as "postTask",
            args: call.args as never,
            value: call.value ?? 0n,
            nonce: nonce + i,
            gas: 600_000n,
          } as never),
        );
      }
      await rpc(stack.node.url, "evm_mine");
    } finally {
      await rpc(stack.node.url, "evm_setAutomine", [true]);
    }
    const receipts = await Promise.all(hashes.map((hash) => client.waitForTransactionReceipt({ hash })));
    for (const r of receipts) expect(r.status, `transaction ${r.transactionHash}`).to.equal("success");
    expect(new Set(receipts.map((r) => r.blockNumber)).size, "one block").to.equal(1);
    return receipts[0]!.blockNumber;
  }

  const taskSpec = async (label: string) =>
    plainTask({
      specURI: `ipfs://${label}`,
      leaseDuration: 3_600n,
      deadline: (await publicClient().getBlock()).timestamp + 86_400n,
    });
  const post = async (label: string) => ({
    address: stack.deployment.contracts.TaskBoard!,
    abi: abis.TaskBoard,
    functionName: "postTask",
    args: [await taskSpec(label)],
    value: 1n,
  });

  /** Every task as REST, GraphQL and `/sql/db` list it: id and status, in id order. */
  async function threeViews() {
    const rest = (
      (await (await fetch(`${indexer.url}/tasks?limit=500`)).json()) as { tasks: { id: string; status: string }[] }
    ).tasks.map((t) => `${t.id}:${t.status}`);
    const gql = (await (
      await fetch(`${indexer.url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          query: '{ tasks(limit: 500, orderBy: "id", orderDirection: "asc") { items { id status } } }',
        }),
      })
    ).json()) as { data: { tasks: { items: { id: string; status: string }[] } } };
    const graphql = gql.data.tasks.items.map((t) => `${t.id}:${t.status}`);
    const rows = await indexerClient(indexer.url)
      .db.select({ id: schema.task.id, status: schema.task.status })
      .from(schema.task)
      .orderBy(schema.task.id);
    return { rest, graphql, sql: rows.map((t) => `${t.id}:${t.status}`) };
  }

  it(
    "one block with 30 claims (30 updates to one table, past Ponder's 20-row batch threshold): /sql/db, REST, " +
      "GraphQL and the chain list the same tasks, a live query receives the rows, and a later block is still indexed",
    async function () {
      this.timeout(180_000);
      const c = stack.deployment.contracts;
      await oneBlock(
        [
          {
            address: c.IdentityRegistry!,
            abi: abis.IdentityRegistry,
            functionName: "register",
            args: ["ipfs://sql-agent"],
          },
        ],
        worker,
      );
      const agentId = await publicClient().readContract({
        address: c.IdentityRegistry!,
        abi: abis.IdentityRegistry,
        functionName: "lastAgentId",
      });
      const first =
        (await publicClient().readContract({ address: c.TaskBoard!, abi: abis.TaskBoard, functionName: "taskCount" })) +
        1n;
      await oneBlock(await Promise.all(Array.from({ length: 30 }, (_, i) => post(`sql-${i}`))));
      const ids = Array.from({ length: 30 }, (_, i) => first + BigInt(i));

      // A live query on this test's tasks, open before the claims. Ponder pushes only changes and
      // accepts live queries shortly after /ready: it is open once a probe task posted after it arrives.
      const client = indexerClient(indexer.url);
      const live: { id: bigint; status: string }[][] = [];
      let subscription: { unsubscribe: () => void } | undefined;
      let closed = false;
      const subscribe = () => {
        if (closed) return;
        subscription = client.live(
          (db) =>
            db
              .select({ id: schema.task.id, status: schema.task.status })
              .from(schema.task)
              .where(gte(schema.task.id, first))
              .orderBy(schema.task.id),
          (rows) => live.push(rows),
          () => {
            subscription?.unsubscribe();
            setTimeout(subscribe, 250);
          },
        );
      };
      await waitForIndexer(indexer.url, stack.node.url);
      subscribe();
      for (let probe = 0; live.length === 0; probe++) {
        expect(probe, "the live query never pushed a probe").to.be.below(20);
        await oneBlock([await post(`sql-probe-${probe}`)]);
        for (let i = 0; i < 20 && live.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
      }
      try {
        await oneBlock(
          ids.map((id) => ({ address: c.TaskBoard!, abi: abis.TaskBoard, functionName: "claim", args: [id, agentId] })),
          worker,
        );
        await waitForIndexer(indexer.url, stack.node.url);

        const onChain = Number(
          await publicClient().readContract({ address: c.TaskBoard!, abi: abis.TaskBoard, functionName: "taskCount" }),
        );
        const views = await threeViews();
        expect(views.rest.length, "REST").to.equal(onChain);
        expect(views.sql, "/sql/db against REST").to.deep.equal(views.rest);
        expect(views.graphql, "GraphQL against REST").to.deep.equal(views.rest);
        expect(
          views.sql.filter((t) => t.endsWith(":claimed")),
          "claimed over /sql/db",
        ).to.have.length(30);
        const [{ n }] = (await client.db
          .select({ n: count() })
          .from(schema.task)
          .where(eq(schema.task.status, "claimed"))) as [{ n: number }];
        expect(Number(n)).to.equal(30);

        const claimedRows = () => (live.at(-1) ?? []).filter((t) => t.status === "claimed").map((t) => t.id);
        for (let i = 0; i < 100 && claimedRows().length !== 30; i++) await new Promise((r) => setTimeout(r, 100));
        expect(claimedRows(), `live query pushes: ${live.map((rows) => rows.length).join(", ")}`).to.deep.equal(ids);

        // A later flush, after the big one, still indexes and is still visible over /sql.
        await oneBlock([await post("sql-after")]);
        await waitForIndexer(indexer.url, stack.node.url);
        const after = await threeViews();
        expect(after.rest.length).to.equal(onChain + 1);
        expect(after.sql).to.deep.equal(after.rest);
        expect(after.graphql).to.deep.equal(after.rest);
      } finally {
        closed = true;
        subscription?.unsubscribe();
      }
    },
  );

  it(
    "a reader never sees part of a block: " +
      "/sql/db reads and live-query results sampled during a burst of 5-event blocks each hold whole blocks",
    async function () {
      this.timeout(300_000);
      const client = indexerClient(indexer.url);
      const t = sql`(select count(*) as tasks from ${schema.task})`;
      const h = sql`(select count(distinct task_id) as history from ${schema.activity} where contract = 'TaskBoard')`;
      const p = sql`(select count(*) as posted from ${schema.activity} where event = 'TaskPosted')`;
      /**
       * One statement over what a block writes: tasks, the tasks with a history, and the audit log's TaskPosted rows.
       */
      const counts = sql`select t.tasks, h.history, p.posted from ${t} t, ${h} h, ${p} p`;
      const snapshot = () =>
        client.db.execute(counts) as unknown as Promise<
          | { rows: { tasks: string; history: string; posted: string }[] }
          | { tasks: string; history: string; posted: string }[]
        >;
      const parse = (r: Awaited<ReturnType<typeof snapshot>>) => {
        const row = Array.isArray(r) ? r[0]! : r.rows[0]!;
        return { tasks: Number(row.tasks), history: Number(row.history), posted: Number(row.posted) };
      };
      await waitForIndexer(indexer.url, stack.node.url);
      const base = parse(await snapshot());
      expect(base.tasks).to.equal(base.posted);

      const seen: { tasks: number; history: number; posted: number }[] = [];
      const liveSeen: { tasks: number; history: number; posted: number }[] = [];
      const subscription = client.live(
        (db) => db.execute(counts),
        (r) => liveSeen.push(parse(r as never)),
      );
      let bursting = true;
      const sampler = (async () => {
        while (bursting) {
          // A distinct query each time, so that no cached answer is reused.
          const salt = seen.length;
          const r = (await client.db.execute(sql`${counts} where ${salt}::int >= 0`)) as never;
          seen.push(parse(r));
        }
      })();
      const BLOCKS = 30;
      const PER_BLOCK = 5;
      try {
        for (let b = 0; b < BLOCKS; b++)
          await oneBlock(await Promise.all(Array.from({ length: PER_BLOCK }, (_, i) => post(`burst-${b}-${i}`))));
        await waitForIndexer(indexer.url, stack.node.url);
        await new Promise((r) => setTimeout(r, 500));
      } finally {
        bursting = false;
        await sampler;
        subscription.unsubscribe();
      }
      const whole = (s: { tasks: number; history: number; posted: number }) =>
        s.tasks === s.history && s.tasks === s.posted && (s.tasks - base.tasks) % PER_BLOCK === 0;
      const partial = seen.filter((s) => !whole(s));
      const livePartial = liveSeen.filter((s) => !whole(s));
      expect(seen.length, "reads sampled during the burst").to.be.greaterThan(BLOCKS);
      expect(
        partial.slice(0, 5),
        `${partial.length} of ${seen.length} /sql/db reads saw part of a block`,
      ).to.deep.equal([]);
      expect(liveSeen.length, "live-query pushes during the burst").to.be.greaterThan(0);
      expect(
        livePartial.slice(0, 5),
        `${livePartial.length} of ${liveSeen.length} live results saw part of a block`,
      ).to.deep.equal([]);
      expect(parse(await snapshot()).tasks).to.equal(base.tasks + BLOCKS * PER_BLOCK);
    },
  );

  it(
    "a live query that fails to open, or whose client leaves at once, gives its slot back: " +
      "with room for 2, thirty such opens leave room for 2 more",
    async () => {
      // Upstream Ponder counted a live query before checking it and never uncounted a refused one, so a
      // client retrying a failing query filled the process's limit (503 for everyone) within minutes.
      const small = await stack.indexer({ env: { STIGMERGY_MAX_LIVE_QUERIES: "2" }, dbSchema: "small" });
      const live = (query: string) =>
        `${small.url}/sql/live?sql=${encodeURIComponent(superjson.stringify({ sql: query, params: [] }))}`;
      // Ponder refuses live queries (503) for a moment after it is ready: wait for the first 200
      // (the failing opens below must reach the query, not that refusal).
      for (let tries = 0; ; tries++) {
        const controller = new AbortController();
        const res = await fetch(live("select count(*) from task"), { signal: controller.signal });
        controller.abort();
        if (res.status === 200) break;
        if (tries >= 120) expect.fail(`live queries still refused after 30 s (HTTP ${res.status})`);
        await new Promise((r) => setTimeout(r, 250));
      }
      const statuses: number[] = [];
      for (let i = 0; i < 10; i++) statuses.push((await fetch(live("select * from no_such_table"))).status);
      for (let i = 0; i < 10; i++) statuses.push((await fetch(live("delete from task"))).status);
      expect(
        statuses.filter((s) => s < 400),
        "refused opens",
      ).to.deep.equal([]);
      for (let i = 0; i < 10; i++) {
        // Read the headers, then leave: the connection's close must end the stream and free its slot.
        const controller = new AbortController();
        const res = await fetch(live("select count(*) from task"), { signal: controller.signal });
        expect(res.status).to.equal(200);
        controller.abort();
      }
      const opened: Response[] = [];
      const controller = new AbortController();
      try {
        for (let waited = 0; opened.length < 2; waited += 100) {
          const res = await fetch(live("select count(*) from task"), { signal: controller.signal });
          if (res.status === 200) opened.push(res);
          else if (waited > 10_000)
            expect.fail(`a live query answered ${res.status} (${await res.text()}) with ${opened.length} open`);
          else await new Promise((r) => setTimeout(r, 100)); // a left stream is freed when its close is seen
        }
        expect(opened.map((r) => r.headers.get("content-type"))).to.deep.equal([
          "text/event-stream",
          "text/event-stream",
        ]);
        expect((await fetch(live("select count(*) from task"))).status, "a third, past the limit").to.equal(503);
      } finally {
        controller.abort();
        await small.stop();
      }
    },
  );

  it(
    "a live query whose rows do not change outlives the client's idle timeout: the indexer sends an SSE " +
      "comment every STIGMERGY_SSE_KEEPALIVE_MS (0: none, and the client ends the silent response)",
    async function () {
      this.timeout(480_000);
      // Node's fetch (undici, under the `eventsource` package that @ponder/client and the SDK use) ends a
      // response after 300 s without a body byte, proxies sooner; here the client's limit is 2 s.
      const agent = new Agent({ bodyTimeout: 2_000 });
      const idleFetch: FetchLike = (url, init) => undiciFetch(url, { ...init, dispatcher: agent } as never) as never;
      const query = superjson.stringify({ sql: "select count(*) from task", params: [] });
      /** Watches one silent live query for 6 s (nothing is mined): its errors and its raw keep-alive count. */
      const watch = async (url: string) => {
        const errors: string[] = [];
        const live = `${url}/sql/live?sql=${encodeURIComponent(query)}`;
        const leave = new AbortController();
        const open = () => undiciFetch(live, { dispatcher: agent, signal: leave.signal });
        // Ponder refuses live queries (503) for a moment after it is ready.
        let raw = await open();
        for (let tries = 0; raw.status === 503 && tries < 120; tries++) {
          await raw.body?.cancel();
          await new Promise((r) => setTimeout(r, 250));
          raw = await open();
        }
        if (raw.status !== 200) expect.fail(`the live query answered ${raw.status}: ${await raw.text()}`);
        const source = new EventSource(live, { fetch: idleFetch });
        let comments = 0;
        const reading = (async () => {
          try {
            for await (const chunk of raw.body!)
              comments += Buffer.from(chunk).toString().split(": keep-alive").length - 1;
          } catch {
            // the idle timeout, or the end below
          }
        })();
        try {
          await new Promise<void>((resolve, reject) => {
            source.onopen = () => resolve();
            source.onerror = (e) => reject(new Error(`did not open: ${e.message}`));
          });
          source.onerror = (e) => errors.push(e.message ?? "error");
          await new Promise((r) => setTimeout(r, 6_000));
        } finally {
          source.close();
          leave.abort();
          await reading;
        }
        return { errors, comments };
      };
      const [kept, silent] = await Promise.all([
        stack.indexer({ env: { STIGMERGY_SSE_KEEPALIVE_MS: "250" }, dbSchema: "kept" }),
        stack.indexer({ env: { STIGMERGY_SSE_KEEPALIVE_MS: "0" }, dbSchema: "silent" }),
      ]);
      try {
        const [withKeepAlive, without] = await Promise.all([watch(kept.url), watch(silent.url)]);
        expect(withKeepAlive.errors, "errors with keep-alive").to.deep.equal([]);
        expect(withKeepAlive.comments).to.be.greaterThan(4);
        expect(without.comments).to.equal(0);
        expect(without.errors.length, "without keep-alive the client ends the silent response").to.be.greaterThan(0);
      } finally {
        await Promise.all([kept.stop(), silent.stop()]);
        await agent.close();
      }
    },
  );

  it(
    "an embedded database without patches/ponder+0.16.10.patch is refused with exit code 2 and the remedy; " +
      "PostgreSQL and a patched PGlite pass",
    () => {
      const g = globalThis as { PONDER_DATABASE?: unknown };
      const saved = g.PONDER_DATABASE;
      const exits: number[] = [];
      const exit = ((code: number) => exits.push(code)) as (code: number) => never;
      const errors: string[] = [];
      const consoleError = console.error;
      console.error = (line: string) => errors.push(line);
      try {
        g.PONDER_DATABASE = { driver: { dialect: "pglite", instance: {} } };
        requirePatchedPonder(exit);
        g.PONDER_DATABASE = {
          driver: { dialect: "pglite", instance: { [Symbol.for("stigmergy.pglite.routed")]: true } },
        };
        requirePatchedPonder(exit);
        g.PONDER_DATABASE = { driver: { dialect: "postgres" } };
        requirePatchedPonder(exit);
      } finally {
        g.PONDER_DATABASE = saved;
        console.error = consoleError;
      }
      expect(exits).to.deep.equal([2]);
      expect(errors.join("\n")).to.include("patches/ponder+0.16.10.patch").and.include("npm install");
    },
  );
});
