import { expect } from "chai";
import { type Hex, keccak256, stringToHex } from "viem";
import { agentFor } from "./helpers/stack.ts";

describe("sdk: validation", () => {
  it("requests validation and records the validator's response", async () => {
    const [worker, validator] = await Promise.all([agentFor(14), agentFor(15)]);
    worker.agentId ??= (await worker.identity.register({ uri: "ipfs://rated-2" })).agentId;
    const { requestHash } = await worker.validation.request({
      validator: validator.address!,
      agentId: worker.agentId!,
      requestURI: "ipfs://check-me",
      requestHash: keccak256(stringToHex("payload")),
    });
    expect(requestHash).to.equal(keccak256(stringToHex("payload")));
    await validator.validation.respond({ requestHash, response: 95, tag: "audit" });
    const status = await worker.validation.status(requestHash);
    expect(status[2]).to.equal(95);
    expect((await worker.validation.summary(worker.agentId!, [validator.address!])).average).to.equal(95);
  });

  it(
    "a request made from a document is salted, keyed by the hash of the file it publishes, " +
      "and answered under that hash",
    async () => {
      const [worker, validator] = await Promise.all([agentFor(14), agentFor(15)]);
      worker.agentId ??= (await worker.identity.register({ uri: "ipfs://rated-3" })).agentId;
      const request = { task: "ipfs://result-1", check: "the tests pass" };
      const first = await worker.validation.request({
        validator: validator.address!,
        agentId: worker.agentId!,
        request,
      });
      const second = await worker.validation.request({
        validator: validator.address!,
        agentId: worker.agentId!,
        request,
      });
      expect(first.requestHash).to.not.equal(second.requestHash); // the same document twice: two salts
      // What a spec-following validator does: fetch the file, check it against the hash, answer that hash.
      const file = Buffer.from(first.requestURI.replace(/^data:application\/json;base64,/, ""), "base64").toString();
      expect(keccak256(stringToHex(file))).to.equal(first.requestHash);
      expect(JSON.parse(file)).to.deep.include(request);
      await validator.validation.respond({ requestHash: first.requestHash, response: 80 });
      expect((await worker.validation.status(first.requestHash))[2]).to.equal(80);
    },
  );

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
          await squatter.validation.request({
            validator: validator.address!,
            agentId: squatterAgent,
            requestURI: "ipfs://copy",
            requestHash: hash,
          });
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
});
