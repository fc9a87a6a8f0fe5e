import { expect } from "chai";
import { startRpcCounter } from "../../scripts/lib/proxy.ts";
import { type Agent, createAgent, type Message, NotChannelMemberError, payloadText } from "../../sdk/src/index.ts";
import { account, agentFor, eventually, sdkStack } from "./helpers/stack.ts";

describe("sdk: messages", () => {
  let a: Agent;
  let b: Agent;

  before(async function () {
    this.timeout(120_000);
    [a, b] = await Promise.all([agentFor(10), agentFor(11)]);
    await a.identity.register({ uri: "ipfs://talker-a" });
    await b.identity.register({ uri: "ipfs://talker-b" });
  });

  it("posts on a channel and sends to an inbox; onMessage pushes each new message once, in order", async () => {
    const onChannel: Message[] = [];
    const inInbox: Message[] = [];
    const stopChannel = b.messages.onMessage({ channel: "sdk-news", after: 0n }, (m) => onChannel.push(m));
    const stopInbox = b.messages.onMessage({ toAgentId: b.agentId!, after: 0n }, (m) => inInbox.push(m));
    const first = await a.messages.post("sdk-news", "hello swarm");
    await a.messages.post("sdk-news", "second");
    await a.messages.send(b.agentId!, "just for you");
    expect(first.seq).to.equal(1n);
    await eventually(() => (onChannel.length === 2 && inInbox.length === 1 ? true : undefined), "both messages pushed");
    expect(onChannel.map((m) => payloadText(m.payload))).to.deep.equal(["hello swarm", "second"]);
    expect(inInbox[0]!.fromAgentId).to.equal(a.agentId);
    expect((await b.messages.inbox()).map((m) => payloadText(m.payload))).to.deep.equal(["just for you"]);
    expect((await b.messages.channel("sdk-news", { after: 1n })).map((m) => m.seq)).to.deep.equal([2n]);
    stopChannel();
    stopInbox();
    // Without an indexer: the chain's logs and events.
    const direct = await agentFor(11, { indexer: false });
    direct.agentId = b.agentId;
    expect((await direct.messages.inbox()).map((m) => payloadText(m.payload))).to.deep.equal(["just for you"]);
    // After a given sequence number: the chain's logs from the deployment on, so nothing is missed.
    const seq = await direct.messages.channel("sdk-news").then((ms) => ms.at(-1)!.seq);
    const afterSeq: Message[] = [];
    const stopAfter = direct.messages.onMessage({ channel: "sdk-news", after: seq }, (m) => afterSeq.push(m));
    // From the start (after 0): the earlier posts too, from the chain's logs, in order.
    const all: Message[] = [];
    const stopAll = direct.messages.onMessage({ channel: "sdk-news", after: 0n }, (m) => all.push(m));
    // Without one: what arrives after the watch began (its baseline and its logs pinned to one block).
    const fresh: Message[] = [];
    const stopFresh = direct.messages.onMessage({ channel: "sdk-news" }, (m) => fresh.push(m));
    await a.messages.post("sdk-news", "third");
    await eventually(() => (afterSeq.length === 1 ? true : undefined), "the chain watcher to deliver the new post");
    expect(payloadText(afterSeq[0]!.payload)).to.equal("third");
    await a.messages.post("sdk-news", "fourth");
    await eventually(() => (afterSeq.length === 2 ? true : undefined), "the chain watcher to deliver the next post");
    await eventually(() => (fresh.some((m) => m.seq === seq + 2n) ? true : undefined), "the new-only watcher");
    // "third" may have been mined before the new-only watcher's first block: it has it once or not at all.
    expect(fresh.map((m) => payloadText(m.payload)).join()).to.be.oneOf(["third,fourth", "fourth"]);
    await eventually(() => (all.length === 4 ? true : undefined), "the watcher from the start");
    expect(all.map((m) => payloadText(m.payload))).to.deep.equal(["hello swarm", "second", "third", "fourth"]);
    stopAfter();
    stopFresh();
    stopAll();
    // A handler that throws on one message of a batch (all four arrive in one) loses none of the rest.
    const handled: string[] = [];
    const failures: Error[] = [];
    const stopThrowing = direct.messages.onMessage(
      { channel: "sdk-news", after: 0n },
      (m) => {
        handled.push(payloadText(m.payload));
        if (handled.length === 1) throw new Error("the handler failed");
      },
      (e) => failures.push(e),
    );
    await eventually(() => (handled.length === 4 ? true : undefined), "every message handled");
    expect(handled).to.deep.equal(["hello swarm", "second", "third", "fourth"]);
    expect(failures.map((e) => e.message)).to.deep.equal(["the handler failed"]);
    stopThrowing();
  });

  it(
    "without an indexer, a watch from the deployment's first block behind a provider that limits eth_getLogs " +
      "ranges halves its range until accepted and still pushes every message once, in order",
    async () => {
      const { node, deployment } = await sdkStack();
      const proxy = await startRpcCounter(node.url, { maxLogRange: 8 });
      let stop = () => {};
      try {
        const limited = await createAgent({
          rpcUrl: proxy.url,
          account: account(11),
          deployment,
          pollingInterval: 100,
        });
        const expected = (await limited.messages.channel("sdk-news")).map((m) => payloadText(m.payload));
        expect(expected.length).to.be.greaterThan(0);
        const seen: string[] = [];
        const errors: Error[] = [];
        stop = limited.messages.onMessage(
          { channel: "sdk-news", after: 0n },
          (m) => seen.push(payloadText(m.payload)),
          (e) => errors.push(e),
        );
        await eventually(() => (seen.length === expected.length ? true : undefined), "every earlier message", 60_000);
        await a.messages.post("sdk-news", "behind a limited provider");
        await eventually(() => (seen.length === expected.length + 1 ? true : undefined), "the new message", 60_000);
        stop();
        expect(seen).to.deep.equal([...expected, "behind a limited provider"]);
        // From 5,000 blocks a call to at most 8: one failure per halving, each reported (viem's transport
        // retries each refused call first), then none.
        const refused = proxy.calls().byMethod["eth_getLogs (refused)"] ?? 0;
        expect(errors.length).to.be.within(1, 10);
        expect(refused).to.be.at.least(errors.length);
        expect(errors[0]!.message).to.match(/max block range 8/);
      } finally {
        stop();
        await proxy.close();
      }
    },
  );

  it("restricts a channel to a group's members", async () => {
    const { groupId } = await a.election.createGroup({ name: "talkers", epochDuration: 3_600, heartbeatTimeout: 60 });
    await a.election.join(groupId);
    const { channel } = await a.messages.restrictChannel(groupId, "orders");
    expect(channel).to.equal(await a.messages.groupChannel(groupId, "orders"));
    await a.messages.post(channel, "members only");
    const error = await b.messages.post(channel, "let me in").then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(NotChannelMemberError);
  });
});
