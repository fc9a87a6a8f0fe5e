import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { desc, eq } from "@ponder/client";
import { expect } from "chai";
import { createWalletClient, http, stringify } from "viem";
import { mnemonicToAccount } from "viem/accounts";
import * as schema from "../../indexer/ponder.schema.ts";
import { checkConsistency, dumpTables, indexerClient, waitForIndexer, waitForMined } from "../../scripts/lib/oracle.ts";
import { postgresAvailable, startPostgres } from "../../scripts/lib/postgres.ts";
import { waitForHttp } from "../../scripts/lib/processes.ts";
import { type Stack, startStack } from "../../scripts/lib/stack.ts";
import { rpc, taskPoster } from "../../scripts/lib/tasks.ts";
import { MNEMONIC, runWorkload } from "../../scripts/lib/workload.ts";
import { abis } from "../../sdk/src/index.ts";

describe("indexer (Ponder on PGlite) against a real node", () => {
  let stack: Stack;
  let indexerUrl: string;

  before(async () => {
    stack = await startStack();
    indexerUrl = (await stack.indexer()).url;
  });
  after(async () => stack?.stop());
  /** Sends an IdentityRegistry.register from account `addressIndex` (not waiting for it to be mined). */
  const register = (addressIndex: number) =>
    createWalletClient({
      account: mnemonicToAccount(MNEMONIC, { addressIndex }),
      transport: http(stack.node.url),
    }).writeContract({
      chain: null,
      address: stack.deployment.contracts.IdentityRegistry!,
      abi: abis.IdentityRegistry,
      functionName: "register",
      args: [],
    });

  it("answers bad REST parameters with 400 and a reason, unknown ids with 404", async () => {
    const cases: [string, number, string][] = [
      ["/agents?capability=0x12", 400, "capability"],
      ["/agents/abc", 400, "id"],
      ["/agents/999", 404, "agent 999"],
      ["/tasks?status=done", 400, "status"],
      ["/tasks?poster=0xnope", 400, "poster"],
      ["/tasks?limit=0", 400, "limit"],
      ["/tasks/77", 404, "task 77"],
      ["/groups/5/leader", 404, "group 5"],
      ["/inbox/-1", 400, "agentId"],
      ["/channels/0x01", 400, "channel"],
    ];
    for (const [path, status, mention] of cases) {
      const res = await fetch(indexerUrl + path);
      const body = (await res.json()) as { reason: string; field?: string };
      expect(res.status, path).to.equal(status);
      expect(`${body.field ?? ""} ${body.reason}`, path).to.include(mention);
    }
    // Each answers 200 (asked until it does: a stalled probe on a loaded machine is a passing 503).
    for (const path of ["/healthz", "/readyz", "/health", "/ready"]) await waitForHttp(indexerUrl + path, 60_000);
  });

  it("limits GraphQL query depth", async () => {
    const deep =
      "{ tasks { items { events { items { task { events { items { task { events { items { id } } } } } } } } } } }";
    const res = await fetch(`${indexerUrl}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: deep }),
    });
    const body = (await res.json()) as { errors?: { message: string }[] };
    expect(body.errors?.[0]?.message ?? "").to.match(/depth/i);
    const shallow = await fetch(`${indexerUrl}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "{ agents { items { id } } }" }),
    });
    expect(((await shallow.json()) as { errors?: unknown }).errors).to.equal(undefined);
  });

  it("pushes a newly posted task to a live-query subscriber (no polling by the subscriber)", async () => {
    const client = indexerClient(indexerUrl);
    const seen: bigint[][] = [];
    let resolve: () => void = () => {};
    const arrived = new Promise<void>((r) => (resolve = r));
    let subscription: { unsubscribe: () => void } | undefined;
    let failures = 0;
    // Ponder accepts live queries about a second after /ready and pushes only changes, so a client
    // reconnects on error, and counts itself connected once the stream has stayed up a moment.
    const subscribe = () => {
      subscription = client.live(
        (db) =>
          db
            .select({ id: schema.task.id })
            .from(schema.task)
            .where(eq(schema.task.status, "open"))
            .orderBy(desc(schema.task.id)),
        (rows) => {
          seen.push(rows.map((r) => r.id));
          if (rows.length > 0) resolve();
        },
        () => {
          failures++;
          subscription?.unsubscribe();
          if (failures < 40) setTimeout(subscribe, 250);
        },
      );
    };
    subscribe();
    const unsubscribe = () => subscription?.unsubscribe();
    try {
      for (let quiet = 0; quiet < 6; quiet++) {
        const before = failures;
        await new Promise((r) => setTimeout(r, 250));
        if (failures !== before) quiet = -1;
      }
      await taskPoster(stack.node.url, stack.deployment.contracts.TaskBoard!, 15)({ specURI: "ipfs://live" });
      await Promise.race([
        arrived,
        new Promise((_, reject) =>
          setTimeout(() => reject(new Error(`no push; updates seen: ${stringify(seen)}`)), 60_000),
        ),
      ]);
      expect(seen.at(-1)!.length).to.equal(1);
    } finally {
      unsubscribe();
    }
  });

  it("after a seeded random workload on every contract, each indexed entity equals the contracts' views", async () => {
    const result = await runWorkload({ rpcUrl: stack.node.url, deployment: stack.deployment, seed: 42, rounds: 320 });
    expect(result.transactions).to.be.greaterThan(300);
    await waitForIndexer(indexerUrl, stack.node.url);
    const problems = await checkConsistency(indexerUrl, stack.node.url, stack.deployment);
    expect(problems, problems.slice(0, 20).join("\n")).to.deep.equal([]);
  });

  it(
    "the oracle compares once the node has mined what it was sent " +
      "(an agent's last transaction lands a block later)",
    async () => {
      // The start command's summary failed once on "activity rows = contract logs: indexed 263, chain
      // 262": a transaction sent just before the agents stopped was mined while the oracle read.
      await rpc(stack.node.url, "evm_setAutomine", [false]);
      try {
        await register(16);
        let mined = false;
        const settled = waitForMined(stack.node.url).then(() => (mined = true));
        await new Promise((r) => setTimeout(r, 1_000));
        expect(mined, "resolved with a transaction pending").to.equal(false);
        await rpc(stack.node.url, "evm_mine", []);
        await settled;
      } finally {
        await rpc(stack.node.url, "evm_mine", []); // whatever is still pending
        await rpc(stack.node.url, "evm_setAutomine", [true]);
      }
      await waitForIndexer(indexerUrl, stack.node.url);
      const problems = await checkConsistency(indexerUrl, stack.node.url, stack.deployment);
      expect(problems, problems.slice(0, 20).join("\n")).to.deep.equal([]);
    },
  );

  it("the oracle agrees when a transaction is mined while it reads (it compares again)", async () => {
    // A JSON-RPC proxy that, on the oracle's first view call, has a new agent registered (and mined)
    // first: the views then answer for a block the oracle did not take.
    let armed = true;
    const proxy = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", async () => {
        const body = Buffer.concat(chunks).toString();
        if (armed && body.includes('"eth_call"')) {
          armed = false;
          await register(17);
        }
        const reply = await fetch(stack.node.url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body,
        });
        res.writeHead(reply.status, { "content-type": "application/json" });
        res.end(await reply.text());
      });
    });
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
    try {
      const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
      await waitForIndexer(indexerUrl, stack.node.url);
      const problems = await checkConsistency(indexerUrl, proxyUrl, stack.deployment);
      expect(armed, "the proxy registered an agent mid-read").to.equal(false);
      expect(problems, problems.slice(0, 20).join("\n")).to.deep.equal([]);
    } finally {
      proxy.close();
    }
  });

  it("a second indexer started from block 0 produces identical rows", async () => {
    const second = await stack.indexer();
    await waitForIndexer(second.url, stack.node.url);
    await waitForIndexer(indexerUrl, stack.node.url);
    const [a, b] = await Promise.all([dumpTables(indexerUrl), dumpTables(second.url)]);
    for (const table of Object.keys(a)) expect(b[table], `table ${table}`).to.equal(a[table]);
    expect(Object.keys(a).length).to.be.greaterThan(15);
  });
});

