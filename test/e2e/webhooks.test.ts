import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { createPublicClient, createWalletClient, http, keccak256, parseEventLogs, toHex, zeroAddress, zeroHash } from "viem";
import { freePort, ROOT } from "../../scripts/lib/processes.ts";
import { prng } from "../../scripts/lib/workload.ts";
import { WebhookStore } from "../../indexer/src/webhooks/store.ts";
import { mnemonicToAccount } from "viem/accounts";
import { verifySignature } from "../../indexer/src/webhooks/sign.ts";
import { abis } from "../../sdk/src/index.ts";
import { type Received, type Receiver, startReceiver, subscribe as subscribeTo } from "../../scripts/lib/receiver.ts";
import { restartIndexer as restart, type Stack, type StackIndexer, startStack } from "../../scripts/lib/stack.ts";
import { MNEMONIC, taskPoster } from "../../scripts/lib/tasks.ts";

const SECRET = "a-very-secret-secret";
const FAST = { STIGMERGY_WEBHOOK_BACKOFF_MS: "200", STIGMERGY_WEBHOOK_BACKOFF_CAP_MS: "1000" };

type Event = { name: string; args: Record<string, string>; id: string };

const subscribe = (indexerUrl: string, url: string, filter: unknown) => subscribeTo(indexerUrl, { url, secret: SECRET, filter });

