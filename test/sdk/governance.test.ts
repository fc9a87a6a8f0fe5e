import { expect } from "chai";
import { parseEther } from "viem";
import { advance, agentFor } from "./helpers/stack.ts";

describe("sdk: governance", () => {
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
    const { proposalId } = await a.governance.propose({
      groupId,
      descriptionURI: "ipfs://raise-fees",
      options: 2,
      votingPeriod: 600,
      quorumBps: 5_000,
    });
    await a.governance.vote(proposalId, 1);
    await b.governance.vote(proposalId, 0);
    await advance(601);
    const { outcome } = await b.governance.finalize(proposalId);
    expect(outcome).to.equal(1);
    expect(await a.governance.votesFor(proposalId, 1)).to.equal(parseEther("30"));
  });
});
