import { expect } from "chai";
import { createPublicClient, createWalletClient, http, keccak256, toHex, zeroAddress, zeroHash } from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { verifySignature } from "../../indexer/src/webhooks/sign.ts";
import { abis } from "../../sdk/src/index.ts";
import { type Receiver, startReceiver, subscribe as subscribeTo } from "./helpers/receiver.ts";
import { restartIndexer as restart, type Stack, type StackIndexer, startStack } from "./helpers/stack.ts";
import { MNEMONIC, taskPoster } from "./helpers/tasks.ts";

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

  it("wakes schedule subscribers when a round falls due, with no transaction sent", async () => {
    const id = await subscribe(indexer.url, receiver.url, { events: ["schedule.due"] });
    const transport = http(stack.node.url);
    const poster = createWalletClient({ account: mnemonicToAccount(MNEMONIC, { addressIndex: 10 }), transport });
    const firstAt = (await chainNow()) + 3n;
    const template = { capability: zeroHash, specURI: "ipfs://cron", specHash: zeroHash, rewardToken: zeroAddress, reward: 1n, maxReward: 1n, claimBond: 0n, minStake: 0n, abandonSlash: 0n, leaseDuration: 60n, notBefore: 0n, deadline: 600n, reviewWindow: 60n, approver: zeroAddress } as const;
    const hash = await poster.writeContract({ chain: null, address: stack.deployment.contracts.TaskBoard!, abi: abis.TaskBoard, functionName: "createSchedule", args: [template, firstAt, 3_600n, 2], value: 2n });
    await createPublicClient({ transport }).waitForTransactionReceipt({ hash });
    const r = await receiver.waitFor((x) => x.json.type === "schedule.due" && x.json.subscriptionId === id);
    const s = r.json.schedule as { round: number; dueAt: string; scheduleId: string };
    expect(s.round).to.equal(0);
    expect(BigInt(s.dueAt)).to.equal(firstAt);
    expect(r.at / 1000).to.be.at.least(Number(firstAt) - 1);
    // Round 1 is an hour away: not yet.
    expect(receiver.received.filter((x) => x.json.type === "schedule.due" && (x.json.schedule as { round: number }).round === 1)).to.have.length(0);
  });
});