describe("webhooks", function () {
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
      const res = await fetch(`${indexer.url}/webhooks`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
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

  it("delivers matching events, signed (HMAC-SHA256 of the body), with a timestamp and an idempotency key", async () => {
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
    expect(receiver.received.filter((x) => (x.json.event as Event | undefined)?.args?.capability === zeroHash)).to.have.length(0);
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
    const template = { capability: zeroHash, specURI, specHash: zeroHash, rewardToken: zeroAddress, reward: 1n, maxReward: 1n, claimBond: 0n, minStake: 0n, abandonSlash: 0n, leaseDuration: 60n, notBefore: 0n, deadline: 600n, reviewWindow: 60n, approver: zeroAddress } as const;
    const hash = await poster.writeContract({ chain: null, address: stack.deployment.contracts.TaskBoard!, abi: abis.TaskBoard, functionName: "createSchedule", args: [template, firstAt, interval, count], value: BigInt(count) });
    const receipt = await createPublicClient({ transport }).waitForTransactionReceipt({ hash });
    const [log] = parseEventLogs({ abi: abis.TaskBoard, logs: receipt.logs, eventName: "ScheduleCreated" });
    return log!.args.scheduleId;
  };

  it("wakes schedule subscribers when a round falls due, with no transaction sent; a claim sent on receipt succeeds, even with the chain's clock ahead of the wall clock", async () => {
    const id = await subscribe(indexer.url, receiver.url, { events: ["schedule.due"] });
    const transport = http(stack.node.url);
    const publicClient = createPublicClient({ transport });
    // Blocks in quick succession each add a second: the chain's clock runs ahead of the wall clock.
    for (let i = 0; i < 8; i++) await publicClient.request({ method: "evm_mine" as never });
    const claimer = createWalletClient({ account: mnemonicToAccount(MNEMONIC, { addressIndex: 11 }), transport });
    const registered = await claimer.writeContract({ chain: null, address: stack.deployment.contracts.IdentityRegistry!, abi: abis.IdentityRegistry, functionName: "register", args: [] });
    const [reg] = parseEventLogs({ abi: abis.IdentityRegistry, logs: (await publicClient.waitForTransactionReceipt({ hash: registered })).logs, eventName: "Registered" });
    const firstAt = (await chainNow()) + 3n;
    const scheduleId = await createSchedule(firstAt, 3_600n, 2, "ipfs://cron");
    const r = await receiver.waitFor((x) => x.json.type === "schedule.due" && x.json.subscriptionId === id);
    const s = r.json.schedule as { round: number; dueAt: string; scheduleId: string };
    expect([s.round, BigInt(s.dueAt), BigInt(s.scheduleId)]).to.deep.equal([0, firstAt, scheduleId]);
    // Woken no earlier than the round can be claimed: a claim sent now succeeds.
    const claim = await claimer.writeContract({ chain: null, address: stack.deployment.contracts.TaskBoard!, abi: abis.TaskBoard, functionName: "claimScheduled", args: [scheduleId, 0, reg!.args.agentId] });
    expect((await publicClient.waitForTransactionReceipt({ hash: claim })).status).to.equal("success");
    // Round 1 is an hour away: not yet.
    expect(receiver.received.filter((x) => x.json.type === "schedule.due" && (x.json.schedule as { round: number }).round === 1)).to.have.length(0);
  });

  it("an empty filter gets every event, schedule.due included", async () => {
    const id = await subscribe(indexer.url, receiver.url, {});
    await postTask();
    // Events still being indexed when it subscribed (a claim of the test before) may come first.
    await receiver.waitFor((x) => x.json.subscriptionId === id && x.json.type === "event" && (x.json.event as Event).name === "TaskPosted");
    const scheduleId = await createSchedule((await chainNow()) + 2n, 3_600n, 1, "ipfs://every-event");
    const due = await receiver.waitFor((x) => x.json.subscriptionId === id && x.json.type === "schedule.due");
    expect(BigInt((due.json.schedule as { scheduleId: string }).scheduleId)).to.equal(scheduleId);
    expect((await fetch(`${indexer.url}/webhooks/${id}`, { method: "DELETE" })).status).to.equal(204);
  });
});

describe("webhooks behind STIGMERGY_WEBHOOK_TOKEN", function () {
  it("refuses the webhook endpoints without `Authorization: Bearer <token>` (401, saying what to send) and serves them with it", async () => {
    const stack = await startStack();
    try {
      const indexer = await stack.indexer({ env: { STIGMERGY_WEBHOOK_TOKEN: "t0ken-for-the-test" } });
      const body = JSON.stringify({ url: "http://127.0.0.1:9/hook", secret: SECRET });
      for (const [method, path] of [["POST", "/webhooks"], ["GET", "/webhooks"], ["DELETE", "/webhooks/x"]] as const) {
        const res = await fetch(`${indexer.url}${path}`, { method, headers: { "content-type": "application/json", authorization: "Bearer wrong" }, ...(method === "POST" ? { body } : {}) });
        expect(res.status, `${method} ${path}`).to.equal(401);
        expect(((await res.json()) as { reason: string }).reason).to.include("STIGMERGY_WEBHOOK_TOKEN");
      }
      const auth = { authorization: "Bearer t0ken-for-the-test" };
      const created = await fetch(`${indexer.url}/webhooks`, { method: "POST", headers: { "content-type": "application/json", ...auth }, body });
      expect(created.status).to.equal(201);
      const { id } = (await created.json()) as { id: string };
      expect((await fetch(`${indexer.url}/webhooks`, { headers: auth })).status).to.equal(200);
      expect((await fetch(`${indexer.url}/webhooks/${id}`, { method: "DELETE", headers: auth })).status).to.equal(204);
      // The rest of the API stays open.
      expect((await fetch(`${indexer.url}/tasks`)).status).to.equal(200);
      await indexer.stop();
    } finally {
      await stack.stop();
    }
  });
});

describe("webhooks across a chain restart", function () {
  it("a new genesis is a new chain, not a reorg: subscriptions are kept, the old chain's pending deliveries dropped with one log line, no `removed` notices", async () => {
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
      const dead = await subscribe(indexer.url, `http://127.0.0.1:${await freePort()}/gone`, { events: ["TaskPosted"] });
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

      const listed = (await (await fetch(`${indexer.url}/webhooks`)).json()) as { webhooks: { id: string }[]; outbox: Record<string, number> };
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
  });
});

describe("the webhook store on the default database (SQLite, no server)", function () {
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

  it("SIGKILLed at 6 seeded random moments while writing, it keeps every subscription, outbox entry and delivery it acknowledged", async function () {
    this.timeout(180_000);
    const random = prng(16).next;
    const acked = { sub: new Set<string>(), out: new Set<string>(), done: new Set<string>() };
    for (let kill = 0; kill < 6; kill++) {
      // Each writer its own ids: a write the last one made but did not live to acknowledge stays taken.
      const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "test", "e2e", "children", "store-writer.ts"), String(kill * 100_000)], { cwd: ROOT, env: process.env, stdio: ["ignore", "pipe", "inherit"] });
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
      expect([...acked.sub].filter((id) => !subscriptions.has(id)), "subscriptions lost").to.deep.equal([]);
      const outbox = new Set<string>();
      for (const id of acked.out) {
        const [, i, j] = id.split("-");
        for (const d of await store.deliveriesOf({ eventId: `event-${i}-${j}`, blockHash: "0xhash" })) outbox.add(d.id);
      }
      expect([...acked.out].filter((id) => !outbox.has(id)), "outbox entries lost").to.deep.equal([]);
      expect((await store.stats()).delivered ?? 0, "deliveries marked done").to.be.at.least(acked.done.size);
    } finally {
      await store.close();
    }
  });

  it("a SQLite store of the earlier layout (event id and block hash joined in one string) is split into two columns on open", async () => {
    const { DatabaseSync } = process.getBuiltinModule("node:sqlite");
    const old = new DatabaseSync(join(dir, "webhooks.sqlite"));
    old.exec(`CREATE TABLE outbox (id TEXT PRIMARY KEY, subscription_id TEXT NOT NULL, kind TEXT NOT NULL, event_id TEXT, payload TEXT NOT NULL,
      status TEXT NOT NULL DEFAULT 'pending', attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at INTEGER NOT NULL, last_error TEXT,
      created_at INTEGER NOT NULL, delivered_at INTEGER);
      CREATE TABLE seen (event_id TEXT PRIMARY KEY, block_number INTEGER NOT NULL, removals INTEGER NOT NULL DEFAULT 0, present INTEGER NOT NULL DEFAULT 1);
      INSERT INTO outbox (id, subscription_id, kind, event_id, payload, next_attempt_at, created_at) VALUES
        ('d1', 's', 'event', '123:0xaa', '{}', 1, 1), ('d2', 's', 'removed', '123:0xaa', '{}', 1, 1), ('d3', 's', 'schedule.due', NULL, '{}', 1, 1);
      INSERT INTO seen (event_id, block_number, removals, present) VALUES ('123:0xaa', 9, 0, 1), ('456:0xbb', 9, 2, 0), ('legacy', 9, 0, 1);`);
    old.close();
    const store = await WebhookStore.open(() => {});
    try {
      expect((await store.deliveriesOf({ eventId: "123", blockHash: "0xaa" })).map((d) => d.id)).to.deep.equal(["d1"]);
      expect(await store.deliveriesOf({ eventId: "123:0xaa", blockHash: "" })).to.deep.equal([]);
      const seen = (await store.seen(0n)).sort((a, b) => a.eventId.localeCompare(b.eventId));
      expect(seen).to.deep.equal([
        { eventId: "123", blockHash: "0xaa", blockNumber: 9n, removals: 0, present: true },
        { eventId: "456", blockHash: "0xbb", blockNumber: 9n, removals: 2, present: false },
      ]);
    } finally {
      await store.close();
    }
  });

  it("a store an earlier version kept in PGlite (the same STIGMERGY_WEBHOOK_DIR) is copied into SQLite once, with one log line", async () => {
    const old = new PGlite(dir);
    await old.exec(`CREATE TABLE subscription (id text PRIMARY KEY, url text NOT NULL, secret text NOT NULL, filter jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(), deleted boolean NOT NULL DEFAULT false);
      CREATE TABLE outbox (id text PRIMARY KEY, subscription_id text NOT NULL, kind text NOT NULL, event_id text, payload text NOT NULL,
      status text NOT NULL DEFAULT 'pending', attempts integer NOT NULL DEFAULT 0, next_attempt_at bigint NOT NULL, last_error text,
      created_at bigint NOT NULL, delivered_at bigint);
      INSERT INTO subscription (id, url, secret, filter) VALUES ('kept', 'http://127.0.0.1:9/a', 'old-store-secret-01', '{"events":["TaskPosted"]}'),
        ('gone', 'http://127.0.0.1:9/b', 'old-store-secret-02', '{}');
      UPDATE subscription SET deleted = true WHERE id = 'gone';
      INSERT INTO outbox (id, subscription_id, kind, event_id, payload, next_attempt_at, created_at) VALUES ('d1', 'kept', 'event', 'e:0xh', '{}', 1, 1);
      CREATE TABLE seen (event_id text PRIMARY KEY, block_number bigint NOT NULL, removals integer NOT NULL DEFAULT 0, present boolean NOT NULL DEFAULT true);
      INSERT INTO seen (event_id, block_number, removals, present) VALUES ('e:0xh', 7, 1, false);`);
    await old.close();
    const lines: string[] = [];
    let store = await WebhookStore.open((line) => lines.push(line));
    expect(lines).to.have.length(1);
    expect(lines[0]).to.include(`copied 1 subscriptions and 1 pending deliveries from the earlier PGlite store in ${dir}`);
    expect((await store.subscriptions()).map((s) => [s.id, s.url, s.secret, s.filter])).to.deep.equal([["kept", "http://127.0.0.1:9/a", "old-store-secret-01", { events: ["TaskPosted"] }]]);
    expect((await store.due(Date.now(), 10)).map((d) => d.id)).to.deep.equal(["d1"]);
    // That version joined event id and block hash into one string; this one keeps them in two columns.
    expect((await store.deliveriesOf({ eventId: "e", blockHash: "0xh" })).map((d) => d.id)).to.deep.equal(["d1"]);
    expect(await store.seen(0n)).to.deep.equal([{ eventId: "e", blockHash: "0xh", blockNumber: 7n, removals: 1, present: false }]);
    await store.close();
    expect(existsSync(join(dir, "webhooks.sqlite"))).to.equal(true);
    store = await WebhookStore.open((line) => lines.push(line));
    expect(lines, "copied once").to.have.length(1);
    expect((await store.subscriptions()).map((s) => s.id)).to.deep.equal(["kept"]);
    await store.close();
  });
});
