/**
 * Governance under attack: votes and the quorum are counted over one population, the group's
 * members at the proposal's snapshot with their weights then (issue 14, finding F6).
 */
import { expect } from "chai";
import { network } from "hardhat";
import { stringToHex } from "viem";
import { deployAll, TOKEN } from "../../helpers/fixtures.ts";

const { viem, networkHelpers, provider } = await network.create();
const { loadFixture, time, mine } = networkHelpers;

const NAME = stringToHex("council", { size: 32 });
const params = { epochDuration: 3_600n, heartbeatTimeout: 300n, minStake: TOKEN, failoverSlash: 0n };
const WEEK = 7n * 86_400n;

/** Group 1 with alice (100), bob (200) and carol (300) as members; dave (400) has stake but is not a member. */
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

/** Sends `first` and then a proposal (50 % quorum) in one block; returns the proposal's snapshot second. */
async function proposeRightAfter(f: Awaited<ReturnType<typeof withCouncil>>, first: () => Promise<`0x${string}`>) {
  await provider.request({ method: "evm_setAutomine", params: [false] });
  let proposal: `0x${string}`;
  try {
    await first();
    proposal = await f.gov.write.propose([1n, "ipfs://proposal", 2, WEEK, 5_000], { gas: 1_000_000n });
    await mine();
  } finally {
    await provider.request({ method: "evm_setAutomine", params: [true] });
  }
  expect((await f.publicClient.getTransactionReceipt({ hash: proposal })).status).to.equal("success");
  return (await f.gov.read.getProposal([1n])).snapshot;
}

describe("Governance under attack", () => {
  it("an agent that joins after a proposal cannot vote on it: a late whale cannot outvote the members", async () => {
    const f = await loadFixture(withCouncil);
    await f.mined(f.gov.write.propose([1n, "ipfs://proposal", 2, WEEK, 5_000]));
    const { snapshot } = await f.gov.read.getProposal([1n]);
    await f.mined((await f.at.LeaderElection(f.dave)).write.join([1n, f.agents.d]));
    await viem.assertions.revertWithCustomErrorWithArgs(
      f.vote(f.dave, 1n, f.agents.d, 1),
      f.gov,
      "NotMemberAtSnapshot",
      [1n, f.agents.d, snapshot],
    );
  });

  it("a stake cut in the proposal's own block cannot make the votes exceed the quorum's population", async () => {
    const f = await loadFixture(withCouncil);
    // Carol unstakes 290 just before the proposal, in the same block: at the snapshot she still had 300.
    await proposeRightAfter(f, async () =>
      (await f.at.StakeManager(f.carol)).write.requestUnstake([f.agents.c, 290n * TOKEN], { gas: 500_000n }),
    );
    for (const [w, id] of [
      [f.alice, f.agents.a],
      [f.bob, f.agents.b],
      [f.carol, f.agents.c],
    ] as const)
      await f.mined(f.vote(w, 1n, id, 1));
    const p = await f.gov.read.getProposal([1n]);
    // Everyone voted: the votes are the whole snapshot population, exactly twice the 50 % quorum.
    expect(p.totalVotes).to.equal(600n * TOKEN);
    expect(p.quorumVotes).to.equal(300n * TOKEN);
  });

  it("a member leaving in the proposal's block counts on both sides; one joining in it, on neither", async () => {
    const f = await loadFixture(withCouncil);
    await provider.request({ method: "evm_setAutomine", params: [false] });
    let proposal: `0x${string}`;
    try {
      await (await f.at.LeaderElection(f.bob)).write.leave([1n, f.agents.b], { gas: 500_000n });
      await (await f.at.LeaderElection(f.dave)).write.join([1n, f.agents.d], { gas: 500_000n });
      proposal = await f.gov.write.propose([1n, "ipfs://proposal", 2, WEEK, 10_000], { gas: 1_000_000n });
      await mine();
    } finally {
      await provider.request({ method: "evm_setAutomine", params: [true] });
    }
    expect((await f.publicClient.getTransactionReceipt({ hash: proposal })).status).to.equal("success");
    const { snapshot, quorumVotes } = await f.gov.read.getProposal([1n]);
    expect(quorumVotes).to.equal(600n * TOKEN); // alice, bob and carol: the members at the snapshot
    await f.mined(f.vote(f.bob, 1n, f.agents.b, 0));
    await viem.assertions.revertWithCustomErrorWithArgs(
      f.vote(f.dave, 1n, f.agents.d, 0),
      f.gov,
      "NotMemberAtSnapshot",
      [1n, f.agents.d, snapshot],
    );
  });
});
