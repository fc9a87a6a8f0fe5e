import { expect } from "chai";
import { network } from "hardhat";
import { getAddress, stringToHex } from "viem";
import { deployAll, TOKEN } from "../../helpers/fixtures.ts";

const { viem, networkHelpers } = await network.create();
const { loadFixture, time } = networkHelpers;

const NAME = stringToHex("council", { size: 32 });
const params = { epochDuration: 3_600n, heartbeatTimeout: 300n, minStake: TOKEN, failoverSlash: 0n };
const WEEK = 7n * 86_400n;
const NO_QUORUM = 255;
const TIE = 254;

/** Group 1 with alice (100), bob (200) and carol (300) as members; dave (400) is not a member. */
async function withCouncil() {
  const f = await deployAll(viem);
  await f.mined((await f.at.LeaderElection()).write.createGroup([NAME, params]));
  const a = await f.agentWithStake(f.alice, 100n * TOKEN);
  const b = await f.agentWithStake(f.bob, 200n * TOKEN);
  const c = await f.agentWithStake(f.carol, 300n * TOKEN);
  const d = await f.agentWithStake(f.dave, 400n * TOKEN);
  for (const [id, w] of [
    [a, f.alice],
    [b, f.bob],
    [c, f.carol],
  ] as const) {
    await f.mined((await f.at.LeaderElection(w)).write.join([1n, id]));
  }
  await time.increase(1);
  const gov = await f.at.Governance();
  const vote = async (w: typeof f.alice, proposalId: bigint, agentId: bigint, option: number) =>
    (await f.at.Governance(w)).write.vote([proposalId, agentId, option]);
  return { ...f, gov, agents: { a, b, c, d }, vote };
}

/** Proposal 1: 3 options, one week, 50 % quorum. */
async function withProposal() {
  const f = await withCouncil();
  await f.mined(f.gov.write.propose([1n, "ipfs://proposal", 3, WEEK, 5_000]));
  return { ...f, proposalId: 1n };
}

