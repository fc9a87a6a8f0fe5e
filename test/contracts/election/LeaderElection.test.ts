import { expect } from "chai";
import { network } from "hardhat";
import { getAddress, stringToHex, zeroAddress } from "viem";
import { deployAll, TOKEN } from "../../helpers/fixtures.ts";

const { viem, networkHelpers, provider } = await network.create();
const { loadFixture, time, mine } = networkHelpers;

const EPOCH = 3_600n;
const HEARTBEAT = 300n;
const MIN = 10n * TOKEN;
const SLASH = 5n * TOKEN;
const UNIT = 1_000_000_000n;
const NAME = stringToHex("swarm", { size: 32 });
const params = { epochDuration: EPOCH, heartbeatTimeout: HEARTBEAT, minStake: MIN, failoverSlash: SLASH };

/** A group with three members: alice's agent (100), bob's (200), carol's (300). */
async function withGroup() {
  const f = await deployAll(viem);
  const election = await f.at.LeaderElection();
  await f.mined(election.write.createGroup([NAME, params]));
  const groupId = 1n;
  const agents = {
    a: await f.agentWithStake(f.alice, 100n * TOKEN),
    b: await f.agentWithStake(f.bob, 200n * TOKEN),
    c: await f.agentWithStake(f.carol, 300n * TOKEN),
  };
  const owners = new Map([
    [agents.a, f.alice],
    [agents.b, f.bob],
    [agents.c, f.carol],
  ]);
  for (const [id, owner] of owners) await f.mined((await f.at.LeaderElection(owner)).write.join([groupId, id]));
  await mine(); // the draw may not share a block with weight changes
  return { ...f, election, groupId, agents, owners };
}

/** The group after its first election; `leader` is the drawn agent and `ownerOf(leader)` its wallet. */
async function withLeader() {
  const f = await withGroup();
  await f.mined(f.election.write.elect([f.groupId]));
  const [leader] = await f.election.read.currentLeader([f.groupId]);
  return { ...f, leader, leaderOwner: f.owners.get(leader)! };
}

/** The group with dave's agent (400) as a fourth member: past three leaves the tree has a level above the root. */
async function withFourMembers() {
  const f = await withGroup();
  const d = await f.agentWithStake(f.dave, 400n * TOKEN);
  await f.mined((await f.at.LeaderElection(f.dave)).write.join([f.groupId, d]));
  await mine();
  return { ...f, agents: { ...f.agents, d } };
}

/** Deploys an ElectionShufflerMock that alice has approved to operate her agent. */
async function shufflerFor(f: Awaited<ReturnType<typeof withGroup>>) {
  const attacker = await viem.deployContract("ElectionShufflerMock", [f.c.StakeManager!, f.c.LeaderElection!, f.c.StakeToken!]);
  await f.mined((await f.at.IdentityRegistry(f.alice)).write.approve([attacker.address, f.agents.a]));
  return attacker;
}

