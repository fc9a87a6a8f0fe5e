import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { expect } from "chai";
import pg from "pg";
import { createPublicClient, createWalletClient, http, keccak256, parseEventLogs, toHex, zeroHash } from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { verifySignature } from "../../indexer/src/webhooks/sign.ts";
import { WebhookStore } from "../../indexer/src/webhooks/store.ts";
import { LOCAL_CHAIN_IDS } from "../../scripts/lib/chains.ts";
import { postgresAvailable, startPostgres } from "../../scripts/lib/postgres.ts";
import { freePort, ROOT } from "../../scripts/lib/processes.ts";
import { type Received, type Receiver, startReceiver, subscribe as subscribeTo } from "../../scripts/lib/receiver.ts";
import {
  restartIndexer as restart,
  type Stack,
  type StackIndexer,
  startChainsStack,
  startStack,
} from "../../scripts/lib/stack.ts";
import { MNEMONIC, plainTask, taskPoster } from "../../scripts/lib/tasks.ts";
import { prng } from "../../scripts/lib/workload.ts";
import { abis } from "../../sdk/src/index.ts";

const SECRET = "a-very-secret-secret";
const FAST = { STIGMERGY_WEBHOOK_BACKOFF_MS: "200", STIGMERGY_WEBHOOK_BACKOFF_CAP_MS: "1000" };

type Event = { name: string; args: Record<string, string>; id: string };

const subscribe = (indexerUrl: string, url: string, filter: unknown) =>
  subscribeTo(indexerUrl, { url, secret: SECRET, filter });

