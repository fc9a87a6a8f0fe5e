import { expect } from "chai";
import { type Hex, keccak256, parseEther, stringToHex } from "viem";
import { SelfFeedbackError } from "../../sdk/src/index.ts";
import { advance, agentFor } from "./helpers/stack.ts";

describe("sdk: reputation, validation and governance", () => {
  it("gives feedback and reads the summary; one's own feedback is refused", async () => {
    const [worker, client] = await Promise.all([agentFor(14), agentFor(15)]);
    await worker.identity.register({ uri: "ipfs://rated" });
    await client.identity.register({ uri: "ipfs://rater" });
    await client.reputation.giveFeedback({ agentId: worker.agentId!, value: 90, tag1: "quality" });
    await client.reputation.giveFeedback({ agentId: worker.agentId!, value: 70, tag1: "quality" });
    const summary = await worker.reputation.summary(worker.agentId!, [client.address!], { tag1: "quality" });
    expect(summary.count).to.equal(2n);
    expect(summary.value).to.equal(80n);
    expect(await worker.reputation.giveFeedback({ agentId: worker.agentId!, value: 100 }).then(() => undefined, (e: unknown) => e)).to.be.instanceOf(SelfFeedbackError);
    await client.reputation.revokeFeedback(worker.agentId!, 1n);
    expect((await worker.reputation.summary(worker.agentId!, [client.address!])).count).to.equal(1n);
  });

  it("requests validation and records the validator's response", async () => {
    const [worker, validator] = await Promise.all([agentFor(14), agentFor(15)]);
    worker.agentId ??= (await worker.identity.register({ uri: "ipfs://rated-2" })).agentId;
    const { requestHash } = await worker.validation.request({ validator: validator.address!, agentId: worker.agentId!, requestURI: "ipfs://check-me", requestHash: keccak256(stringToHex("payload")) });
    expect(requestHash).to.equal(keccak256(stringToHex("payload")));
    await validator.validation.respond({ requestHash, response: 95, tag: "audit" });
    const status = await worker.validation.status(requestHash);
    expect(status[2]).to.equal(95);
    expect((await worker.validation.summary(worker.agentId!, [validator.address!])).average).to.equal(95);
  });

  it("a request made from a document is salted, keyed by the hash of the file it publishes, and answered under that hash", async () => {
    const [worker, validator] = await Promise.all([agentFor(14), agentFor(15)]);
    worker.agentId ??= (await worker.identity.register({ uri: "ipfs://rated-3" })).agentId;
    const request = { task: "ipfs://result-1", check: "the tests pass" };
    const first = await worker.validation.request({ validator: validator.address!, agentId: worker.agentId!, request });
    const second = await worker.validation.request({ validator: validator.address!, agentId: worker.agentId!, request });
    expect(first.requestHash).to.not.equal(second.requestHash); // the same document twice: two salts
    // What a spec-following validator does: fetch the file, check it against the hash, answer that hash.
    const file = Buffer.from(first.requestURI.replace(/^data:application\/json;base64,/, ""), "base64").toString();
    expect(keccak256(stringToHex(file))).to.equal(first.requestHash);
    expect(JSON.parse(file)).to.deep.include(request);
    await validator.validation.respond({ requestHash: first.requestHash, response: 80 });
    expect((await worker.validation.status(first.requestHash))[2]).to.equal(80);
  });

  it("a squatted request hash costs one retry with a fresh salt, which the SDK makes by itself", async () => {
    const [worker, validator, squatter] = await Promise.all([agentFor(14), agentFor(15), agentFor(19)]);
    worker.agentId ??= (await worker.identity.register({ uri: "ipfs://rated-4" })).agentId;
    const squatterAgent = (await squatter.identity.register({ uri: "ipfs://squatter" })).agentId;
    const published: string[] = [];
    const squatted: Hex[] = [];
    const result = await worker.validation.request({
      validator: validator.address!,
      agentId: worker.agentId!,
      request: { task: "ipfs://result-2" },
      publish: async (file) => {
        published.push(file);
        if (published.length === 1) {
          // The squatter copies the hash of the pending request and lands it first, for its own agent.
          const hash = keccak256(stringToHex(file));
          await squatter.validation.request({ validator: validator.address!, agentId: squatterAgent, requestURI: "ipfs://copy", requestHash: hash });
          squatted.push(hash);
        }
        return `ipfs://request-${published.length}`;
      },
    });
    expect(published).to.have.length(2);
    expect(result.requestHash).to.equal(keccak256(stringToHex(published[1]!)));
    expect(result.requestHash).to.not.equal(squatted[0]);
    expect((await worker.validation.status(result.requestHash))[1]).to.equal(worker.agentId);
    expect((await worker.validation.status(squatted[0]!))[1]).to.equal(squatterAgent);
    await validator.validation.respond({ requestHash: result.requestHash, response: 100 });
  });

  it("proposes, votes with stake and finalizes", async () => {
    const [a, b] = await Promise.all([agentFor(16), agentFor(17)]);
    for (const x of [a, b]) {
      await x.identity.register({ uri: "ipfs://voter" });
      await x.staking.faucet(parseEther("50"));
      await x.staking.stake(parseEther(x === a ? "30" : "10"));
    }
    const { groupId } = await a.election.createGroup({ name: "council", epochDuration: 3_600, heartbeatTimeout: 60 });
    await a.election.join(groupId);
    await b.election.join(groupId);
    await advance(1);
    const { proposalId } = await a.governance.propose({ groupId, descriptionURI: "ipfs://raise-fees", options: 2, votingPeriod: 600, quorumBps: 5_000 });
    await a.governance.vote(proposalId, 1);
    await b.governance.vote(proposalId, 0);
    await advance(601);
    const { outcome } = await b.governance.finalize(proposalId);
    expect(outcome).to.equal(1);
    expect(await a.governance.votesFor(proposalId, 1)).to.equal(parseEther("30"));
  });
});