describe("LeaderElection", () => {
  it("refuses to deploy with a zero weight unit", async () => {
    const f = await loadFixture(withGroup);
    await viem.assertions.revertWithCustomErrorWithArgs(
      viem.deployContract("LeaderElection", [f.c.IdentityRegistry!, f.c.StakeManager!, zeroAddress, f.deployer.account.address, 0n]),
      f.election,
      "InvalidGroupParams",
      ["weightUnit is 0"],
    );
  });

  it("draws through a pluggable IRandomnessSource when deployed with one", async () => {
    const f = await deployAll(viem);
    const source = await viem.deployContract("PrevrandaoRandomness");
    const election = await viem.deployContract("LeaderElection", [f.c.IdentityRegistry!, f.c.StakeManager!, source.address, f.deployer.account.address, UNIT]);
    expect(getAddress(await election.read.randomnessSource())).to.equal(getAddress(source.address));
    const stakes = await f.at.StakeManager();
    await f.mined(stakes.write.setStakeListener([election.address]));
    await f.mined(election.write.createGroup([NAME, params]));
    const a = await f.agentWithStake(f.alice, 20n * TOKEN);
    await f.mined((await viem.getContractAt("LeaderElection", election.address, { client: { wallet: f.alice } })).write.join([1n, a]));
    await mine();
    await f.mined(election.write.elect([1n]));
    expect((await election.read.currentLeader([1n]))[0]).to.equal(a);
    expect(await (await f.at.LeaderElection()).read.randomnessSource()).to.equal(zeroAddress);
  });

  describe("createGroup", () => {
    it("numbers groups from 1 and records parameters and start time", async () => {
      const { election, groupId, deployer, publicClient } = await loadFixture(withGroup);
      const [read, startTime] = await election.read.groupParams([groupId]);
      expect(read).to.deep.equal(params);
      expect(await election.read.groupCount()).to.equal(1n);
      const logs = await publicClient.getContractEvents({ address: election.address, abi: election.abi, eventName: "GroupCreated", fromBlock: 0n });
      expect(logs[0]!.args).to.deep.include({ groupId, name: NAME, creator: getAddress(deployer.account.address), startTime });
      expect(logs[0]!.args.params).to.deep.equal(params);
      expect(await election.read.currentEpoch([groupId])).to.equal(1n);
    });

    it("rejects a zero epoch, a zero timeout and a timeout not shorter than the unbonding period", async () => {
      const { election } = await loadFixture(withGroup);
      for (const [p, reason] of [
        [{ ...params, epochDuration: 0n }, "epochDuration must be between 1 and 2^32 - 1 seconds"],
        [{ ...params, epochDuration: 2n ** 32n }, "epochDuration must be between 1 and 2^32 - 1 seconds"],
        [{ ...params, heartbeatTimeout: 0n }, "heartbeatTimeout is 0"],
        [{ ...params, heartbeatTimeout: 86_400n }, "heartbeatTimeout must be shorter than the unbonding period"],
      ] as const) {
        await viem.assertions.revertWithCustomErrorWithArgs(election.write.createGroup([NAME, p]), election, "InvalidGroupParams", [reason]);
      }
    });

    it("unknown groups are reported", async () => {
      const { election } = await loadFixture(withGroup);
      for (const call of [election.read.groupParams([9n]), election.read.currentEpoch([9n]), election.write.elect([9n]), election.write.failover([9n])]) {
        await viem.assertions.revertWithCustomErrorWithArgs(call, election, "GroupNotFound", [9n]);
      }
    });
  });

  describe("join and leave", () => {
    it("a member's weight is its stake in weight units; the total is the sum", async () => {
      const { election, groupId, agents } = await loadFixture(withGroup);
      expect(await election.read.weightOf([groupId, agents.a])).to.equal((100n * TOKEN) / UNIT);
      expect(await election.read.weightOf([groupId, agents.c])).to.equal((300n * TOKEN) / UNIT);
      expect(await election.read.totalWeight([groupId])).to.equal((600n * TOKEN) / UNIT);
      expect(await election.read.isMember([groupId, agents.b])).to.equal(true);
      expect(await election.read.groupsOf([agents.b])).to.deep.equal([groupId]);
    });

    it("emits MemberJoined with the weight", async () => {
      const f = await loadFixture(withGroup);
      const d = await f.agentWithStake(f.dave, 50n * TOKEN);
      await viem.assertions.emitWithArgs((await f.at.LeaderElection(f.dave)).write.join([f.groupId, d]), f.election, "MemberJoined", [
        f.groupId,
        d,
        (50n * TOKEN) / UNIT,
      ]);
    });

    it("an agent with exactly the minimum stake may join, weighing minStake in weight units", async () => {
      const f = await loadFixture(withGroup);
      const d = await f.agentWithStake(f.dave, MIN);
      await viem.assertions.emitWithArgs((await f.at.LeaderElection(f.dave)).write.join([f.groupId, d]), f.election, "MemberJoined", [
        f.groupId,
        d,
        MIN / UNIT,
      ]);
      expect(await f.election.read.weightOf([f.groupId, d])).to.equal(MIN / UNIT);
    });

    it("rejects strangers, unknown agents, members, too little stake and a ninth group", async () => {
      const f = await loadFixture(withGroup);
      const asEve = await f.at.LeaderElection(f.eve);
      await viem.assertions.revertWithCustomErrorWithArgs(asEve.write.join([f.groupId, f.agents.a]), f.election, "NotAuthorizedForAgent", [
        getAddress(f.eve.account.address),
        f.agents.a,
      ]);
      await viem.assertions.revertWithCustomErrorWithArgs(asEve.write.join([f.groupId, 99n]), f.election, "AgentNotFound", [99n]);
      await viem.assertions.revertWithCustomErrorWithArgs(
        (await f.at.LeaderElection(f.alice)).write.join([f.groupId, f.agents.a]),
        f.election,
        "AlreadyMember",
        [f.groupId, f.agents.a],
      );
      const poor = await f.agentWithStake(f.eve, MIN - 1n);
      await viem.assertions.revertWithCustomErrorWithArgs(asEve.write.join([f.groupId, poor]), f.election, "StakeBelowMinimum", [
        f.groupId,
        poor,
        MIN - 1n,
        MIN,
      ]);
      for (let i = 0; i < 7; i++) await f.mined(f.election.write.createGroup([NAME, params]));
      const asAlice = await f.at.LeaderElection(f.alice);
      for (let g = 2n; g <= 8n; g++) await f.mined(asAlice.write.join([g, f.agents.a]));
      await f.mined(f.election.write.createGroup([NAME, params]));
      await viem.assertions.revertWithCustomErrorWithArgs(asAlice.write.join([9n, f.agents.a]), f.election, "TooManyGroups", [f.agents.a, 8n]);
    });

    it("joins wait for the next epoch once the current one is elected", async () => {
      const f = await loadFixture(withLeader);
      const d = await f.agentWithStake(f.dave, 50n * TOKEN);
      const [, startTime] = await f.election.read.groupParams([f.groupId]);
      await viem.assertions.revertWithCustomErrorWithArgs(
        (await f.at.LeaderElection(f.dave)).write.join([f.groupId, d]),
        f.election,
        "JoinClosedUntilNextEpoch",
        [f.groupId, startTime + EPOCH],
      );
      await time.increaseTo(startTime + EPOCH);
      await f.mined((await f.at.LeaderElection(f.dave)).write.join([f.groupId, d]));
      expect(await f.election.read.isMember([f.groupId, d])).to.equal(true);
    });

    it("leave removes the weight, frees the leaf for the next member, and is refused to the leader", async () => {
      const f = await loadFixture(withGroup);
      const asBob = await f.at.LeaderElection(f.bob);
      await viem.assertions.emitWithArgs(asBob.write.leave([f.groupId, f.agents.b]), f.election, "MemberLeft", [f.groupId, f.agents.b]);
      expect(await f.election.read.isMember([f.groupId, f.agents.b])).to.equal(false);
      expect(await f.election.read.weightOf([f.groupId, f.agents.b])).to.equal(0n);
      expect(await f.election.read.totalWeight([f.groupId])).to.equal((400n * TOKEN) / UNIT);
      expect(await f.election.read.groupsOf([f.agents.b])).to.deep.equal([]);
      await viem.assertions.revertWithCustomErrorWithArgs(asBob.write.leave([f.groupId, f.agents.b]), f.election, "NotMember", [
        f.groupId,
        f.agents.b,
      ]);
      // A new member takes the vacated leaf; weights stay consistent.
      const d = await f.agentWithStake(f.dave, 70n * TOKEN);
      await f.mined((await f.at.LeaderElection(f.dave)).write.join([f.groupId, d]));
      expect(await f.election.read.totalWeight([f.groupId])).to.equal((470n * TOKEN) / UNIT);
      await viem.assertions.revertWithCustomErrorWithArgs(
        (await f.at.LeaderElection(f.eve)).write.leave([f.groupId, d]),
        f.election,
        "NotAuthorizedForAgent",
        [getAddress(f.eve.account.address), d],
      );

      await mine();
      await f.mined(f.election.write.elect([f.groupId]));
      const [leader] = await f.election.read.currentLeader([f.groupId]);
      const owner = leader === d ? f.dave : (f.owners.get(leader) ?? f.dave);
      await viem.assertions.revertWithCustomErrorWithArgs(
        (await f.at.LeaderElection(owner)).write.leave([f.groupId, leader]),
        f.election,
        "LeaderCannotLeave",
        [f.groupId, leader],
      );
    });

    it("leaving one group keeps the agent's other groups in step with its stake", async () => {
      const f = await loadFixture(withGroup);
      await f.mined(f.election.write.createGroup([NAME, params]));
      await f.mined(f.election.write.createGroup([NAME, params]));
      const asAlice = await f.at.LeaderElection(f.alice);
      await f.mined(asAlice.write.join([2n, f.agents.a]));
      await f.mined(asAlice.write.join([3n, f.agents.a]));
      await f.mined(asAlice.write.leave([f.groupId, f.agents.a]));
      expect(await f.election.read.groupsOf([f.agents.a])).to.deep.equal([3n, 2n]);
      await f.mined((await f.at.StakeManager(f.alice)).write.requestUnstake([f.agents.a, 40n * TOKEN]));
      expect(await f.election.read.weightOf([2n, f.agents.a])).to.equal((60n * TOKEN) / UNIT);
      expect(await f.election.read.weightOf([3n, f.agents.a])).to.equal((60n * TOKEN) / UNIT);
      await f.mined(asAlice.write.leave([2n, f.agents.a]));
      expect(await f.election.read.groupsOf([f.agents.a])).to.deep.equal([3n]);
    });
  });

  describe("group list bookkeeping", () => {
    it("leaving the first of three groups and then the one moved into its place keeps the rest in step", async () => {
      const f = await loadFixture(withGroup);
      await f.mined(f.election.write.createGroup([NAME, params]));
      await f.mined(f.election.write.createGroup([NAME, params]));
      const asAlice = await f.at.LeaderElection(f.alice);
      await f.mined(asAlice.write.join([2n, f.agents.a]));
      await f.mined(asAlice.write.join([3n, f.agents.a]));
      expect(await f.election.read.groupsOf([f.agents.a])).to.deep.equal([1n, 2n, 3n]);
      // Group 3, last in the list, moves into group 1's place.
      await f.mined(asAlice.write.leave([1n, f.agents.a]));
      expect(await f.election.read.groupsOf([f.agents.a])).to.deep.equal([3n, 2n]);
      // Leaving group 3 must find it at its new position.
      await viem.assertions.emitWithArgs(asAlice.write.leave([3n, f.agents.a]), f.election, "MemberLeft", [3n, f.agents.a]);
      expect(await f.election.read.groupsOf([f.agents.a])).to.deep.equal([2n]);
      expect(await f.election.read.isMember([3n, f.agents.a])).to.equal(false);
      await f.mined((await f.at.StakeManager(f.alice)).write.requestUnstake([f.agents.a, 40n * TOKEN]));
      expect(await f.election.read.weightOf([2n, f.agents.a])).to.equal((60n * TOKEN) / UNIT);
      expect(await f.election.read.totalWeight([2n])).to.equal((60n * TOKEN) / UNIT);
      expect(await f.election.read.totalWeight([3n])).to.equal(0n);
      await f.mined(asAlice.write.leave([2n, f.agents.a]));
      expect(await f.election.read.groupsOf([f.agents.a])).to.deep.equal([]);
    });
  });

  describe("weights follow stake", () => {
    it("staking, unstaking and slashing update every group at once; below the minimum the weight is 0", async () => {
      const f = await loadFixture(withGroup);
      await f.mined(f.election.write.createGroup([NAME, { ...params, minStake: 150n * TOKEN }]));
      const asBob = await f.at.LeaderElection(f.bob);
      await f.mined(asBob.write.join([2n, f.agents.b]));
      await f.mined((await f.at.StakeToken(f.bob)).write.faucet([f.bob.account.address, 50n * TOKEN]));
      await f.mined((await f.at.StakeToken(f.bob)).write.approve([f.c.StakeManager!, 50n * TOKEN]));
      await f.mined((await f.at.StakeManager(f.bob)).write.stake([f.agents.b, 50n * TOKEN]));
      expect(await f.election.read.weightOf([1n, f.agents.b])).to.equal((250n * TOKEN) / UNIT);
      expect(await f.election.read.weightOf([2n, f.agents.b])).to.equal((250n * TOKEN) / UNIT);
      await f.mined((await f.at.StakeManager(f.bob)).write.requestUnstake([f.agents.b, 120n * TOKEN]));
      expect(await f.election.read.weightOf([1n, f.agents.b])).to.equal((130n * TOKEN) / UNIT);
      expect(await f.election.read.weightOf([2n, f.agents.b])).to.equal(0n); // 130 < 150
      expect(await f.election.read.totalWeight([2n])).to.equal(0n);
    });

    it("only the StakeManager may report stake changes", async () => {
      const f = await loadFixture(withGroup);
      await viem.assertions.revertWithCustomErrorWithArgs(f.election.write.onStakeChanged([f.agents.a, 0n]), f.election, "OnlyStakeManager", [
        getAddress(f.deployer.account.address),
      ]);
    });
  });

  describe("elect", () => {
    it("draws a member, starts term 1 of epoch 1, and emits LeaderElected", async () => {
      const f = await loadFixture(withGroup);
      const tx = f.election.write.elect([f.groupId]);
      const receipt = await f.mined(tx);
      const [leader, term, epoch, lastHeartbeat] = await f.election.read.currentLeader([f.groupId]);
      expect([f.agents.a, f.agents.b, f.agents.c]).to.include(leader);
      expect([term, epoch]).to.deep.equal([1n, 1n]);
      const block = await f.publicClient.getBlock({ blockNumber: receipt.blockNumber });
      expect(lastHeartbeat).to.equal(block.timestamp);
      expect(await f.election.read.isLeader([f.groupId, leader])).to.equal(true);
      expect(await f.election.read.isLeader([f.groupId, 0n])).to.equal(false);
      const logs = await f.publicClient.getContractEvents({ address: f.election.address, abi: f.election.abi, eventName: "LeaderElected", blockHash: receipt.blockHash });
      expect(logs.map((l) => l.args)).to.deep.equal([{ groupId: f.groupId, epoch: 1n, term: 1n, agentId: leader }]);
    });

    it("runs once per epoch: a second draw in the same epoch is refused, the next epoch draws again", async () => {
      const f = await loadFixture(withLeader);
      await viem.assertions.revertWithCustomErrorWithArgs(f.election.write.elect([f.groupId]), f.election, "AlreadyElected", [f.groupId, 1n]);
      await time.increase(EPOCH);
      await f.mined(f.election.write.elect([f.groupId]));
      const [, term, epoch] = await f.election.read.currentLeader([f.groupId]);
      expect([term, epoch]).to.deep.equal([2n, 2n]);
    });

    it("refuses to draw in a block in which weights changed (stake shuffling before the draw)", async () => {
      const f = await loadFixture(withGroup);
      const stakes = await f.at.StakeManager(f.alice);
      await f.mined((await f.at.StakeToken(f.alice)).write.faucet([f.alice.account.address, 1_000n * TOKEN]));
      await f.mined((await f.at.StakeToken(f.alice)).write.approve([f.c.StakeManager!, 1_000n * TOKEN]));
      await provider.request({ method: "evm_setAutomine", params: [false] });
      try {
        // The attacker raises its stake and calls the draw in the same block.
        const shuffle = await stakes.write.stake([f.agents.a, 1_000n * TOKEN], { gas: 500_000n });
        const draw = await f.election.write.elect([f.groupId], { gas: 500_000n });
        await mine();
        expect((await f.publicClient.getTransactionReceipt({ hash: shuffle })).status).to.equal("success");
        expect((await f.publicClient.getTransactionReceipt({ hash: draw })).status).to.equal("reverted");
      } finally {
        await provider.request({ method: "evm_setAutomine", params: [true] });
      }
      // One block later the same draw goes through.
      await f.mined(f.election.write.elect([f.groupId]));
      expect((await f.election.read.currentLeader([f.groupId]))[1]).to.equal(1n);
    });

    it("names the cause when weights changed this block", async () => {
      const f = await loadFixture(withGroup);
      const attacker = await viem.deployContract("ElectionShufflerMock", [f.c.StakeManager!, f.c.LeaderElection!, f.c.StakeToken!]);
      // The attacker operates a member agent (alice approved it) and shuffles its stake right before drawing.
      await f.mined((await f.at.IdentityRegistry(f.alice)).write.approve([attacker.address, f.agents.a]));
      await viem.assertions.revertWithCustomErrorWithArgs(attacker.write.stakeThenElect([f.agents.a, 1n, TOKEN]), f.election, "WeightsChangedThisBlock", [
        f.groupId,
      ]);
    });

    it("with more than three members (a level above the root), a stake change still blocks a draw in its block", async () => {
      const f = await loadFixture(withFourMembers);
      const attacker = await shufflerFor(f);
      await viem.assertions.revertWithCustomErrorWithArgs(attacker.write.stakeThenElect([f.agents.a, f.groupId, TOKEN]), f.election, "WeightsChangedThisBlock", [
        f.groupId,
      ]);
    });

    it("a stake change that leaves every weight as it was (dust below the weight unit) does not block the draw", async () => {
      for (const fixture of [withGroup, withFourMembers]) {
        const f = await loadFixture(fixture);
        const attacker = await shufflerFor(f);
        const weight = await f.election.read.weightOf([f.groupId, f.agents.a]);
        await f.mined(attacker.write.stakeThenElect([f.agents.a, f.groupId, UNIT - 1n]));
        expect(await f.election.read.weightOf([f.groupId, f.agents.a])).to.equal(weight);
        expect((await f.election.read.currentLeader([f.groupId])).slice(1, 3)).to.deep.equal([1n, 1n]);
      }
    });

    it("a new term starts with no remembered heartbeat key: the new leader is alive until its first timeout", async () => {
      const f = await deployAll(viem);
      const election = await f.at.LeaderElection();
      await f.mined(election.write.createGroup([NAME, params]));
      const a = await f.agentWithStake(f.alice, 100n * TOKEN);
      await f.mined((await f.at.LeaderElection(f.alice)).write.join([1n, a]));
      await mine();
      await f.mined(election.write.elect([1n]));
      expect((await election.read.currentLeader([1n]))[0]).to.equal(a);
      // Alice's key is remembered for the term.
      await f.mined((await f.at.LeaderElection(f.alice)).write.heartbeat([1n, a]));
      await time.increase(EPOCH);
      // Epoch 2: bob's agent joins; alice's drops below the minimum, so bob's is the only one drawable.
      const b = await f.agentWithStake(f.bob, 100n * TOKEN);
      await f.mined((await f.at.LeaderElection(f.bob)).write.join([1n, b]));
      await f.mined((await f.at.StakeManager(f.alice)).write.requestUnstake([a, 95n * TOKEN]));
      await mine();
      const receipt = await f.mined(election.write.elect([1n]));
      const [leader, term, epoch, lastHeartbeat] = await election.read.currentLeader([1n]);
      expect([leader, term, epoch]).to.deep.equal([b, 2n, 2n]);
      expect(lastHeartbeat).to.equal((await f.publicClient.getBlock({ blockNumber: receipt.blockNumber })).timestamp);
      // Alice's key is not authorised for bob's agent; it must not count against the new leader.
      await viem.assertions.revertWithCustomErrorWithArgs(election.write.failover([1n]), election, "LeaderAlive", [1n, b, lastHeartbeat + HEARTBEAT]);
    });

    it("refuses a group whose members all weigh nothing", async () => {
      const f = await loadFixture(withGroup);
      await f.mined(f.election.write.createGroup([NAME, params]));
      await viem.assertions.revertWithCustomErrorWithArgs(f.election.write.elect([2n]), f.election, "NoEligibleMembers", [2n]);
    });

    it("draws in proportion to stake across epochs (coarse check; the fairness test is in WeightTree.t.sol)", async () => {
      const f = await loadFixture(withGroup);
      const wins = new Map<bigint, number>();
      for (let i = 0; i < 60; i++) {
        await f.mined(f.election.write.elect([f.groupId]));
        const [leader] = await f.election.read.currentLeader([f.groupId]);
        wins.set(leader, (wins.get(leader) ?? 0) + 1);
        await time.increase(EPOCH);
      }
      // Carol holds half the stake: she must win more often than alice (a sixth).
      expect(wins.get(f.agents.c) ?? 0).to.be.greaterThan(wins.get(f.agents.a) ?? 0);
    });
  });

  describe("heartbeat", () => {
    it("the leader's heartbeat refreshes lastHeartbeat; anyone else is refused", async () => {
      const f = await loadFixture(withLeader);
      await time.increase(100);
      const asOwner = await f.at.LeaderElection(f.leaderOwner);
      const receipt = await f.mined(asOwner.write.heartbeat([f.groupId, f.leader]));
      await viem.assertions.emitWithArgs(Promise.resolve(receipt.transactionHash), f.election, "Heartbeat", [f.groupId, f.leader]);
      const block = await f.publicClient.getBlock({ blockNumber: receipt.blockNumber });
      expect((await f.election.read.currentLeader([f.groupId]))[3]).to.equal(block.timestamp);
      // Same sender again: no authorisation call needed, still accepted.
      await f.mined(asOwner.write.heartbeat([f.groupId, f.leader]));

      const other = [f.agents.a, f.agents.b, f.agents.c].find((a) => a !== f.leader)!;
      await viem.assertions.revertWithCustomErrorWithArgs(
        (await f.at.LeaderElection(f.owners.get(other)!)).write.heartbeat([f.groupId, other]),
        f.election,
        "NotLeader",
        [f.groupId, other, f.leader],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        (await f.at.LeaderElection(f.eve)).write.heartbeat([f.groupId, f.leader]),
        f.election,
        "NotAuthorizedForAgent",
        [getAddress(f.eve.account.address), f.leader],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        (await f.at.LeaderElection(f.eve)).write.heartbeat([f.groupId, 0n]),
        f.election,
        "NotLeader",
        [f.groupId, 0n, f.leader],
      );
    });
  });

  describe("failover", () => {
    it("is refused while the leader is alive, and when there is no leader", async () => {
      const f = await loadFixture(withLeader);
      const [, , , lastHeartbeat] = await f.election.read.currentLeader([f.groupId]);
      await time.setNextBlockTimestamp(lastHeartbeat + HEARTBEAT);
      await viem.assertions.revertWithCustomErrorWithArgs(f.election.write.failover([f.groupId]), f.election, "LeaderAlive", [
        f.groupId,
        f.leader,
        lastHeartbeat + HEARTBEAT,
      ]);
      await f.mined(f.election.write.createGroup([NAME, params]));
      await viem.assertions.revertWithCustomErrorWithArgs(f.election.write.failover([2n]), f.election, "NoLeader", [2n]);
    });

    it("replaces a silent leader: excluded for the epoch, slashed to the treasury, new term", async () => {
      const f = await loadFixture(withLeader);
      const stakes = await f.at.StakeManager();
      const token = await f.at.StakeToken();
      const stakeBefore = await stakes.read.stakeOf([f.leader]);
      const treasuryBefore = await token.read.balanceOf([f.deployer.account.address]);
      await time.increase(HEARTBEAT + 1n);
      const receipt = await f.mined((await f.at.LeaderElection(f.eve)).write.failover([f.groupId]));
      const [leader, term, epoch] = await f.election.read.currentLeader([f.groupId]);
      expect(leader).to.not.equal(f.leader);
      expect(leader).to.not.equal(0n);
      expect([term, epoch]).to.deep.equal([2n, 1n]);
      const failedOver = await f.publicClient.getContractEvents({ address: f.election.address, abi: f.election.abi, eventName: "LeaderFailedOver", blockHash: receipt.blockHash });
      expect(failedOver.map((l) => l.args)).to.deep.equal([
        { groupId: f.groupId, epoch: 1n, term: 1n, agentId: f.leader, caller: getAddress(f.eve.account.address) },
      ]);
      const elected = await f.publicClient.getContractEvents({ address: f.election.address, abi: f.election.abi, eventName: "LeaderElected", blockHash: receipt.blockHash });
      expect(elected.map((l) => l.args)).to.deep.equal([{ groupId: f.groupId, epoch: 1n, term: 2n, agentId: leader }]);
      expect(await stakes.read.stakeOf([f.leader])).to.equal(stakeBefore - SLASH);
      expect(await token.read.balanceOf([f.deployer.account.address])).to.equal(treasuryBefore + SLASH);
      expect(await f.election.read.weightOf([f.groupId, f.leader])).to.equal((stakeBefore - SLASH) / UNIT);
    });

    it("excludes every leader failed over in the epoch; with none left the group has no leader until the next epoch", async () => {
      const f = await loadFixture(withLeader);
      const seen = new Set<bigint>([f.leader]);
      for (let round = 0; round < 2; round++) {
        await time.increase(HEARTBEAT + 1n);
        await f.mined(f.election.write.failover([f.groupId]));
        const [leader] = await f.election.read.currentLeader([f.groupId]);
        expect(seen.has(leader), `round ${round}: redrew a failed leader`).to.equal(false);
        seen.add(leader);
      }
      await time.increase(HEARTBEAT + 1n);
      await f.mined(f.election.write.failover([f.groupId]));
      const [leader, term] = await f.election.read.currentLeader([f.groupId]);
      expect([leader, term]).to.deep.equal([0n, 4n]);
      await viem.assertions.revertWithCustomErrorWithArgs(f.election.write.failover([f.groupId]), f.election, "NoLeader", [f.groupId]);
      // The next epoch forgets the exclusions.
      await time.increase(EPOCH);
      await f.mined(f.election.write.elect([f.groupId]));
      expect((await f.election.read.currentLeader([f.groupId]))[0]).to.not.equal(0n);
    });

    it("a leader cannot dodge the slash by unstaking: unbonding stake is slashed", async () => {
      const f = await loadFixture(withLeader);
      const stakes = await f.at.StakeManager(f.leaderOwner);
      const all = await stakes.read.stakeOf([f.leader]);
      await f.mined(stakes.write.requestUnstake([f.leader, all]));
      await viem.assertions.revertWithCustomErrorWithArgs(
        (await f.at.LeaderElection(f.leaderOwner)).write.leave([f.groupId, f.leader]),
        f.election,
        "LeaderCannotLeave",
        [f.groupId, f.leader],
      );
      await time.increase(HEARTBEAT + 1n);
      // It cannot withdraw before the failover: unbonding outlasts the heartbeat timeout.
      await viem.assertions.revertWithCustomError(stakes.write.withdraw([f.leader]), stakes, "StillUnbonding");
      await f.mined(f.election.write.failover([f.groupId]));
      expect((await stakes.read.unbondingOf([f.leader]))[0]).to.equal(all - SLASH);
    });

    it("a heartbeat from a sender that lost authorisation does not keep the leader alive", async () => {
      const f = await loadFixture(withLeader);
      const asOwner = await f.at.LeaderElection(f.leaderOwner);
      await f.mined(asOwner.write.heartbeat([f.groupId, f.leader]));
      // The agent changes hands; its old owner keeps sending heartbeats from the remembered key.
      await f.mined((await f.at.IdentityRegistry(f.leaderOwner)).write.transferFrom([f.leaderOwner.account.address, f.eve.account.address, f.leader]));
      await f.mined(asOwner.write.heartbeat([f.groupId, f.leader]));
      await f.mined(f.election.write.failover([f.groupId]));
      expect((await f.election.read.currentLeader([f.groupId]))[0]).to.not.equal(f.leader);
    });

    it("the leader drawn by a failover starts with no remembered heartbeat key and a fresh timeout", async () => {
      const f = await loadFixture(withLeader);
      // The leader's owner heartbeats (its key is remembered), then goes silent.
      await f.mined((await f.at.LeaderElection(f.leaderOwner)).write.heartbeat([f.groupId, f.leader]));
      await time.increase(HEARTBEAT + 1n);
      const receipt = await f.mined(f.election.write.failover([f.groupId]));
      const [leader, term, , lastHeartbeat] = await f.election.read.currentLeader([f.groupId]);
      expect(leader).to.not.equal(f.leader);
      expect(f.owners.get(leader)).to.not.equal(f.leaderOwner); // every member has its own owner
      expect(term).to.equal(2n);
      expect(lastHeartbeat).to.equal((await f.publicClient.getBlock({ blockNumber: receipt.blockNumber })).timestamp);
      // The new leader is within its grace period: the old leader's key must not make it look dead.
      await viem.assertions.revertWithCustomErrorWithArgs(f.election.write.failover([f.groupId]), f.election, "LeaderAlive", [
        f.groupId,
        leader,
        lastHeartbeat + HEARTBEAT,
      ]);
    });

    it("refuses to redraw in a block in which weights changed", async () => {
      const f = await loadFixture(withLeader);
      await time.increase(HEARTBEAT + 1n);
      const other = [f.agents.a, f.agents.b, f.agents.c].find((a) => a !== f.leader)!;
      const owner = f.owners.get(other)!;
      await f.mined((await f.at.StakeToken(owner)).write.faucet([owner.account.address, TOKEN]));
      await f.mined((await f.at.StakeToken(owner)).write.approve([f.c.StakeManager!, TOKEN]));
      await provider.request({ method: "evm_setAutomine", params: [false] });
      let redraw: `0x${string}`;
      try {
        await (await f.at.StakeManager(owner)).write.stake([other, TOKEN], { gas: 500_000n });
        redraw = await f.election.write.failover([f.groupId], { gas: 1_000_000n });
        await mine();
      } finally {
        await provider.request({ method: "evm_setAutomine", params: [true] });
      }
      expect((await f.publicClient.getTransactionReceipt({ hash: redraw })).status).to.equal("reverted");
      await f.mined(f.election.write.failover([f.groupId]));
    });

    it("a failover with no slash configured only redraws", async () => {
      const f = await deployAll(viem);
      const election = await f.at.LeaderElection();
      await f.mined(election.write.createGroup([NAME, { ...params, failoverSlash: 0n }]));
      const a = await f.agentWithStake(f.alice, 20n * TOKEN);
      const b = await f.agentWithStake(f.bob, 20n * TOKEN);
      await f.mined((await f.at.LeaderElection(f.alice)).write.join([1n, a]));
      await f.mined((await f.at.LeaderElection(f.bob)).write.join([1n, b]));
      await mine();
      await f.mined(election.write.elect([1n]));
      const [leader] = await election.read.currentLeader([1n]);
      await time.increase(HEARTBEAT + 1n);
      await f.mined(election.write.failover([1n]));
      expect(await (await f.at.StakeManager()).read.stakeOf([leader])).to.equal(20n * TOKEN);
    });
  });

  describe("views", () => {
    it("weightOf is 0 for non-members and groupsOf empty for unknown agents", async () => {
      const f = await loadFixture(withGroup);
      expect(await f.election.read.weightOf([f.groupId, 99n])).to.equal(0n);
      expect(await f.election.read.groupsOf([99n])).to.deep.equal([]);
      expect(await f.election.read.weightUnit()).to.equal(UNIT);
      expect(await f.election.read.totalWeight([99n])).to.equal(0n);
    });
  });
});