describe("indexer on PostgreSQL: a writer and a reader over one database", () => {
  let stack: Stack | undefined;
  let pg: Awaited<ReturnType<typeof startPostgres>> | undefined;

  before(async function () {
    if (!postgresAvailable()) this.skip();
    pg = await startPostgres();
    stack = await startStack();
  });
  after(async () => {
    await stack?.stop();
    pg?.stop();
  });

  it("`ponder start` writes, `ponder serve` reads the same rows, and both agree with the chain", async () => {
    const writer = await stack!.indexer({ databaseUrl: pg!.url, dbSchema: "stigmergy" });
    await runWorkload({ rpcUrl: stack!.node.url, deployment: stack!.deployment, seed: 7, rounds: 60 });
    await waitForIndexer(writer.url, stack!.node.url);
    const reader = await stack!.indexer({
      databaseUrl: pg!.url,
      dbSchema: "stigmergy",
      command: "serve",
      waitForReady: false,
    });
    const problems = await checkConsistency(reader.url, stack!.node.url, stack!.deployment);
    expect(problems, problems.slice(0, 20).join("\n")).to.deep.equal([]);
    const [a, b] = await Promise.all([dumpTables(writer.url), dumpTables(reader.url)]);
    expect(b).to.deep.equal(a);
  });
});