describe("Governance", () => {
  describe("propose", () => {
    it("records the snapshot, the deadline and the quorum in stake, and emits ProposalCreated", async () => {
      const f = await loadFixture(withCouncil);
      const receipt = await f.mined(f.gov.write.propose([1n, "ipfs://proposal", 3, WEEK, 5_000]));
      const now = (await f.publicClient.getBlock({ blockNumber: receipt.blockNumber })).timestamp;
      const p = await f.gov.read.getProposal([1n]);
      expect(p).to.deep.include({
        groupId: 1n,
        proposer: getAddress(f.deployer.account.address),
        snapshot: Number(now - 1n),
        voteEnd: now + WEEK,
        options: 3,
        quorumBps: 5_000,
        finalized: false,
        quorumVotes: 300n * TOKEN,
        totalVotes: 0n,
      });
      await viem.assertions.emitWithArgs(Promise.resolve(receipt.transactionHash), f.gov, "ProposalCreated", [
        1n,
        1n,
        getAddress(f.deployer.account.address),
        "ipfs://proposal",
        3,
        Number(now - 1n),
        now + WEEK,
        5_000,
        300n * TOKEN,
      ]);
      expect(await f.gov.read.proposalCount()).to.equal(1n);
    });

    it("rejects unknown groups, bad option counts, periods and quorums", async () => {
      const { gov } = await loadFixture(withCouncil);
      await viem.assertions.revertWithCustomErrorWithArgs(
        gov.write.propose([0n, "x", 2, WEEK, 0]),
        gov,
        "UnknownGroup",
        [0n],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        gov.write.propose([2n, "x", 2, WEEK, 0]),
        gov,
        "UnknownGroup",
        [2n],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        gov.write.propose([1n, "x", 1, WEEK, 0]),
        gov,
        "InvalidOptionCount",
        [1],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        gov.write.propose([1n, "x", 33, WEEK, 0]),
        gov,
        "InvalidOptionCount",
        [33],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        gov.write.propose([1n, "x", 2, 0n, 0]),
        gov,
        "InvalidVotingPeriod",
        [0n],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        gov.write.propose([1n, "x", 2, 366n * 86_400n, 0]),
        gov,
        "InvalidVotingPeriod",
        [366n * 86_400n],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        gov.write.propose([1n, "x", 2, WEEK, 10_001]),
        gov,
        "InvalidQuorum",
        [10_001],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(gov.read.getProposal([5n]), gov, "ProposalNotFound", [5n]);
    });

    it("accepts exactly MAX_OPTIONS options", async () => {
      const { gov } = await loadFixture(withCouncil);
      const max = await gov.read.MAX_OPTIONS();
      expect(max).to.equal(32);
      await viem.assertions.emit(gov.write.propose([1n, "x", max, WEEK, 0]), gov, "ProposalCreated");
      expect((await gov.read.getProposal([1n])).options).to.equal(max);
    });
  });

  describe("vote", () => {
    it("weighs each member's vote by its stake at the snapshot, once", async () => {
      const f = await loadFixture(withProposal);
      await viem.assertions.emitWithArgs(f.vote(f.bob, f.proposalId, f.agents.b, 1), f.gov, "VoteCast", [
        f.proposalId,
        f.agents.b,
        1,
        200n * TOKEN,
      ]);
      expect(await f.gov.read.votesFor([f.proposalId, 1])).to.equal(200n * TOKEN);
      expect(await f.gov.read.hasVoted([f.proposalId, f.agents.b])).to.equal(true);
      expect((await f.gov.read.getProposal([f.proposalId])).totalVotes).to.equal(200n * TOKEN);
      await viem.assertions.revertWithCustomErrorWithArgs(
        f.vote(f.bob, f.proposalId, f.agents.b, 2),
        f.gov,
        "AlreadyVoted",
        [f.proposalId, f.agents.b],
      );
    });

    it("stake bought after the proposal buys no votes", async () => {
      const f = await loadFixture(withProposal);
      await f.mined((await f.at.StakeToken(f.alice)).write.faucet([f.alice.account.address, 10_000n * TOKEN]));
      await f.mined((await f.at.StakeToken(f.alice)).write.approve([f.c.StakeManager!, 10_000n * TOKEN]));
      await f.mined((await f.at.StakeManager(f.alice)).write.stake([f.agents.a, 10_000n * TOKEN]));
      await viem.assertions.emitWithArgs(f.vote(f.alice, f.proposalId, f.agents.a, 0), f.gov, "VoteCast", [
        f.proposalId,
        f.agents.a,
        0,
        100n * TOKEN,
      ]);
    });

    it(
      "a member that leaves after the snapshot still votes " +
        "with its weight then (it counts in the quorum's population)",
      async () => {
        const f = await loadFixture(withProposal);
        await f.mined((await f.at.LeaderElection(f.carol)).write.leave([1n, f.agents.c]));
        await viem.assertions.emitWithArgs(f.vote(f.carol, f.proposalId, f.agents.c, 2), f.gov, "VoteCast", [
          f.proposalId,
          f.agents.c,
          2,
          300n * TOKEN,
        ]);
      },
    );

    it("a vote weighs what its member weighed in the group: whole weight units, none below the minimum", async () => {
      const f = await loadFixture(withCouncil);
      const unit = await (await f.at.LeaderElection()).read.weightUnit();
      // Alice's stake becomes 0.5 tokens plus dust (below the 1-token minimum); bob's gets dust on top.
      await f.mined((await f.at.StakeManager(f.alice)).write.requestUnstake([f.agents.a, 100n * TOKEN - TOKEN / 2n]));
      await f.mined((await f.at.StakeToken(f.bob)).write.faucet([f.bob.account.address, unit - 1n]));
      await f.mined((await f.at.StakeToken(f.bob)).write.approve([f.c.StakeManager!, unit - 1n]));
      await f.mined((await f.at.StakeManager(f.bob)).write.stake([f.agents.b, unit - 1n]));
      await time.increase(2);
      await f.mined(f.gov.write.propose([1n, "ipfs://p", 2, WEEK, 10_000]));
      expect((await f.gov.read.getProposal([1n])).quorumVotes).to.equal(500n * TOKEN);
      await viem.assertions.revertWithCustomErrorWithArgs(f.vote(f.alice, 1n, f.agents.a, 0), f.gov, "NoVotingWeight", [
        1n,
        f.agents.a,
      ]);
      await viem.assertions.emitWithArgs(f.vote(f.bob, 1n, f.agents.b, 0), f.gov, "VoteCast", [
        1n,
        f.agents.b,
        0,
        200n * TOKEN,
      ]);
    });

    it("an agent with no stake at the snapshot cannot vote", async () => {
      const f = await loadFixture(withCouncil);
      await f.mined((await f.at.StakeManager(f.alice)).write.requestUnstake([f.agents.a, 100n * TOKEN]));
      await time.increase(2);
      await f.mined(f.gov.write.propose([1n, "ipfs://p", 2, WEEK, 0]));
      await viem.assertions.revertWithCustomErrorWithArgs(f.vote(f.alice, 1n, f.agents.a, 0), f.gov, "NoVotingWeight", [
        1n,
        f.agents.a,
      ]);
    });

    it("rejects non-members, strangers, unknown options, closed and unknown proposals", async () => {
      const f = await loadFixture(withProposal);
      const { snapshot } = await f.gov.read.getProposal([f.proposalId]);
      await viem.assertions.revertWithCustomErrorWithArgs(
        f.vote(f.dave, f.proposalId, f.agents.d, 0),
        f.gov,
        "NotMemberAtSnapshot",
        [f.proposalId, f.agents.d, snapshot],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        f.vote(f.eve, f.proposalId, f.agents.a, 0),
        f.gov,
        "NotAuthorizedForAgent",
        [getAddress(f.eve.account.address), f.agents.a],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        f.vote(f.alice, f.proposalId, f.agents.a, 3),
        f.gov,
        "InvalidOption",
        [3, 3],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        f.vote(f.alice, 9n, f.agents.a, 0),
        f.gov,
        "ProposalNotFound",
        [9n],
      );
      const { voteEnd } = await f.gov.read.getProposal([f.proposalId]);
      await time.setNextBlockTimestamp(voteEnd);
      await viem.assertions.revertWithCustomErrorWithArgs(
        f.vote(f.alice, f.proposalId, f.agents.a, 0),
        f.gov,
        "VotingClosed",
        [f.proposalId, voteEnd],
      );
    });
  });

  describe("finalize", () => {
    it("picks the option with the most votes once voting ends, and only once", async () => {
      const f = await loadFixture(withProposal);
      await f.mined(f.vote(f.alice, f.proposalId, f.agents.a, 2));
      await f.mined(f.vote(f.bob, f.proposalId, f.agents.b, 1));
      await f.mined(f.vote(f.carol, f.proposalId, f.agents.c, 2));
      const { voteEnd } = await f.gov.read.getProposal([f.proposalId]);
      await viem.assertions.revertWithCustomErrorWithArgs(f.gov.write.finalize([f.proposalId]), f.gov, "VotingOpen", [
        f.proposalId,
        voteEnd,
      ]);
      await time.increaseTo(voteEnd);
      await viem.assertions.emitWithArgs(f.gov.write.finalize([f.proposalId]), f.gov, "ProposalFinalized", [
        f.proposalId,
        2,
        600n * TOKEN,
        300n * TOKEN,
      ]);
      expect(await f.gov.read.getProposal([f.proposalId])).to.deep.include({ finalized: true, outcome: 2 });
      await viem.assertions.revertWithCustomErrorWithArgs(
        f.gov.write.finalize([f.proposalId]),
        f.gov,
        "AlreadyFinalized",
        [f.proposalId],
      );
    });

    it("can finalize at exactly voteEnd, the first second voting is closed", async () => {
      const f = await loadFixture(withProposal);
      await f.mined(f.vote(f.carol, f.proposalId, f.agents.c, 1));
      const { voteEnd } = await f.gov.read.getProposal([f.proposalId]);
      await time.setNextBlockTimestamp(voteEnd - 1n);
      await viem.assertions.revertWithCustomErrorWithArgs(f.gov.write.finalize([f.proposalId]), f.gov, "VotingOpen", [
        f.proposalId,
        voteEnd,
      ]);
      await time.setNextBlockTimestamp(voteEnd);
      const receipt = await f.mined(f.gov.write.finalize([f.proposalId]));
      expect((await f.publicClient.getBlock({ blockNumber: receipt.blockNumber })).timestamp).to.equal(voteEnd);
      expect(await f.gov.read.getProposal([f.proposalId])).to.deep.include({ finalized: true, outcome: 1 });
    });

    it("votes exactly at the quorum reach it", async () => {
      const f = await loadFixture(withProposal);
      // Alice (100) and bob (200) together cast exactly the 300 the 50 % quorum asks for.
      await f.mined(f.vote(f.alice, f.proposalId, f.agents.a, 1));
      await f.mined(f.vote(f.bob, f.proposalId, f.agents.b, 1));
      await time.increase(WEEK);
      await viem.assertions.emitWithArgs(f.gov.write.finalize([f.proposalId]), f.gov, "ProposalFinalized", [
        f.proposalId,
        1,
        300n * TOKEN,
        300n * TOKEN,
      ]);
      expect((await f.gov.read.getProposal([f.proposalId])).outcome).to.equal(1);
    });

    it("reports no quorum when votes fall short, and when nobody voted", async () => {
      const f = await loadFixture(withProposal);
      await f.mined(f.vote(f.bob, f.proposalId, f.agents.b, 0)); // 200 of the 300 needed
      await f.mined(f.gov.write.propose([1n, "ipfs://empty", 2, WEEK, 0]));
      await time.increase(WEEK);
      await viem.assertions.emitWithArgs(f.gov.write.finalize([f.proposalId]), f.gov, "ProposalFinalized", [
        f.proposalId,
        NO_QUORUM,
        200n * TOKEN,
        300n * TOKEN,
      ]);
      await viem.assertions.emitWithArgs(f.gov.write.finalize([2n]), f.gov, "ProposalFinalized", [
        2n,
        NO_QUORUM,
        0n,
        0n,
      ]);
    });

    it("reports a tie between the leading options", async () => {
      const f = await loadFixture(withProposal);
      await f.mined(f.vote(f.alice, f.proposalId, f.agents.a, 1)); // 100
      await f.mined(f.vote(f.bob, f.proposalId, f.agents.b, 1)); // 200 -> option 1: 300
      await f.mined(f.vote(f.carol, f.proposalId, f.agents.c, 2)); // option 2: 300
      await time.increase(WEEK);
      await f.mined(f.gov.write.finalize([f.proposalId]));
      expect((await f.gov.read.getProposal([f.proposalId])).outcome).to.equal(TIE);
    });
  });
});
