import { expect } from "chai";
import { SelfFeedbackError } from "../../sdk/src/index.ts";
import { agentFor } from "./helpers/stack.ts";

describe("sdk: reputation", () => {
  it("gives feedback and reads the summary; one's own feedback is refused", async () => {
    const [worker, client] = await Promise.all([agentFor(14), agentFor(15)]);
    await worker.identity.register({ uri: "ipfs://rated" });
    await client.identity.register({ uri: "ipfs://rater" });
    await client.reputation.giveFeedback({ agentId: worker.agentId!, value: 90, tag1: "quality" });
    await client.reputation.giveFeedback({ agentId: worker.agentId!, value: 70, tag1: "quality" });
    const summary = await worker.reputation.summary(worker.agentId!, [client.address!], { tag1: "quality" });
    expect(summary.count).to.equal(2n);
    expect(summary.value).to.equal(80n);
    expect(
      await worker.reputation.giveFeedback({ agentId: worker.agentId!, value: 100 }).then(
        () => undefined,
        (e: unknown) => e,
      ),
    ).to.be.instanceOf(SelfFeedbackError);
    await client.reputation.revokeFeedback(worker.agentId!, 1n);
    expect((await worker.reputation.summary(worker.agentId!, [client.address!])).count).to.equal(1n);
  });
});