describe("webhooks", () => {
  let stack: Stack;
  let indexer: StackIndexer;
  let receiver: Receiver;
  let chainNow: () => Promise<bigint>;
  let postTask: (capability?: `0x${string}`) => Promise<void>;

  before(async () => {
    stack = await startStack();
    receiver = await startReceiver();
    indexer = await stack.indexer();
    indexer = await restart(indexer, FAST);
    const publicClient = createPublicClient({ transport: http(stack.node.url) });
    chainNow = async () => (await publicClient.getBlock()).timestamp;
    const post = taskPoster(stack.node.url, stack.deployment.contracts.TaskBoard!, 9);
    postTask = async (capability = zeroHash) => void (await post({ capability, specURI: "ipfs://hook" }));
  });
  after(async () => {
    await indexer?.stop();
    await receiver?.close();
    await stack?.stop();
  });

  it("validates subscriptions: 400 with the field, 201 with an id; lists without secrets; deletes", async () => {
    for (const [body, field] of [
      [{ url: "ftp://x", secret: SECRET }, "url"],
      [{ url: receiver.url, secret: "short" }, "secret"],
      [{ url: receiver.url, secret: SECRET, filter: { colour: "red" } }, "filter.colour"],
      [{ url: receiver.url, secret: SECRET, filter: { events: ["not an event"] } }, "filter.events"],
      [{ url: receiver.url, secret: SECRET, filter: { capability: "0x12" } }, "filter.capability"],
    ] as const) {
      const res = await fetch(`${indexer.url}/webhooks`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      expect(res.status).to.equal(400);
      expect(((await res.json()) as { field: string }).field).to.equal(field);
    }
    const id = await subscribe(indexer.url, receiver.url, { events: ["LockAcquired"] });
    const listed = (await (await fetch(`${indexer.url}/webhooks`)).json()) as { webhooks: Record<string, unknown>[] };
    expect(listed.webhooks.map((w) => w.id)).to.include(id);
    expect(JSON.stringify(listed)).to.not.include(SECRET);
    expect((await fetch(`${indexer.url}/webhooks/${id}`, { method: "DELETE" })).status).to.equal(204);
    expect((await fetch(`${indexer.url}/webhooks/${id}`, { method: "DELETE" })).status).to.equal(404);
  });

  it("delivers matching events, signed (HMAC-SHA256 of the body), with a timestamp and idempotency key", async () => {
    const capability = keccak256(toHex("hooks"));
    await subscribe(indexer.url, receiver.url, { events: ["TaskPosted"], capability });
    await postTask(zeroHash); // does not match the capability
    await postTask(capability);
    const r = await receiver.waitFor((x) => (x.json.event as Event | undefined)?.name === "TaskPosted");
    const event = r.json.event as Event;
    expect(event.args.capability).to.equal(capability);
    expect(verifySignature(SECRET, r.body, r.headers["x-stigmergy-signature"])).to.equal(true);
    expect(verifySignature("wrong-secret-wrong-secret", r.body, r.headers["x-stigmergy-signature"])).to.equal(false);
    expect(r.headers["x-stigmergy-delivery"]).to.equal(r.json.id);
    expect(Number(r.headers["x-stigmergy-timestamp"])).to.be.greaterThan(1_600_000_000);
    expect(
      receiver.received.filter((x) => (x.json.event as Event | undefined)?.args?.capability === zeroHash),
    ).to.have.length(0);
  });

  it("retries a failed delivery with backoff under the same delivery id", async () => {
    await subscribe(indexer.url, receiver.url, { events: ["TaskPosted"] });
    const before = receiver.received.length;
    receiver.failNext(2);
    await postTask();
    const ok = await receiver.waitFor((x) => receiver.received.indexOf(x) >= before && x.json.type === "event");
    const attempts = receiver.received.slice(before).filter((x) => x.json.id === ok.json.id);
    expect(attempts.map((x) => x.status)).to.deep.equal([500, 500, 200]);
    expect(attempts[2]!.at - attempts[1]!.at).to.be.greaterThan(0);
  });

  it("keeps subscriptions across a restart and delivers what happened while it was down", async () => {
    const id = await subscribe(indexer.url, receiver.url, { events: ["TaskPosted"] });
    await indexer.stop();
    const before = receiver.received.length;
    await postTask();
    indexer = await restart(indexer);
    const listed = (await (await fetch(`${indexer.url}/webhooks`)).json()) as { webhooks: { id: string }[] };
    expect(listed.webhooks.map((w) => w.id)).to.include(id);
    await receiver.waitFor((x) => receiver.received.indexOf(x) >= before && x.json.subscriptionId === id);
  });

  /** A schedule of `count` rounds every `interval` seconds from `firstAt`, claimable by any agent. */
  const createSchedule = async (firstAt: bigint, interval: bigint, count: number, specURI: string) => {
    const transport = http(stack.node.url);
    const poster = createWalletClient({ account: mnemonicToAccount(MNEMONIC, { addressIndex: 10 }), transport });
    const template = plainTask({ specURI, deadline: 600n });
    const hash = await poster.writeContract({
      chain: null,
      address: stack.deployment.contracts.TaskBoard!,
      abi: abis.TaskBoard,
      functionName: "createSchedule",
      args: [template, firstAt, interval, count],
      value: BigInt(count),
    });
    const receipt = await createPublicClient({ transport }).waitForTransactionReceipt({ hash });
    const [log] = parseEventLogs({ abi: abis.TaskBoard, logs: receipt.logs, eventName: "ScheduleCreated" });
    return log!.args.scheduleId;
  };

  it(
    "wakes schedule subscribers when a round falls due, with no transaction sent; " +
      "a claim sent on receipt succeeds, even with the chain's clock ahead of the wall clock",
    async () => {
      const id = await subscribe(indexer.url, receiver.url, { events: ["schedule.due"] });
      const transport = http(stack.node.url);
      const publicClient = createPublicClient({ transport });
      // Blocks in quick succession each add a second: the chain's clock runs ahead of the wall clock.
      for (let i = 0; i < 8; i++) await publicClient.request({ method: "evm_mine" as never });
      const claimer = createWalletClient({ account: mnemonicToAccount(MNEMONIC, { addressIndex: 11 }), transport });
      const registered = await claimer.writeContract({
        chain: null,
        address: stack.deployment.contracts.IdentityRegistry!,
        abi: abis.IdentityRegistry,
        functionName: "register",
        args: [],
      });
      const [reg] = parseEventLogs({
        abi: abis.IdentityRegistry,
        logs: (await publicClient.waitForTransactionReceipt({ hash: registered })).logs,
        eventName: "Registered",
      });
      const firstAt = (await chainNow()) + 3n;
      const scheduleId = await createSchedule(firstAt, 3_600n, 2, "ipfs://cron");
      const r = await receiver.waitFor((x) => x.json.type === "schedule.due" && x.json.subscriptionId === id);
      const s = r.json.schedule as { round: number; dueAt: string; scheduleId: string };
      expect([s.round, BigInt(s.dueAt), BigInt(s.scheduleId)]).to.deep.equal([0, firstAt, scheduleId]);
      // Woken no earlier than the round can be claimed: a claim sent now succeeds.
      const claim = await claimer.writeContract({
        chain: null,
        address: stack.deployment.contracts.TaskBoard!,
        abi: abis.TaskBoard,
        functionName: "claimScheduled",
        args: [scheduleId, 0, reg!.args.agentId],
      });
      expect((await publicClient.waitForTransactionReceipt({ hash: claim })).status).to.equal("success");
      // Round 1 is an hour away: not yet.
      expect(
        receiver.received.filter(
          (x) => x.json.type === "schedule.due" && (x.json.schedule as { round: number }).round === 1,
        ),
      ).to.have.length(0);
    },
  );

  it("an empty filter gets every event, schedule.due included", async () => {
    const id = await subscribe(indexer.url, receiver.url, {});
    await postTask();
    // Events still being indexed when it subscribed (a claim of the test before) may come first.
    await receiver.waitFor(
      (x) => x.json.subscriptionId === id && x.json.type === "event" && (x.json.event as Event).name === "TaskPosted",
    );
    const scheduleId = await createSchedule((await chainNow()) + 2n, 3_600n, 1, "ipfs://every-event");
    const due = await receiver.waitFor((x) => x.json.subscriptionId === id && x.json.type === "schedule.due");
    expect(BigInt((due.json.schedule as { scheduleId: string }).scheduleId)).to.equal(scheduleId);
    expect((await fetch(`${indexer.url}/webhooks/${id}`, { method: "DELETE" })).status).to.equal(204);
  });
});

describe("webhooks behind STIGMERGY_WEBHOOK_TOKEN", () => {
  it(
    "refuses the webhook endpoints without `Authorization: Bearer <token>` (401, saying what to send) " +
      "and serves them with it",
    async () => {
      const stack = await startStack();
      try {
        const indexer = await stack.indexer({ env: { STIGMERGY_WEBHOOK_TOKEN: "t0ken-for-the-test" } });
        const body = JSON.stringify({ url: "http://127.0.0.1:9/hook", secret: SECRET });
        for (const [method, path] of [
          ["POST", "/webhooks"],
          ["GET", "/webhooks"],
          ["DELETE", "/webhooks/x"],
        ] as const) {
          const res = await fetch(`${indexer.url}${path}`, {
            method,
            headers: { "content-type": "application/json", authorization: "Bearer wrong" },
            ...(method === "POST" ? { body } : {}),
          });
          expect(res.status, `${method} ${path}`).to.equal(401);
          expect(((await res.json()) as { reason: string }).reason).to.include("STIGMERGY_WEBHOOK_TOKEN");
        }
        const auth = { authorization: "Bearer t0ken-for-the-test" };
        const created = await fetch(`${indexer.url}/webhooks`, {
          method: "POST",
          headers: { "content-type": "application/json", ...auth },
          body,
        });
        expect(created.status).to.equal(201);
        const { id } = (await created.json()) as { id: string };
        expect((await fetch(`${indexer.url}/webhooks`, { headers: auth })).status).to.equal(200);
        expect((await fetch(`${indexer.url}/webhooks/${id}`, { method: "DELETE", headers: auth })).status).to.equal(
          204,
        );
        // The rest of the API stays open.
        expect((await fetch(`${indexer.url}/tasks`)).status).to.equal(200);
        await indexer.stop();
      } finally {
        await stack.stop();
      }
    },
  );
});

describe("webhooks across a chain restart", () => {
  it(
    "a new genesis is a new chain, not a reorg: subscriptions are kept, " +
      "the old chain's pending deliveries dropped with one log line, no `removed` notices",
    async () => {
      const hooks = mkdtempSync(join(tmpdir(), "stigmergy-hooks-"));
      const receiver = await startReceiver();
      const first = await startStack();
      const stacks = [first];
      try {
        let output = "";
        const env = { ...FAST, STIGMERGY_WEBHOOK_DIR: hooks, STIGMERGY_WEBHOOK_MAX_ATTEMPTS: "100" };
        let indexer = await first.indexer({ env, onOutput: (c) => (output += c) });
        const everything = await subscribe(indexer.url, receiver.url, {});
        // A receiver that never answers keeps deliveries pending in the outbox.
        const dead = await subscribe(indexer.url, `http://127.0.0.1:${await freePort()}/gone`, {
          events: ["TaskPosted"],
        });
        const post = taskPoster(first.node.url, first.deployment.contracts.TaskBoard!, 9);
        for (let i = 0; i < 3; i++) await post({ capability: zeroHash, specURI: `ipfs://old-chain-${i}` });
        const taskPosted = (x: Received) => x.json.type === "event" && (x.json.event as Event).name === "TaskPosted";
        const blockOf = (x: Received) => (x.json.event as { blockHash: string }).blockHash;
        await receiver.waitFor(() => receiver.received.filter(taskPosted).length >= 3);
        const oldBlocks = new Set(receiver.received.filter(taskPosted).map(blockOf));
        await indexer.stop();
        await first.stop();
        stacks.shift();

        // The devnet restarts: same chain id, new genesis; the indexer comes back on the same webhook store.
        const second = await startStack();
        stacks.push(second);
        output = "";
        indexer = await second.indexer({ env, onOutput: (c) => (output += c) });
        const post2 = taskPoster(second.node.url, second.deployment.contracts.TaskBoard!, 9);
        await post2({ capability: zeroHash, specURI: "ipfs://new-chain" });
        await receiver.waitFor((x) => taskPosted(x) && !oldBlocks.has(blockOf(x)));

        const listed = (await (await fetch(`${indexer.url}/webhooks`)).json()) as {
          webhooks: { id: string }[];
          outbox: Record<string, number>;
        };
        expect(listed.webhooks.map((w) => w.id)).to.have.members([everything, dead]);
        expect(listed.outbox.dropped ?? 0, JSON.stringify(listed.outbox)).to.be.at.least(3);
        expect(output.match(/webhooks: the chain changed/g), output).to.have.length(1);
        expect(output).to.match(/\d+ pending deliveries of the old chain dropped/);
        // Give a mistaken reorg detection time to show itself: nothing but events ever arrives.
        await new Promise((r) => setTimeout(r, 3_000));
        expect(receiver.received.filter((x) => x.json.type === "removed")).to.have.length(0);
        await indexer.stop();
      } finally {
        for (const s of stacks) await s.stop();
        await receiver.close();
        rmSync(hooks, { recursive: true, force: true });
      }
    },
  );
});

describe("webhooks across two chains (l1 31337 and op 31338, one indexer)", () => {
  const L1 = LOCAL_CHAIN_IDS.l1;
  const OP = LOCAL_CHAIN_IDS.op;
  type Delivered = { chainId: number; name: string; args: Record<string, string>; blockHash: string };
  /** A schedule of one round due `inSeconds` from the chain's time, posted on `rpcUrl`'s TaskBoard. */
  const scheduleOn = async (rpcUrl: string, taskBoard: `0x${string}`, inSeconds: bigint) => {
    const transport = http(rpcUrl);
    const publicClient = createPublicClient({ transport });
    const poster = createWalletClient({ account: mnemonicToAccount(MNEMONIC, { addressIndex: 10 }), transport });
    const template = plainTask({ specURI: "ipfs://round", deadline: 600n });
    const firstAt = (await publicClient.getBlock()).timestamp + inSeconds;
    const hash = await poster.writeContract({
      chain: null,
      address: taskBoard,
      abi: abis.TaskBoard,
      functionName: "createSchedule",
      args: [template, firstAt, 3_600n, 1],
      value: 1n,
    });
    const [log] = parseEventLogs({
      abi: abis.TaskBoard,
      logs: (await publicClient.waitForTransactionReceipt({ hash })).logs,
      eventName: "ScheduleCreated",
    });
    return log!.args.scheduleId;
  };

  it(
    "delivers each chain's events exactly once with their chainId, honours a chain filter, " +
      "and a devnet restart of one chain drops only that chain's pending deliveries",
    async function () {
      this.timeout(480_000);
      const stack = await startChainsStack();
      const receiver = await startReceiver();
      try {
        let output = "";
        // The dead receiver's deliveries stay pending for the whole test: a minute between its retries.
        const env = {
          ...FAST,
          STIGMERGY_WEBHOOK_BACKOFF_CAP_MS: "60000",
          STIGMERGY_WEBHOOK_DIR: join(stack.dir, "hooks"),
          STIGMERGY_WEBHOOK_MAX_ATTEMPTS: "100",
        };
        let indexer = await stack.indexer({ env, onOutput: (c) => (output += c) });
        const everything = await subscribe(indexer.url, receiver.url, { events: ["TaskPosted", "schedule.due"] });
        const opOnly = await subscribe(indexer.url, receiver.url, { chains: [OP], events: ["TaskPosted"] });
        // A receiver that never answers keeps each chain's deliveries pending in the outbox.
        await subscribe(indexer.url, `http://127.0.0.1:${await freePort()}/gone`, { events: ["TaskPosted"] });
        let post = {
          l1: taskPoster(stack.nodes.l1.url, stack.deployments.l1.contracts.TaskBoard!, 9),
          op: taskPoster(stack.nodes.op.url, stack.deployments.op.contracts.TaskBoard!, 9),
        };
        // Tasks 1 to 3 on both chains: the same ids, six events.
        for (let i = 0; i < 3; i++) {
          await post.l1({ specURI: `ipfs://l1-${i}` });
          await post.op({ specURI: `ipfs://op-${i}` });
        }
        // Schedule 1 on both chains: two rounds falling due, not one.
        const schedules = await Promise.all([
          scheduleOn(stack.nodes.l1.url, stack.deployments.l1.contracts.TaskBoard!, 2n),
          scheduleOn(stack.nodes.op.url, stack.deployments.op.contracts.TaskBoard!, 2n),
        ]);
        expect(schedules).to.deep.equal([1n, 1n]);

        const events = (sub: string) =>
          receiver.received
            .filter((x) => x.status === 200 && x.json.subscriptionId === sub && x.json.type === "event")
            .map((x) => x.json.event as Delivered);
        const dues = () =>
          receiver.received.filter(
            (x) => x.status === 200 && x.json.subscriptionId === everything && x.json.type === "schedule.due",
          );
        const key = (e: Delivered) => `${e.chainId}/${e.args.taskId}`;
        await receiver.waitFor(
          () => events(everything).length >= 6 && events(opOnly).length >= 3 && dues().length >= 2,
          120_000,
        );
        // Let a mistaken second delivery show itself before counting.
        await new Promise((r) => setTimeout(r, 3_000));
        expect(events(everything).map(key).sort()).to.deep.equal([
          `${L1}/1`,
          `${L1}/2`,
          `${L1}/3`,
          `${OP}/1`,
          `${OP}/2`,
          `${OP}/3`,
        ]);
        expect(events(opOnly).map(key).sort(), "the chain filter").to.deep.equal([`${OP}/1`, `${OP}/2`, `${OP}/3`]);
        const rounds = dues().map((x) => x.json.schedule as { chainId: number; scheduleId: string; round: number });
        expect(rounds.map((r) => `${r.chainId}/${r.scheduleId}/${r.round}`).sort()).to.deep.equal([
          `${L1}/1/0`,
          `${OP}/1/0`,
        ]);
        const ids = receiver.received.filter((x) => x.status === 200).map((x) => x.json.id);
        expect(new Set(ids).size, "every delivery id once").to.equal(ids.length);
        const before = (await (await fetch(`${indexer.url}/webhooks`)).json()) as {
          outboxByChain: Record<string, Record<string, number>>;
        };
        expect(before.outboxByChain[L1]!.pending, JSON.stringify(before.outboxByChain)).to.equal(3);
        expect(before.outboxByChain[OP]!.pending, JSON.stringify(before.outboxByChain)).to.equal(3);
        const oldOpBlocks = new Set(
          events(everything)
            .filter((e) => e.chainId === OP)
            .map((e) => e.blockHash),
        );

        // The op devnet restarts (the same chain id, a new genesis); the indexer comes back on the same webhook store.
        await indexer.stop();
        await stack.restartChain("op");
        output = "";
        indexer = await stack.indexer({ env, onOutput: (c) => (output += c) });
        post = { ...post, op: taskPoster(stack.nodes.op.url, stack.deployments.op.contracts.TaskBoard!, 9) };
        await post.op({ specURI: "ipfs://op-new-chain" });
        await post.l1({ specURI: "ipfs://l1-after" });
        const isNewOp = (e: Delivered) => e.chainId === OP && !oldOpBlocks.has(e.blockHash);
        await receiver.waitFor(
          () => events(everything).some(isNewOp) && events(everything).some((e) => key(e) === `${L1}/4`),
          120_000,
        );
        await new Promise((r) => setTimeout(r, 3_000));

        const after = (await (await fetch(`${indexer.url}/webhooks`)).json()) as {
          outboxByChain: Record<string, Record<string, number>>;
        };
        expect(after.outboxByChain[OP]!.dropped, "the old op chain's pending deliveries").to.equal(3);
        expect(after.outboxByChain[L1]!.pending, "the l1 chain's stay pending (3 old, 1 new)").to.equal(4);
        expect(after.outboxByChain[L1]!.dropped ?? 0).to.equal(0);
        expect(output.match(/webhooks: the chain changed/g), output).to.have.length(1);
        expect(output).to.include(`webhooks: the chain changed (chain ${OP},`);
        expect(output).to.match(/: 3 pending deliveries of the old chain dropped/);
        // The l1 chain's events were not delivered again; nothing was `removed`.
        expect(
          events(everything)
            .filter((e) => e.chainId === L1)
            .map(key)
            .sort(),
        ).to.deep.equal([`${L1}/1`, `${L1}/2`, `${L1}/3`, `${L1}/4`]);
        expect(receiver.received.filter((x) => x.json.type === "removed")).to.have.length(0);
        await indexer.stop();
      } finally {
        await receiver.close();
        await stack.stop();
      }
    },
  );
});

describe("the webhook store on the default database (SQLite, no server)", () => {
  let dir: string;
  const saved = process.env.STIGMERGY_WEBHOOK_DIR;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "stigmergy-store-"));
    process.env.STIGMERGY_WEBHOOK_DIR = dir;
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.STIGMERGY_WEBHOOK_DIR;
    else process.env.STIGMERGY_WEBHOOK_DIR = saved;
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    "SIGKILLed at 6 seeded random moments while writing, " +
      "it keeps every subscription, outbox entry and delivery it acknowledged",
    async function () {
      this.timeout(180_000);
      const random = prng(16).next;
      const acked = { sub: new Set<string>(), out: new Set<string>(), done: new Set<string>() };
      for (let kill = 0; kill < 6; kill++) {
        // Each writer its own ids: a write the last one made but did not live to acknowledge stays taken.
        const child = spawn(
          process.execPath,
          ["--import", "tsx", join(ROOT, "test", "e2e", "children", "store-writer.ts"), String(kill * 100_000)],
          { cwd: ROOT, env: process.env, stdio: ["ignore", "pipe", "inherit"] },
        );
        const gone = new Promise((r) => child.once("close", r));
        let buffer = "";
        let lines = 0;
        child.stdout.on("data", (c: Buffer) => {
          buffer += c.toString();
          const complete = buffer.split("\n");
          buffer = complete.pop()!;
          for (const line of complete) {
            const [kind, id] = line.split(" ") as ["sub" | "out" | "done", string];
            acked[kind].add(id);
            lines++;
          }
        });
        // Killed once it is writing: after its first acknowledgement, plus a random moment.
        while (lines === 0 && child.exitCode === null) await new Promise((r) => setTimeout(r, 20));
        await new Promise((r) => setTimeout(r, 50 + random() * 600));
        expect(child.exitCode, "the writer was still writing").to.equal(null);
        child.kill("SIGKILL");
        await gone;
      }
      expect(acked.out.size, "writes acknowledged before the kills").to.be.greaterThan(50);
      const store = await WebhookStore.open(() => {});
      try {
        const subscriptions = new Set((await store.subscriptions()).map((s) => s.id));
        expect(
          [...acked.sub].filter((id) => !subscriptions.has(id)),
          "subscriptions lost",
        ).to.deep.equal([]);
        const outbox = new Set<string>();
        for (const id of acked.out) {
          const [, i, j] = id.split("-");
          for (const d of await store.deliveriesOf({ eventId: `event-${i}-${j}`, blockHash: "0xhash" }))
            outbox.add(d.id);
        }
        expect(
          [...acked.out].filter((id) => !outbox.has(id)),
          "outbox entries lost",
        ).to.deep.equal([]);
        expect((await store.stats()).delivered ?? 0, "deliveries marked done").to.be.at.least(acked.done.size);
      } finally {
        await store.close();
      }
    },
  );

  it(
    "a SQLite store of the earlier layout (event id and block hash joined in one string) " +
      "is split into two columns on open",
    async () => {
      const { DatabaseSync } = process.getBuiltinModule("node:sqlite");
      const old = new DatabaseSync(join(dir, "webhooks.sqlite"));
      old.exec(
        `CREATE TABLE outbox (id TEXT PRIMARY KEY, subscription_id TEXT NOT NULL, kind TEXT NOT NULL, event_id TEXT,
      payload TEXT NOT NULL,
      status TEXT NOT NULL DEFAULT 'pending', attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at INTEGER NOT NULL,
      last_error TEXT,
      created_at INTEGER NOT NULL, delivered_at INTEGER);
      CREATE TABLE seen (event_id TEXT PRIMARY KEY, block_number INTEGER NOT NULL,
      removals INTEGER NOT NULL DEFAULT 0, present INTEGER NOT NULL DEFAULT 1);
      INSERT INTO outbox (id, subscription_id, kind, event_id, payload, next_attempt_at, created_at) VALUES
        ('d1', 's', 'event', '123:0xaa', '{}', 1, 1), ('d2', 's', 'removed', '123:0xaa', '{}', 1, 1),
      ('d3', 's', 'schedule.due', NULL, '{}', 1, 1);
      INSERT INTO seen (event_id, block_number, removals, present) VALUES ('123:0xaa', 9, 0, 1),
      ('456:0xbb', 9, 2, 0), ('legacy', 9, 0, 1);`,
      );
      old.close();
      const store = await WebhookStore.open(() => {});
      try {
        expect((await store.deliveriesOf({ eventId: "123", blockHash: "0xaa" })).map((d) => d.id)).to.deep.equal([
          "d1",
        ]);
        expect(await store.deliveriesOf({ eventId: "123:0xaa", blockHash: "" })).to.deep.equal([]);
        // Never bound to a chain: its memory is the first chain's to bind.
        const outbox = store.forChain(31337);
        expect(await outbox.seen(0n)).to.deep.equal([]);
        await outbox.bind("0xgenesis");
        const seen = (await outbox.seen(0n)).sort((a, b) => a.eventId.localeCompare(b.eventId));
        expect(seen).to.deep.equal([
          { eventId: "123", blockHash: "0xaa", blockNumber: 9n, removals: 0, present: true },
          { eventId: "456", blockHash: "0xbb", blockNumber: 9n, removals: 2, present: false },
        ]);
      } finally {
        await store.close();
      }
    },
  );

  it(
    "a one-chain store bound to a chain becomes that chain's part on open; another chain's part starts empty, " +
      "and a new genesis of one chain drops only its pending deliveries",
    async () => {
      const { DatabaseSync } = process.getBuiltinModule("node:sqlite");
      // The layout of the last one-chain version: one outbox, one memory, one `current` binding.
      const old = new DatabaseSync(join(dir, "webhooks.sqlite"));
      old.exec(
        `CREATE TABLE subscription (id TEXT PRIMARY KEY, url TEXT NOT NULL, secret TEXT NOT NULL,
      filter TEXT NOT NULL,
        created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')), deleted INTEGER NOT NULL DEFAULT 0);
      CREATE TABLE seen_event (event_id TEXT NOT NULL, block_hash TEXT NOT NULL, block_number INTEGER NOT NULL,
        removals INTEGER NOT NULL DEFAULT 0, present INTEGER NOT NULL DEFAULT 1, PRIMARY KEY (event_id, block_hash));
      CREATE TABLE outbox (id text PRIMARY KEY, subscription_id text NOT NULL, kind text NOT NULL, event_id text,
      block_hash text,
        payload text NOT NULL, status text NOT NULL DEFAULT 'pending', attempts integer NOT NULL DEFAULT 0,
        next_attempt_at bigint NOT NULL, last_error text, created_at bigint NOT NULL, delivered_at bigint);
      CREATE TABLE due (schedule_id text NOT NULL, round integer NOT NULL, PRIMARY KEY (schedule_id, round));
      CREATE TABLE cursor (key text PRIMARY KEY, value bigint NOT NULL);
      CREATE TABLE chain (key text PRIMARY KEY, chain_id text NOT NULL, genesis_hash text NOT NULL);
      INSERT INTO subscription (id, url, secret, filter)
      VALUES ('s', 'http://127.0.0.1:9/a', 'old-store-secret-01', '{}');
      INSERT INTO outbox (id, subscription_id, kind, event_id, block_hash, payload, status, next_attempt_at,
      created_at) VALUES
        ('p1', 's', 'event', 'e1', '0xb1', '{}', 'pending', 1, 1),
      ('p2', 's', 'schedule.due', NULL, NULL, '{}', 'pending', 1, 2),
        ('d1', 's', 'event', 'e0', '0xb0', '{}', 'delivered', 1, 0);
      INSERT INTO seen_event (event_id, block_hash, block_number) VALUES ('e1', '0xb1', 40);
      INSERT INTO due (schedule_id, round) VALUES ('1', 0);
      INSERT INTO cursor (key, value) VALUES ('processed', 40), ('due:1', 1);
      INSERT INTO chain (key, chain_id, genesis_hash) VALUES ('current', '31337', '0xg1');`,
      );
      old.close();
      const pending = async (outbox: ReturnType<WebhookStore["forChain"]>) =>
        (await outbox.due(Date.now(), 10)).map((d) => d.id);
      let store = await WebhookStore.open(() => {});
      try {
        const l1 = store.forChain(31337);
        const op = store.forChain(31338);
        expect(await l1.bind("0xg1"), "the same chain, bound as before").to.deep.equal({ changed: false, dropped: 0 });
        expect(await pending(l1)).to.deep.equal(["p1", "p2"]);
        expect([await l1.cursor("processed"), await l1.cursor("due:1")]).to.deep.equal([40n, 1n]);
        expect((await l1.seen(0n)).map((e) => e.eventId)).to.deep.equal(["e1"]);
        expect(await l1.markDue(1n, 0), "round 0 of schedule 1 was notified on chain 31337").to.equal(false);
        // Chain 31338 starts with nothing: its schedule 1 is another schedule, its cursors its own.
        expect(await op.bind("0xg2")).to.deep.equal({ changed: false, dropped: 0 });
        expect(await pending(op)).to.deep.equal([]);
        expect(await op.seen(0n)).to.deep.equal([]);
        expect(await op.cursor("processed")).to.equal(undefined);
        expect(await op.markDue(1n, 0)).to.equal(true);
        await op.enqueue({
          id: "q1",
          subscriptionId: "s",
          kind: "event",
          event: { eventId: "f1", blockHash: "0xc1" },
          payload: "{}",
          now: 3,
        });
        await op.markSeen({ eventId: "f1", blockHash: "0xc1" }, 5n);
        await op.setCursor("processed", 5n);
        expect(await store.statsByChain()).to.deep.equal({
          31337: { pending: 2, delivered: 1 },
          31338: { pending: 1 },
        });
        // Chain 31338's devnet restarts (a new genesis): its pending delivery and memory go, 31337's stay.
        const change = await op.bind("0xg3");
        expect(change).to.deep.equal({
          changed: true,
          dropped: 1,
          previous: { chainId: "31338", genesisHash: "0xg2" },
        });
        expect(await pending(op)).to.deep.equal([]);
        expect([await op.seen(0n), await op.cursor("processed")]).to.deep.equal([[], undefined]);
        expect(await op.markDue(1n, 0), "forgotten with its chain").to.equal(true);
        expect(await pending(l1)).to.deep.equal(["p1", "p2"]);
        expect(await l1.cursor("processed")).to.equal(40n);
        expect(await store.statsByChain()).to.deep.equal({
          31337: { pending: 2, delivered: 1 },
          31338: { dropped: 1 },
        });
      } finally {
        await store.close();
      }
      // Converted once: opened again, it is as it was left.
      store = await WebhookStore.open(() => {});
      try {
        expect(await pending(store.forChain(31337))).to.deep.equal(["p1", "p2"]);
        expect(await store.forChain(31337).cursor("processed")).to.equal(40n);
        expect(await store.forChain(31337).bind("0xg1")).to.deep.equal({ changed: false, dropped: 0 });
      } finally {
        await store.close();
      }
    },
  );

  it(
    "a store an earlier version kept in PGlite (the same STIGMERGY_WEBHOOK_DIR) " +
      "is copied into SQLite once, with one log line",
    async () => {
      const old = new PGlite(dir);
      await old.exec(
        `CREATE TABLE subscription (id text PRIMARY KEY, url text NOT NULL, secret text NOT NULL,
      filter jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(), deleted boolean NOT NULL DEFAULT false);
      CREATE TABLE outbox (id text PRIMARY KEY, subscription_id text NOT NULL, kind text NOT NULL, event_id text,
      payload text NOT NULL,
      status text NOT NULL DEFAULT 'pending', attempts integer NOT NULL DEFAULT 0, next_attempt_at bigint NOT NULL,
      last_error text,
      created_at bigint NOT NULL, delivered_at bigint);
      INSERT INTO subscription (id, url, secret, filter)
      VALUES ('kept', 'http://127.0.0.1:9/a', 'old-store-secret-01', '{"events":["TaskPosted"]}'),
        ('gone', 'http://127.0.0.1:9/b', 'old-store-secret-02', '{}');
      UPDATE subscription SET deleted = true WHERE id = 'gone';
      INSERT INTO outbox (id, subscription_id, kind, event_id, payload, next_attempt_at, created_at)
      VALUES ('d1', 'kept', 'event', 'e:0xh', '{}', 1, 1);
      CREATE TABLE seen (event_id text PRIMARY KEY, block_number bigint NOT NULL,
      removals integer NOT NULL DEFAULT 0, present boolean NOT NULL DEFAULT true);
      INSERT INTO seen (event_id, block_number, removals, present) VALUES ('e:0xh', 7, 1, false);`,
      );
      await old.close();
      const lines: string[] = [];
      let store = await WebhookStore.open((line) => lines.push(line));
      expect(lines).to.have.length(1);
      expect(lines[0]).to.include(
        `copied 1 subscriptions and 1 pending deliveries from the earlier PGlite store in ${dir}`,
      );
      expect((await store.subscriptions()).map((s) => [s.id, s.url, s.secret, s.filter])).to.deep.equal([
        ["kept", "http://127.0.0.1:9/a", "old-store-secret-01", { events: ["TaskPosted"] }],
      ]);
      const outbox = store.forChain(31337);
      await outbox.bind("0xgenesis");
      expect((await outbox.due(Date.now(), 10)).map((d) => d.id)).to.deep.equal(["d1"]);
      // That version joined event id and block hash into one string; this one keeps them in two columns.
      expect((await store.deliveriesOf({ eventId: "e", blockHash: "0xh" })).map((d) => d.id)).to.deep.equal(["d1"]);
      expect(await outbox.seen(0n)).to.deep.equal([
        { eventId: "e", blockHash: "0xh", blockNumber: 7n, removals: 1, present: false },
      ]);
      await store.close();
      expect(existsSync(join(dir, "webhooks.sqlite"))).to.equal(true);
      store = await WebhookStore.open((line) => lines.push(line));
      expect(lines, "copied once").to.have.length(1);
      expect((await store.subscriptions()).map((s) => s.id)).to.deep.equal(["kept"]);
      await store.close();
    },
  );
});

describe("the webhook store on PostgreSQL", () => {
  it(
    "a one-chain schema is converted on open, also by six processes opening it at once: " +
      "its rows become the bound chain's, schedule rounds are keyed by chain, another chain starts empty",
    async function () {
      if (!postgresAvailable()) this.skip();
      const server = await startPostgres();
      const saved = { url: process.env.DATABASE_URL, schema: process.env.STIGMERGY_DB_SCHEMA };
      process.env.DATABASE_URL = server.url;
      process.env.STIGMERGY_DB_SCHEMA = "hooks";
      const client = new pg.Client({ connectionString: server.url });
      try {
        await client.connect();
        // The layout of the last one-chain version, in schema hooks_webhooks.
        await client.query(
          `CREATE SCHEMA hooks_webhooks; SET search_path TO hooks_webhooks;
        CREATE TABLE subscription (id text PRIMARY KEY, url text NOT NULL, secret text NOT NULL, filter jsonb NOT NULL,
          created_at timestamptz NOT NULL DEFAULT now(), deleted boolean NOT NULL DEFAULT false);
        CREATE TABLE seen_event (event_id text NOT NULL, block_hash text NOT NULL, block_number bigint NOT NULL,
          removals integer NOT NULL DEFAULT 0, present boolean NOT NULL DEFAULT true,
        PRIMARY KEY (event_id, block_hash));
        CREATE TABLE outbox (id text PRIMARY KEY, subscription_id text NOT NULL, kind text NOT NULL, event_id text,
        block_hash text,
          payload text NOT NULL, status text NOT NULL DEFAULT 'pending', attempts integer NOT NULL DEFAULT 0,
          next_attempt_at bigint NOT NULL, last_error text, created_at bigint NOT NULL, delivered_at bigint);
        CREATE TABLE due (schedule_id text NOT NULL, round integer NOT NULL, PRIMARY KEY (schedule_id, round));
        CREATE TABLE cursor (key text PRIMARY KEY, value bigint NOT NULL);
        CREATE TABLE chain (key text PRIMARY KEY, chain_id text NOT NULL, genesis_hash text NOT NULL);
        INSERT INTO subscription (id, url, secret, filter)
        VALUES ('s', 'http://127.0.0.1:9/a', 'old-store-secret-01', '{}');
        INSERT INTO outbox (id, subscription_id, kind, event_id, block_hash, payload, next_attempt_at,
        created_at) VALUES
          ('p1', 's', 'event', 'e1', '0xb1', '{}', 1, 1);
        INSERT INTO seen_event (event_id, block_hash, block_number) VALUES ('e1', '0xb1', 40);
        INSERT INTO due (schedule_id, round) VALUES ('1', 0);
        INSERT INTO cursor (key, value) VALUES ('processed', 40);
        INSERT INTO chain (key, chain_id, genesis_hash) VALUES ('current', '31337', '0xg1');`,
        );
        // A cluster's writer and readers open one store together: every open succeeds, and the
        // conversion below happened once.
        const together = await Promise.all(Array.from({ length: 6 }, () => WebhookStore.open(() => {})));
        await Promise.all(together.map((store) => store.close()));
        for (let open = 0; open < 2; open++) {
          const store = await WebhookStore.open(() => {});
          try {
            const [l1, op] = [store.forChain(31337), store.forChain(31338)];
            expect(await l1.bind("0xg1")).to.deep.equal({ changed: false, dropped: 0 });
            expect((await l1.due(Date.now(), 10)).map((d) => d.id)).to.deep.equal(["p1"]);
            expect(await l1.cursor("processed")).to.equal(40n);
            expect((await l1.seen(0n)).map((e) => e.eventId)).to.deep.equal(["e1"]);
            expect(await op.bind(open === 0 ? "0xg2" : "0xg3")).to.deep.equal({ changed: false, dropped: 0 });
            expect(await op.due(Date.now(), 10)).to.deep.equal([]);
            if (open === 0) {
              expect(await l1.markDue(1n, 0), "notified on chain 31337").to.equal(false);
              expect(await op.markDue(1n, 0), "schedule 1 of chain 31338 is another schedule").to.equal(true);
              // Every statement of a chain's part, on this dialect: write, remember, forget, rebind.
              const event = { eventId: "f1", blockHash: "0xc1" };
              expect(
                await op.enqueue({ id: "q1", subscriptionId: "s", kind: "event", event, payload: "{}", now: 3 }),
              ).to.equal(true);
              await op.markSeen(event, 5n);
              await op.markRemoved(event);
              expect(await op.seen(0n)).to.deep.equal([{ ...event, blockNumber: 5n, removals: 1, present: false }]);
              await op.pruneSeen(5n);
              expect(await op.seen(0n)).to.deep.equal([]);
              await op.setCursor("processed", 5n);
              expect(await store.statsByChain()).to.deep.equal({ 31337: { pending: 1 }, 31338: { pending: 1 } });
              expect(await op.bind("0xg3")).to.deep.equal({
                changed: true,
                dropped: 1,
                previous: { chainId: "31338", genesisHash: "0xg2" },
              });
              expect(await op.cursor("processed")).to.equal(undefined);
              expect(await store.statsByChain()).to.deep.equal({ 31337: { pending: 1 }, 31338: { dropped: 1 } });
            }
          } finally {
            await store.close();
          }
        }
      } finally {
        await client.end();
        if (saved.url === undefined) delete process.env.DATABASE_URL;
        else process.env.DATABASE_URL = saved.url;
        if (saved.schema === undefined) delete process.env.STIGMERGY_DB_SCHEMA;
        else process.env.STIGMERGY_DB_SCHEMA = saved.schema;
        server.stop();
      }
    },
  );
});
