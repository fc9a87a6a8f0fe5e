import { expect } from "chai";
import { network } from "hardhat";
import {
  type Address,
  encodeAbiParameters,
  getAddress,
  keccak256,
  parseEventLogs,
  stringToHex,
  zeroAddress,
} from "viem";
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

type Election = Awaited<ReturnType<Awaited<ReturnType<typeof deployAll>>["at"]["LeaderElection"]>>;

/**
 * The leader the published rule draws: point = keccak256(blockhash(revealedAt), value, election,
 * group, epoch, term) mod the eligible total, and the leaf whose cumulative weight (in leaf order)
 * contains it. `leaves` lists the agents by leaf; `excluded` weigh nothing.
 */
async function ruleDraws(
  election: Election,
  p: {
    groupId: bigint;
    revealedAt: bigint;
    value?: bigint;
    epoch: bigint;
    term: bigint;
    leaves: bigint[];
    excluded?: bigint[];
  },
) {
  const publicClient = await viem.getPublicClient();
  const { hash } = await publicClient.getBlock({ blockNumber: p.revealedAt });
  const random = BigInt(
    keccak256(
      encodeAbiParameters(
        [
          { type: "bytes32" },
          { type: "uint256" },
          { type: "address" },
          { type: "uint256" },
          { type: "uint256" },
          { type: "uint256" },
        ],
        [hash!, p.value ?? 0n, election.address, p.groupId, p.epoch, p.term],
      ),
    ),
  );
  const weights = await Promise.all(
    p.leaves.map(async (a) =>
      (p.excluded ?? []).includes(a) ? 0n : BigInt(await election.read.weightOf([p.groupId, a])),
    ),
  );
  const total = weights.reduce((x, y) => x + y, 0n);
  if (total === 0n) return 0n;
  let point = random % total;
  for (const [i, w] of weights.entries()) {
    if (point < w) return p.leaves[i]!;
    point -= w;
  }
  throw new Error("unreachable");
}

/** A group with three members: alice's agent (100), bob's (200), carol's (300), in leaves 0, 1, 2. */
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
  /** The draw's request (the first `elect`), then its settlement (the second); returns the leader. */
  const electNow = async (e: Election = election, g = groupId) => {
    await f.mined(e.write.elect([g]));
    await f.mined(e.write.elect([g]));
    return (await e.read.currentLeader([g]))[0];
  };
  /** A failover (which requests the redraw) and the redraw's settlement; returns the new leader. */
  const failoverNow = async () => {
    await f.mined(election.write.failover([groupId]));
    await f.mined(election.write.elect([groupId]));
    return (await election.read.currentLeader([groupId]))[0];
  };
  return { ...f, election, groupId, agents, owners, electNow, failoverNow };
}

/** The group after its first election; `leader` is the drawn agent and `ownerOf(leader)` its wallet. */
async function withLeader() {
  const f = await withGroup();
  const leader = await f.electNow();
  return { ...f, leader, leaderOwner: f.owners.get(leader)! };
}

/** The group with its first draw requested and not yet settled. */
async function withPendingDraw() {
  const f = await withGroup();
  const receipt = await f.mined(f.election.write.elect([f.groupId]));
  return { ...f, drawBlock: receipt.blockNumber };
}

/** The group with dave's agent (400) as a fourth member: past three leaves the tree has a level above the root. */
async function withFourMembers() {
  const f = await withGroup();
  const d = await f.agentWithStake(f.dave, 400n * TOKEN);
  await f.mined((await f.at.LeaderElection(f.dave)).write.join([f.groupId, d]));
  return { ...f, agents: { ...f.agents, d }, owners: new Map([...f.owners, [d, f.dave]]) };
}

/** A LeaderElection of its own, plugged into a ManualRandomnessMock (a VRF stand-in), as the stake listener. */
async function withManualSource() {
  const f = await deployAll(viem);
  const source = await viem.deployContract("ManualRandomnessMock");
  const election = await viem.deployContract("LeaderElection", [
    f.c.IdentityRegistry!,
    f.c.StakeManager!,
    source.address,
    f.deployer.account.address,
    UNIT,
  ]);
  await f.mined((await f.at.StakeManager()).write.setStakeListener([election.address]));
  await f.mined(election.write.createGroup([NAME, params]));
  const a = await f.agentWithStake(f.alice, 100n * TOKEN);
  const b = await f.agentWithStake(f.bob, 300n * TOKEN);
  for (const [id, w] of [
    [a, f.alice],
    [b, f.bob],
  ] as const) {
    await f.mined(
      (await viem.getContractAt("LeaderElection", election.address, { client: { wallet: w } })).write.join([1n, id]),
    );
  }
  return { ...f, source, election: election as unknown as Election, agents: { a, b } };
}

const events = async (
  receipt: { logs: { address: Address }[] } & object,
  election: Election,
  eventName: "LeaderElected" | "DrawRequested" | "LeaderFailedOver",
) => parseEventLogs({ abi: election.abi, logs: (receipt as { logs: never[] }).logs, eventName }).map((l) => l.args);

describe("LeaderElection", () => {
  it("refuses to deploy with a zero weight unit", async () => {
    const f = await loadFixture(withGroup);
    await viem.assertions.revertWithCustomErrorWithArgs(
      viem.deployContract("LeaderElection", [
        f.c.IdentityRegistry!,
        f.c.StakeManager!,
        zeroAddress,
        f.deployer.account.address,
        0n,
      ]),
      f.election,
      "ZeroWeightUnit",
      [],
    );
  });

  describe("createGroup", () => {
    it("numbers groups from 1 and records parameters and start time", async () => {
      const { election, groupId, deployer, publicClient } = await loadFixture(withGroup);
      const [read, startTime] = await election.read.groupParams([groupId]);
      expect(read).to.deep.equal(params);
      expect(await election.read.groupCount()).to.equal(1n);
      const logs = await publicClient.getContractEvents({
        address: election.address,
        abi: election.abi,
        eventName: "GroupCreated",
        fromBlock: 0n,
      });
      expect(logs[0]!.args).to.deep.include({
        groupId,
        name: NAME,
        creator: getAddress(deployer.account.address),
        startTime,
      });
      expect(logs[0]!.args.params).to.deep.equal(params);
      expect(await election.read.currentEpoch([groupId])).to.equal(1n);
      expect(await election.read.pendingDraw([groupId])).to.deep.equal([0n, 0n, 0n, 0n]);
    });

    it("rejects a zero epoch, a zero timeout and a timeout not shorter than the unbonding period", async () => {
      const { election } = await loadFixture(withGroup);
      const unbonding = 86_400n;
      for (const [p, error, args] of [
        [{ ...params, epochDuration: 0n }, "EpochDurationOutOfRange", [0n, 2n ** 32n - 1n]],
        [{ ...params, epochDuration: 2n ** 32n }, "EpochDurationOutOfRange", [2n ** 32n, 2n ** 32n - 1n]],
        [{ ...params, heartbeatTimeout: 0n }, "HeartbeatTimeoutOutOfRange", [0n, unbonding]],
        [{ ...params, heartbeatTimeout: unbonding }, "HeartbeatTimeoutOutOfRange", [unbonding, unbonding]],
      ] as const) {
        await viem.assertions.revertWithCustomErrorWithArgs(election.write.createGroup([NAME, p]), election, error, [
          ...args,
        ]);
      }
    });

    it("unknown groups are reported", async () => {
      const { election, agents, alice, at } = await loadFixture(withGroup);
      for (const call of [
        election.read.groupParams([9n]),
        election.read.currentEpoch([9n]),
        election.write.elect([9n]),
        election.write.failover([9n]),
      ]) {
        await viem.assertions.revertWithCustomErrorWithArgs(call, election, "GroupNotFound", [9n]);
      }
      await viem.assertions.revertWithCustomErrorWithArgs(
        (await at.LeaderElection(alice)).write.join([9n, agents.a]),
        election,
        "GroupNotFound",
        [9n],
      );
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
      await viem.assertions.emitWithArgs(
        (await f.at.LeaderElection(f.dave)).write.join([f.groupId, d]),
        f.election,
        "MemberJoined",
        [f.groupId, d, (50n * TOKEN) / UNIT],
      );
    });

    it("an agent with exactly the minimum stake may join, weighing minStake in weight units", async () => {
      const f = await loadFixture(withGroup);
      const d = await f.agentWithStake(f.dave, MIN);
      await viem.assertions.emitWithArgs(
        (await f.at.LeaderElection(f.dave)).write.join([f.groupId, d]),
        f.election,
        "MemberJoined",
        [f.groupId, d, MIN / UNIT],
      );
      expect(await f.election.read.weightOf([f.groupId, d])).to.equal(MIN / UNIT);
    });

    it("rejects strangers, unknown agents, members, too little stake and a ninth group", async () => {
      const f = await loadFixture(withGroup);
      const asEve = await f.at.LeaderElection(f.eve);
      await viem.assertions.revertWithCustomErrorWithArgs(
        asEve.write.join([f.groupId, f.agents.a]),
        f.election,
        "NotAuthorizedForAgent",
        [getAddress(f.eve.account.address), f.agents.a],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        asEve.write.join([f.groupId, 99n]),
        f.election,
        "AgentNotFound",
        [99n],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        (await f.at.LeaderElection(f.alice)).write.join([f.groupId, f.agents.a]),
        f.election,
        "AlreadyMember",
        [f.groupId, f.agents.a],
      );
      const poor = await f.agentWithStake(f.eve, MIN - 1n);
      await viem.assertions.revertWithCustomErrorWithArgs(
        asEve.write.join([f.groupId, poor]),
        f.election,
        "StakeBelowMinimum",
        [f.groupId, poor, MIN - 1n, MIN],
      );
      for (let i = 0; i < 7; i++) await f.mined(f.election.write.createGroup([NAME, params]));
      const asAlice = await f.at.LeaderElection(f.alice);
      for (let g = 2n; g <= 8n; g++) await f.mined(asAlice.write.join([g, f.agents.a]));
      await f.mined(f.election.write.createGroup([NAME, params]));
      await viem.assertions.revertWithCustomErrorWithArgs(
        asAlice.write.join([9n, f.agents.a]),
        f.election,
        "TooManyGroups",
        [f.agents.a, 8n],
      );
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

    it("a join in the same block as the draw's request, before it, is part of the draw", async () => {
      const f = await loadFixture(withGroup);
      const d = await f.agentWithStake(f.dave, 10_000n * TOKEN);
      await provider.request({ method: "evm_setAutomine", params: [false] });
      let request: `0x${string}`;
      try {
        await (await f.at.LeaderElection(f.dave)).write.join([f.groupId, d], { gas: 500_000n });
        request = await f.election.write.elect([f.groupId], { gas: 500_000n });
        await mine();
      } finally {
        await provider.request({ method: "evm_setAutomine", params: [true] });
      }
      const { blockNumber } = await f.publicClient.getTransactionReceipt({ hash: request });
      const expected = await ruleDraws(f.election, {
        groupId: f.groupId,
        revealedAt: blockNumber,
        epoch: 1n,
        term: 1n,
        leaves: [f.agents.a, f.agents.b, f.agents.c, d],
      });
      await f.mined(f.election.write.elect([f.groupId]));
      expect((await f.election.read.currentLeader([f.groupId]))[0]).to.equal(expected);
    });

    it("leave removes the weight, frees the leaf for the next member, and is refused to the leader", async () => {
      const f = await loadFixture(withGroup);
      const asBob = await f.at.LeaderElection(f.bob);
      await viem.assertions.emitWithArgs(asBob.write.leave([f.groupId, f.agents.b]), f.election, "MemberLeft", [
        f.groupId,
        f.agents.b,
      ]);
      expect(await f.election.read.isMember([f.groupId, f.agents.b])).to.equal(false);
      expect(await f.election.read.weightOf([f.groupId, f.agents.b])).to.equal(0n);
      expect(await f.election.read.totalWeight([f.groupId])).to.equal((400n * TOKEN) / UNIT);
      expect(await f.election.read.groupsOf([f.agents.b])).to.deep.equal([]);
      await viem.assertions.revertWithCustomErrorWithArgs(
        asBob.write.leave([f.groupId, f.agents.b]),
        f.election,
        "NotMember",
        [f.groupId, f.agents.b],
      );
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

      const leader = await f.electNow();
      const owner = leader === d ? f.dave : (f.owners.get(leader) ?? f.dave);
      await viem.assertions.revertWithCustomErrorWithArgs(
        (await f.at.LeaderElection(owner)).write.leave([f.groupId, leader]),
        f.election,
        "LeaderCannotLeave",
        [f.groupId, leader],
      );
    });

    it("a member cannot leave to dodge a draw it has already won: leaving settles the draw first", async () => {
      const f = await loadFixture(withPendingDraw);
      const winner = await ruleDraws(f.election, {
        groupId: f.groupId,
        revealedAt: f.drawBlock,
        epoch: 1n,
        term: 1n,
        leaves: [f.agents.a, f.agents.b, f.agents.c],
      });
      await viem.assertions.revertWithCustomErrorWithArgs(
        (await f.at.LeaderElection(f.owners.get(winner)!)).write.leave([f.groupId, winner]),
        f.election,
        "LeaderCannotLeave",
        [f.groupId, winner],
      );
      // Anyone else's leave settles the draw on its way.
      const other = [f.agents.a, f.agents.b, f.agents.c].find((a) => a !== winner)!;
      const receipt = await f.mined((await f.at.LeaderElection(f.owners.get(other)!)).write.leave([f.groupId, other]));
      expect(await events(receipt, f.election, "LeaderElected")).to.deep.equal([
        { groupId: f.groupId, epoch: 1n, term: 1n, agentId: winner },
      ]);
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
    it("leaving a middle group moves the last one into its place; stake changes still reach every group", async () => {
      const f = await loadFixture(withGroup);
      await f.mined(f.election.write.createGroup([NAME, params]));
      await f.mined(f.election.write.createGroup([NAME, params]));
      const asAlice = await f.at.LeaderElection(f.alice);
      await f.mined(asAlice.write.join([2n, f.agents.a]));
      await f.mined(asAlice.write.join([3n, f.agents.a]));
      await f.mined(asAlice.write.leave([2n, f.agents.a]));
      expect(await f.election.read.groupsOf([f.agents.a])).to.deep.equal([1n, 3n]);
      await f.mined((await f.at.StakeManager(f.alice)).write.requestUnstake([f.agents.a, 30n * TOKEN]));
      for (const g of [1n, 3n]) expect(await f.election.read.weightOf([g, f.agents.a])).to.equal((70n * TOKEN) / UNIT);
      expect(await f.election.read.totalWeight([2n])).to.equal(0n);
      await f.mined(asAlice.write.leave([3n, f.agents.a]));
      expect(await f.election.read.groupsOf([f.agents.a])).to.deep.equal([1n]);
      await f.mined(asAlice.write.join([2n, f.agents.a]));
      expect(await f.election.read.groupsOf([f.agents.a])).to.deep.equal([1n, 2n]);
    });

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
      await viem.assertions.emitWithArgs(asAlice.write.leave([3n, f.agents.a]), f.election, "MemberLeft", [
        3n,
        f.agents.a,
      ]);
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
      await viem.assertions.revertWithCustomErrorWithArgs(
        f.election.write.onStakeChanged([f.agents.a, 0n, false]),
        f.election,
        "OnlyStakeManager",
        [getAddress(f.deployer.account.address)],
      );
    });
  });

  describe("a leader's stake obligations", () => {
    it("the leader may unstake down to its failover slash, not below; other members unstake freely", async () => {
      const f = await loadFixture(withLeader);
      const stakes = await f.at.StakeManager(f.leaderOwner);
      const all = await stakes.read.stakeOf([f.leader]);
      await f.mined(stakes.write.requestUnstake([f.leader, all - SLASH]));
      await viem.assertions.revertWithCustomErrorWithArgs(
        stakes.write.requestUnstake([f.leader, 1n]),
        f.election,
        "LeaderStakeLocked",
        [f.leader, SLASH - 1n, SLASH],
      );
      const other = [f.agents.a, f.agents.b, f.agents.c].find((a) => a !== f.leader)!;
      const otherStakes = await f.at.StakeManager(f.owners.get(other)!);
      await f.mined(otherStakes.write.requestUnstake([other, await otherStakes.read.stakeOf([other])]));
      expect(await otherStakes.read.stakeOf([other])).to.equal(0n);
    });

    it("a leader of two groups owes both slashes", async () => {
      const f = await loadFixture(withGroup);
      await f.mined(f.election.write.createGroup([NAME, { ...params, failoverSlash: 7n * TOKEN }]));
      await f.mined((await f.at.LeaderElection(f.alice)).write.join([2n, f.agents.a]));
      // Alice's agent is group 2's only member, so its leader; make it group 1's only weight too.
      for (const id of [f.agents.b, f.agents.c])
        await f.mined((await f.at.LeaderElection(f.owners.get(id)!)).write.leave([1n, id]));
      expect(await f.electNow(f.election, 1n)).to.equal(f.agents.a);
      expect(await f.electNow(f.election, 2n)).to.equal(f.agents.a);
      const stakes = await f.at.StakeManager(f.alice);
      await viem.assertions.revertWithCustomErrorWithArgs(
        stakes.write.requestUnstake([f.agents.a, 90n * TOKEN]),
        f.election,
        "LeaderStakeLocked",
        [f.agents.a, 10n * TOKEN, 12n * TOKEN],
      );
      await f.mined(stakes.write.requestUnstake([f.agents.a, 88n * TOKEN]));
    });

    it("a leader below what it owes may still add stake, and slashes always go through", async () => {
      const f = await loadFixture(withLeader);
      const admin = await f.at.StakeManager();
      await f.mined(admin.write.grantRole([await admin.read.SLASHER_ROLE(), f.deployer.account.address]));
      const stake = await admin.read.stakeOf([f.leader]);
      // Another slasher (TaskBoard, say) takes all but 1 token: below the 5 owed, and never refused.
      await f.mined(
        admin.write.slash([f.leader, stake - TOKEN, f.deployer.account.address, stringToHex("task", { size: 32 })]),
      );
      expect(await admin.read.stakeOf([f.leader])).to.equal(TOKEN);
      const owner = f.leaderOwner;
      await f.mined((await f.at.StakeToken(owner)).write.faucet([owner.account.address, TOKEN]));
      await f.mined((await f.at.StakeToken(owner)).write.approve([f.c.StakeManager!, TOKEN]));
      await f.mined((await f.at.StakeManager(owner)).write.stake([f.leader, TOKEN]));
      expect(await admin.read.stakeOf([f.leader])).to.equal(2n * TOKEN);
      await viem.assertions.revertWithCustomErrorWithArgs(
        (await f.at.StakeManager(owner)).write.requestUnstake([f.leader, 1n]),
        f.election,
        "LeaderStakeLocked",
        [f.leader, 2n * TOKEN - 1n, SLASH],
      );
    });

    it("a member cannot unstake out of a draw it won: unstaking settles the draw first, then is refused", async () => {
      const f = await loadFixture(withPendingDraw);
      const winner = await ruleDraws(f.election, {
        groupId: f.groupId,
        revealedAt: f.drawBlock,
        epoch: 1n,
        term: 1n,
        leaves: [f.agents.a, f.agents.b, f.agents.c],
      });
      const stakes = await f.at.StakeManager(f.owners.get(winner)!);
      const all = await stakes.read.stakeOf([winner]);
      await viem.assertions.revertWithCustomErrorWithArgs(
        stakes.write.requestUnstake([winner, all]),
        f.election,
        "LeaderStakeLocked",
        [winner, 0n, SLASH],
      );
    });

    it("once failed over (and slashed), the former leader owes nothing and may unstake everything", async () => {
      const f = await loadFixture(withLeader);
      await time.increase(HEARTBEAT + 1n);
      await f.failoverNow();
      const stakes = await f.at.StakeManager(f.leaderOwner);
      await f.mined(stakes.write.requestUnstake([f.leader, await stakes.read.stakeOf([f.leader])]));
      expect(await stakes.read.stakeOf([f.leader])).to.equal(0n);
    });
  });

  describe("elect", () => {
    it("requests the epoch's draw, bound to its own block; the next call settles it: term 1 of epoch 1", async () => {
      const f = await loadFixture(withGroup);
      const request = await f.mined(f.election.write.elect([f.groupId]));
      expect(await events(request, f.election, "DrawRequested")).to.deep.equal([
        { groupId: f.groupId, epoch: 1n, term: 1n, drawBlock: request.blockNumber },
      ]);
      expect(await events(request, f.election, "LeaderElected")).to.deep.equal([]);
      expect(await f.election.read.currentLeader([f.groupId])).to.deep.equal([0n, 0n, 0n, 0n]);
      expect(await f.election.read.pendingDraw([f.groupId])).to.deep.equal([
        request.blockNumber,
        1n,
        1n,
        request.blockNumber,
      ]);

      const expected = await ruleDraws(f.election, {
        groupId: f.groupId,
        revealedAt: request.blockNumber,
        epoch: 1n,
        term: 1n,
        leaves: [f.agents.a, f.agents.b, f.agents.c],
      });
      const settle = await f.mined((await f.at.LeaderElection(f.eve)).write.elect([f.groupId]));
      expect(await events(settle, f.election, "LeaderElected")).to.deep.equal([
        { groupId: f.groupId, epoch: 1n, term: 1n, agentId: expected },
      ]);
      const [leader, term, epoch, lastHeartbeat] = await f.election.read.currentLeader([f.groupId]);
      expect([leader, term, epoch]).to.deep.equal([expected, 1n, 1n]);
      expect(lastHeartbeat).to.equal((await f.publicClient.getBlock({ blockNumber: settle.blockNumber })).timestamp);
      expect(await f.election.read.isLeader([f.groupId, leader])).to.equal(true);
      expect(await f.election.read.isLeader([f.groupId, 0n])).to.equal(false);
      expect(await f.election.read.pendingDraw([f.groupId])).to.deep.equal([0n, 0n, 0n, 0n]);
    });

    it(
      "in the request's own block the draw cannot be settled: " +
        "a second elect there does nothing and does not revert",
      async () => {
        const f = await loadFixture(withGroup);
        await provider.request({ method: "evm_setAutomine", params: [false] });
        let second: `0x${string}`;
        try {
          await f.election.write.elect([f.groupId], { gas: 500_000n });
          second = await f.election.write.elect([f.groupId], { gas: 500_000n });
          await mine();
        } finally {
          await provider.request({ method: "evm_setAutomine", params: [true] });
        }
        const receipt = await f.publicClient.getTransactionReceipt({ hash: second });
        expect(receipt.status).to.equal("success");
        expect(receipt.logs).to.deep.equal([]);
        expect((await f.election.read.pendingDraw([f.groupId]))[0]).to.equal(receipt.blockNumber);
      },
    );

    it("runs once per epoch: a second request in the same epoch is refused, the next epoch draws again", async () => {
      const f = await loadFixture(withLeader);
      await viem.assertions.revertWithCustomErrorWithArgs(
        f.election.write.elect([f.groupId]),
        f.election,
        "AlreadyElected",
        [f.groupId, 1n],
      );
      await time.increase(EPOCH);
      await f.electNow();
      const [, term, epoch] = await f.election.read.currentLeader([f.groupId]);
      expect([term, epoch]).to.deep.equal([2n, 2n]);
    });

    it(
      "a stake change and a draw request in one transaction: " +
        "the change is part of the draw, and nothing is refused",
      async () => {
        for (const fixture of [withGroup, withFourMembers]) {
          const f = await loadFixture(fixture);
          const attacker = await viem.deployContract("ElectionShufflerMock", [
            f.c.StakeManager!,
            f.c.LeaderElection!,
            f.c.StakeToken!,
          ]);
          await f.mined((await f.at.IdentityRegistry(f.alice)).write.approve([attacker.address, f.agents.a]));
          const receipt = await f.mined(attacker.write.stakeThenElect([f.agents.a, f.groupId, 1_000n * TOKEN]));
          const leaves = Object.values(f.agents);
          const expected = await ruleDraws(f.election, {
            groupId: f.groupId,
            revealedAt: receipt.blockNumber,
            epoch: 1n,
            term: 1n,
            leaves,
          });
          expect(await f.election.read.weightOf([f.groupId, f.agents.a])).to.equal((1_100n * TOKEN) / UNIT);
          await f.mined(f.election.write.elect([f.groupId]));
          expect((await f.election.read.currentLeader([f.groupId]))[0]).to.equal(expected);
        }
      },
    );

    it("a stake change once the randomness exists settles the draw over the old weights, then applies", async () => {
      const f = await loadFixture(withPendingDraw);
      const before = await ruleDraws(f.election, {
        groupId: f.groupId,
        revealedAt: f.drawBlock,
        epoch: 1n,
        term: 1n,
        leaves: [f.agents.a, f.agents.b, f.agents.c],
      });
      await f.mined((await f.at.StakeToken(f.alice)).write.faucet([f.alice.account.address, 100_000n * TOKEN]));
      await f.mined((await f.at.StakeToken(f.alice)).write.approve([f.c.StakeManager!, 100_000n * TOKEN]));
      const receipt = await f.mined((await f.at.StakeManager(f.alice)).write.stake([f.agents.a, 100_000n * TOKEN]));
      expect(await events(receipt, f.election, "LeaderElected")).to.deep.equal([
        { groupId: f.groupId, epoch: 1n, term: 1n, agentId: before },
      ]);
      expect(await f.election.read.weightOf([f.groupId, f.agents.a])).to.equal((100_100n * TOKEN) / UNIT);
    });

    it(
      "the leader's heartbeat settles the next epoch's draw; " +
        "a heartbeat of a replaced leader records nothing and does not revert",
      async () => {
        const f = await loadFixture(withLeader);
        await time.increase(EPOCH);
        const request = await f.mined(f.election.write.elect([f.groupId]));
        const next = await ruleDraws(f.election, {
          groupId: f.groupId,
          revealedAt: request.blockNumber,
          epoch: 2n,
          term: 2n,
          leaves: [f.agents.a, f.agents.b, f.agents.c],
        });
        // Until settled, the epoch-1 leader still holds the seat.
        expect((await f.election.read.currentLeader([f.groupId]))[0]).to.equal(f.leader);
        const receipt = await f.mined(
          (await f.at.LeaderElection(f.leaderOwner)).write.heartbeat([f.groupId, f.leader]),
        );
        expect(await events(receipt, f.election, "LeaderElected")).to.deep.equal([
          { groupId: f.groupId, epoch: 2n, term: 2n, agentId: next },
        ]);
        const beats = parseEventLogs({ abi: f.election.abi, logs: receipt.logs, eventName: "Heartbeat" }).map(
          (l) => l.args,
        );
        expect(beats).to.deep.equal(next === f.leader ? [{ groupId: f.groupId, agentId: f.leader }] : []);
        expect((await f.election.read.currentLeader([f.groupId]))[0]).to.equal(next);
      },
    );

    it("a join settles a pending draw of an earlier epoch before it joins the next one", async () => {
      const f = await loadFixture(withPendingDraw);
      await time.increase(EPOCH);
      const d = await f.agentWithStake(f.dave, 50n * TOKEN);
      const receipt = await f.mined((await f.at.LeaderElection(f.dave)).write.join([f.groupId, d]));
      expect((await events(receipt, f.election, "LeaderElected"))[0]).to.deep.include({ epoch: 1n, term: 1n });
      expect(await f.election.read.isMember([f.groupId, d])).to.equal(true);
    });

    it("a request left unsettled for DRAW_WINDOW blocks is re-bound to a fresh block by the next call", async () => {
      const f = await loadFixture(withPendingDraw);
      expect(await f.election.read.DRAW_WINDOW()).to.equal(256n);
      // The last block that can settle it is drawBlock + 256; mined past it, the next call re-binds.
      await mine(257);
      const rebind = await f.mined(f.election.write.elect([f.groupId]));
      expect(await events(rebind, f.election, "DrawRequested")).to.deep.equal([
        { groupId: f.groupId, epoch: 1n, term: 1n, drawBlock: rebind.blockNumber },
      ]);
      const expected = await ruleDraws(f.election, {
        groupId: f.groupId,
        revealedAt: rebind.blockNumber,
        epoch: 1n,
        term: 1n,
        leaves: [f.agents.a, f.agents.b, f.agents.c],
      });
      await f.mined(f.election.write.elect([f.groupId]));
      expect((await f.election.read.currentLeader([f.groupId])).slice(0, 2)).to.deep.equal([expected, 1n]);
    });

    it("the draw can still be settled in block drawBlock + DRAW_WINDOW", async () => {
      const f = await loadFixture(withPendingDraw);
      const expected = await ruleDraws(f.election, {
        groupId: f.groupId,
        revealedAt: f.drawBlock,
        epoch: 1n,
        term: 1n,
        leaves: [f.agents.a, f.agents.b, f.agents.c],
      });
      await mine(255);
      const receipt = await f.mined(f.election.write.elect([f.groupId]));
      expect(receipt.blockNumber).to.equal(f.drawBlock + 256n);
      expect(await events(receipt, f.election, "LeaderElected")).to.deep.equal([
        { groupId: f.groupId, epoch: 1n, term: 1n, agentId: expected },
      ]);
    });

    it("an expired request is re-bound by a stake change too, which then counts in the new draw", async () => {
      const f = await loadFixture(withPendingDraw);
      await mine(300);
      const receipt = await f.mined(
        (await f.at.StakeManager(f.carol)).write.requestUnstake([f.agents.c, 300n * TOKEN]),
      );
      expect(await events(receipt, f.election, "DrawRequested")).to.deep.equal([
        { groupId: f.groupId, epoch: 1n, term: 1n, drawBlock: receipt.blockNumber },
      ]);
      // Carol's stake left in the seed block of the new draw: she weighs nothing in it.
      await f.mined(f.election.write.elect([f.groupId]));
      const [leader, term] = await f.election.read.currentLeader([f.groupId]);
      expect(term).to.equal(1n);
      expect(leader).to.not.equal(f.agents.c);
    });

    it("a new term remembers no heartbeat key: the new leader is alive until its first timeout", async () => {
      const f = await deployAll(viem);
      const election = await f.at.LeaderElection();
      await f.mined(election.write.createGroup([NAME, params]));
      const a = await f.agentWithStake(f.alice, 100n * TOKEN);
      await f.mined((await f.at.LeaderElection(f.alice)).write.join([1n, a]));
      await f.mined(election.write.elect([1n]));
      await f.mined(election.write.elect([1n]));
      expect((await election.read.currentLeader([1n]))[0]).to.equal(a);
      // Alice's key is remembered for the term.
      await f.mined((await f.at.LeaderElection(f.alice)).write.heartbeat([1n, a]));
      await time.increase(EPOCH);
      // Epoch 2: bob's agent joins; alice's leaves, so bob's is the only one drawable.
      const b = await f.agentWithStake(f.bob, 100n * TOKEN);
      await f.mined((await f.at.LeaderElection(f.bob)).write.join([1n, b]));
      await f.mined((await f.at.StakeManager(f.alice)).write.requestUnstake([a, 95n * TOKEN]));
      await f.mined(election.write.elect([1n]));
      const receipt = await f.mined(election.write.elect([1n]));
      const [leader, term, epoch, lastHeartbeat] = await election.read.currentLeader([1n]);
      expect([leader, term, epoch]).to.deep.equal([b, 2n, 2n]);
      expect(lastHeartbeat).to.equal((await f.publicClient.getBlock({ blockNumber: receipt.blockNumber })).timestamp);
      // Alice's key is not authorised for bob's agent; it must not count against the new leader.
      await viem.assertions.revertWithCustomErrorWithArgs(election.write.failover([1n]), election, "LeaderAlive", [
        1n,
        b,
        lastHeartbeat + HEARTBEAT,
      ]);
    });

    it("refuses a group whose members all weigh nothing; a draw finding nobody when settled seats nobody", async () => {
      const f = await loadFixture(withGroup);
      await f.mined(f.election.write.createGroup([NAME, params]));
      await viem.assertions.revertWithCustomErrorWithArgs(
        f.election.write.elect([2n]),
        f.election,
        "NoEligibleMembers",
        [2n],
      );
      // Group 2's only member unstakes below the minimum in the request's own block.
      await f.mined((await f.at.LeaderElection(f.alice)).write.join([2n, f.agents.a]));
      await provider.request({ method: "evm_setAutomine", params: [false] });
      try {
        await f.election.write.elect([2n], { gas: 500_000n });
        await (await f.at.StakeManager(f.alice)).write.requestUnstake([f.agents.a, 95n * TOKEN], { gas: 500_000n });
        await mine();
      } finally {
        await provider.request({ method: "evm_setAutomine", params: [true] });
      }
      const receipt = await f.mined(f.election.write.elect([2n]));
      expect(await events(receipt, f.election, "LeaderElected")).to.deep.equal([
        { groupId: 2n, epoch: 1n, term: 1n, agentId: 0n },
      ]);
    });

    it("draws in proportion to stake across epochs (coarse check; WeightTree.t.sol tests the fairness)", async () => {
      const f = await loadFixture(withGroup);
      const wins = new Map<bigint, number>();
      for (let i = 0; i < 60; i++) {
        const leader = await f.electNow();
        wins.set(leader, (wins.get(leader) ?? 0) + 1);
        await time.increase(EPOCH);
      }
      // Carol holds half the stake: she must win more often than alice (a sixth).
      expect(wins.get(f.agents.c) ?? 0).to.be.greaterThan(wins.get(f.agents.a) ?? 0);
    });
  });

  describe("randomness sources", () => {
    it("draws via a pluggable IRandomnessSource: PrevrandaoRandomness mixed with its request block hash", async () => {
      const f = await deployAll(viem);
      const source = await viem.deployContract("PrevrandaoRandomness");
      const election = await viem.deployContract("LeaderElection", [
        f.c.IdentityRegistry!,
        f.c.StakeManager!,
        source.address,
        f.deployer.account.address,
        UNIT,
      ]);
      expect(getAddress(await election.read.randomnessSource())).to.equal(getAddress(source.address));
      await f.mined((await f.at.StakeManager()).write.setStakeListener([election.address]));
      await f.mined(election.write.createGroup([NAME, params]));
      const a = await f.agentWithStake(f.alice, 20n * TOKEN);
      const b = await f.agentWithStake(f.bob, 20n * TOKEN);
      for (const [id, w] of [
        [a, f.alice],
        [b, f.bob],
      ] as const) {
        await f.mined(
          (await viem.getContractAt("LeaderElection", election.address, { client: { wallet: w } })).write.join([
            1n,
            id,
          ]),
        );
      }
      const request = await f.mined(election.write.elect([1n]));
      const { mixHash } = await f.publicClient.getBlock({ blockNumber: request.blockNumber });
      const expected = await ruleDraws(election as unknown as Election, {
        groupId: 1n,
        revealedAt: request.blockNumber,
        value: BigInt(mixHash),
        epoch: 1n,
        term: 1n,
        leaves: [a, b],
      });
      await f.mined(election.write.elect([1n]));
      expect((await election.read.currentLeader([1n]))[0]).to.equal(expected);
      expect(await (await f.at.LeaderElection()).read.randomnessSource()).to.equal(zeroAddress);
    });

    it("a VRF-like source: the draw waits for the value, then mixes it with its revealing block's hash", async () => {
      const f = await loadFixture(withManualSource);
      const request = await f.mined(f.election.write.elect([1n]));
      expect(await f.source.read.requests()).to.equal(1n);
      // Not revealed: nothing settles it, stake changes go through.
      await mine();
      expect((await f.election.read.pendingDraw([1n]))[3]).to.equal(0n);
      expect(await events(await f.mined(f.election.write.elect([1n])), f.election, "LeaderElected")).to.deep.equal([]);
      await f.mined((await f.at.StakeManager(f.bob)).write.requestUnstake([f.agents.b, 200n * TOKEN]));
      // Revealed in block F: settleable from F + 1, over the weights at the end of F.
      const fulfil = await f.mined(f.source.write.fulfil([f.election.address, 1n, 1n, 1n, 42n]));
      expect(fulfil.blockNumber > request.blockNumber).to.equal(true);
      const expected = await ruleDraws(f.election, {
        groupId: 1n,
        revealedAt: fulfil.blockNumber,
        value: 42n,
        epoch: 1n,
        term: 1n,
        leaves: [f.agents.a, f.agents.b],
      });
      expect((await f.election.read.pendingDraw([1n]))[3]).to.equal(fulfil.blockNumber);
      await f.mined(f.election.write.elect([1n]));
      expect((await f.election.read.currentLeader([1n]))[0]).to.equal(expected);
    });

    it("a source value revealed before the request counts as revealed in the request's block", async () => {
      const f = await loadFixture(withManualSource);
      const request = await f.mined(f.election.write.elect([1n]));
      await f.mined(f.source.write.fulfilAt([f.election.address, 1n, 1n, 1n, 7n, 1n]));
      const expected = await ruleDraws(f.election, {
        groupId: 1n,
        revealedAt: request.blockNumber,
        value: 7n,
        epoch: 1n,
        term: 1n,
        leaves: [f.agents.a, f.agents.b],
      });
      await f.mined(f.election.write.elect([1n]));
      expect((await f.election.read.currentLeader([1n]))[0]).to.equal(expected);
    });

    it("a silent source is asked again after DRAW_WINDOW blocks; a value left unsettled past it is too", async () => {
      const f = await loadFixture(withManualSource);
      await f.mined(f.election.write.elect([1n]));
      await mine(257);
      const rebind = await f.mined(f.election.write.elect([1n]));
      expect((await events(rebind, f.election, "DrawRequested"))[0]).to.deep.include({ drawBlock: rebind.blockNumber });
      expect(await f.source.read.requests()).to.equal(2n);
      await f.mined(f.source.write.fulfil([f.election.address, 1n, 1n, 1n, 9n]));
      await mine(257);
      await f.mined(f.election.write.elect([1n]));
      expect(await f.source.read.requests()).to.equal(3n);
      expect((await f.election.read.currentLeader([1n]))[1]).to.equal(0n);
    });
  });

  describe("heartbeat", () => {
    it("the leader's heartbeat refreshes lastHeartbeat; anyone else is refused", async () => {
      const f = await loadFixture(withLeader);
      await time.increase(100);
      const asOwner = await f.at.LeaderElection(f.leaderOwner);
      const receipt = await f.mined(asOwner.write.heartbeat([f.groupId, f.leader]));
      await viem.assertions.emitWithArgs(Promise.resolve(receipt.transactionHash), f.election, "Heartbeat", [
        f.groupId,
        f.leader,
      ]);
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

    it("in the request's own block a heartbeat is recorded as usual and the draw stays pending", async () => {
      const f = await loadFixture(withLeader);
      await time.increase(EPOCH);
      await provider.request({ method: "evm_setAutomine", params: [false] });
      let beat: `0x${string}`;
      try {
        await f.election.write.elect([f.groupId], { gas: 500_000n });
        beat = await (await f.at.LeaderElection(f.leaderOwner)).write.heartbeat([f.groupId, f.leader], {
          gas: 500_000n,
        });
        await mine();
      } finally {
        await provider.request({ method: "evm_setAutomine", params: [true] });
      }
      const receipt = await f.publicClient.getTransactionReceipt({ hash: beat });
      expect(parseEventLogs({ abi: f.election.abi, logs: receipt.logs, eventName: "Heartbeat" })).to.have.length(1);
      expect((await f.election.read.pendingDraw([f.groupId]))[0]).to.equal(receipt.blockNumber);
      // The next heartbeat settles the draw.
      const next = await f.mined((await f.at.LeaderElection(f.leaderOwner)).write.heartbeat([f.groupId, f.leader]));
      expect(await events(next, f.election, "LeaderElected")).to.have.length(1);
    });
  });

  describe("failover", () => {
    it("is refused while the leader is alive, and when there is no leader", async () => {
      const f = await loadFixture(withLeader);
      const [, , , lastHeartbeat] = await f.election.read.currentLeader([f.groupId]);
      await time.setNextBlockTimestamp(lastHeartbeat + HEARTBEAT);
      await viem.assertions.revertWithCustomErrorWithArgs(
        f.election.write.failover([f.groupId]),
        f.election,
        "LeaderAlive",
        [f.groupId, f.leader, lastHeartbeat + HEARTBEAT],
      );
      await f.mined(f.election.write.createGroup([NAME, params]));
      await viem.assertions.revertWithCustomErrorWithArgs(f.election.write.failover([2n]), f.election, "NoLeader", [
        2n,
      ]);
    });

    it("vacates a silent leader's seat, slashes it to the treasury, requests a redraw that excludes it", async () => {
      const f = await loadFixture(withLeader);
      const stakes = await f.at.StakeManager();
      const token = await f.at.StakeToken();
      const stakeBefore = await stakes.read.stakeOf([f.leader]);
      const treasuryBefore = await token.read.balanceOf([f.deployer.account.address]);
      await time.increase(HEARTBEAT + 1n);
      const receipt = await f.mined((await f.at.LeaderElection(f.eve)).write.failover([f.groupId]));
      expect(await events(receipt, f.election, "LeaderFailedOver")).to.deep.equal([
        { groupId: f.groupId, epoch: 1n, term: 1n, agentId: f.leader, caller: getAddress(f.eve.account.address) },
      ]);
      expect(await events(receipt, f.election, "DrawRequested")).to.deep.equal([
        { groupId: f.groupId, epoch: 1n, term: 2n, drawBlock: receipt.blockNumber },
      ]);
      expect(await f.election.read.currentLeader([f.groupId])).to.deep.equal([0n, 1n, 1n, 0n]);
      expect(await stakes.read.stakeOf([f.leader])).to.equal(stakeBefore - SLASH);
      expect(await token.read.balanceOf([f.deployer.account.address])).to.equal(treasuryBefore + SLASH);
      expect(await f.election.read.weightOf([f.groupId, f.leader])).to.equal((stakeBefore - SLASH) / UNIT);

      const leaves = [f.agents.a, f.agents.b, f.agents.c];
      const expected = await ruleDraws(f.election, {
        groupId: f.groupId,
        revealedAt: receipt.blockNumber,
        epoch: 1n,
        term: 2n,
        leaves,
        excluded: [f.leader],
      });
      const settle = await f.mined(f.election.write.elect([f.groupId]));
      expect(await events(settle, f.election, "LeaderElected")).to.deep.equal([
        { groupId: f.groupId, epoch: 1n, term: 2n, agentId: expected },
      ]);
      expect(expected).to.not.equal(f.leader);
    });

    it("excludes each leader failed over in the epoch; with none left, no leader until the next epoch", async () => {
      const f = await loadFixture(withLeader);
      const seen = new Set<bigint>([f.leader]);
      for (let round = 0; round < 2; round++) {
        await time.increase(HEARTBEAT + 1n);
        const leader = await f.failoverNow();
        expect(seen.has(leader), `round ${round}: redrew a failed leader`).to.equal(false);
        seen.add(leader);
      }
      await time.increase(HEARTBEAT + 1n);
      await f.failoverNow();
      const [leader, term] = await f.election.read.currentLeader([f.groupId]);
      expect([leader, term]).to.deep.equal([0n, 4n]);
      await viem.assertions.revertWithCustomErrorWithArgs(
        f.election.write.failover([f.groupId]),
        f.election,
        "NoLeader",
        [f.groupId],
      );
      // The next epoch forgets the exclusions.
      await time.increase(EPOCH);
      expect(await f.electNow()).to.not.equal(0n);
    });

    it(
      "with the seat vacant and its redraw pending, failover does nothing; " +
        "once the redraw can be settled, failover settles it",
      async () => {
        const f = await loadFixture(withLeader);
        await time.increase(HEARTBEAT + 1n);
        await provider.request({ method: "evm_setAutomine", params: [false] });
        let second: `0x${string}`;
        try {
          await f.election.write.failover([f.groupId], { gas: 1_000_000n });
          second = await f.election.write.failover([f.groupId], { gas: 1_000_000n });
          await mine();
        } finally {
          await provider.request({ method: "evm_setAutomine", params: [true] });
        }
        const nothing = await f.publicClient.getTransactionReceipt({ hash: second });
        expect([nothing.status, nothing.logs.length]).to.deep.equal(["success", 0]);
        const settle = await f.mined(f.election.write.failover([f.groupId]));
        expect(await events(settle, f.election, "LeaderElected")).to.have.length(1);
        expect(await events(settle, f.election, "LeaderFailedOver")).to.deep.equal([]);
        expect((await f.election.read.currentLeader([f.groupId]))[1]).to.equal(2n);
      },
    );

    it("a silent leader failed over in the seed block of the next epoch's draw is excluded from it", async () => {
      const f = await loadFixture(withLeader);
      await time.increase(EPOCH);
      await provider.request({ method: "evm_setAutomine", params: [false] });
      let request: `0x${string}`;
      try {
        request = await f.election.write.elect([f.groupId], { gas: 500_000n });
        await f.election.write.failover([f.groupId], { gas: 1_000_000n });
        await mine();
      } finally {
        await provider.request({ method: "evm_setAutomine", params: [true] });
      }
      const { blockNumber } = await f.publicClient.getTransactionReceipt({ hash: request });
      expect(await f.election.read.currentLeader([f.groupId])).to.deep.equal([0n, 1n, 1n, 0n]);
      const leaves = [f.agents.a, f.agents.b, f.agents.c];
      const expected = await ruleDraws(f.election, {
        groupId: f.groupId,
        revealedAt: blockNumber,
        epoch: 2n,
        term: 2n,
        leaves,
        excluded: [f.leader],
      });
      expect(await f.election.read.pendingDraw([f.groupId])).to.deep.equal([blockNumber, 2n, 2n, blockNumber]);
      await f.mined(f.election.write.elect([f.groupId]));
      expect((await f.election.read.currentLeader([f.groupId])).slice(0, 3)).to.deep.equal([expected, 2n, 2n]);
    });

    it("a failover in a later epoch draws that epoch's leader", async () => {
      const f = await loadFixture(withLeader);
      await time.increase(EPOCH);
      const receipt = await f.mined(f.election.write.failover([f.groupId]));
      expect(await events(receipt, f.election, "DrawRequested")).to.deep.equal([
        { groupId: f.groupId, epoch: 2n, term: 2n, drawBlock: receipt.blockNumber },
      ]);
      await f.mined(f.election.write.elect([f.groupId]));
      expect((await f.election.read.currentLeader([f.groupId])).slice(1, 3)).to.deep.equal([2n, 2n]);
      await viem.assertions.revertWithCustomErrorWithArgs(
        f.election.write.elect([f.groupId]),
        f.election,
        "AlreadyElected",
        [f.groupId, 2n],
      );
    });

    it("a heartbeat from a sender that lost authorisation does not keep the leader alive", async () => {
      const f = await loadFixture(withLeader);
      const asOwner = await f.at.LeaderElection(f.leaderOwner);
      await f.mined(asOwner.write.heartbeat([f.groupId, f.leader]));
      // The agent changes hands; its old owner keeps sending heartbeats from the remembered key.
      await f.mined(
        (await f.at.IdentityRegistry(f.leaderOwner)).write.transferFrom([
          f.leaderOwner.account.address,
          f.eve.account.address,
          f.leader,
        ]),
      );
      await f.mined(asOwner.write.heartbeat([f.groupId, f.leader]));
      expect(await f.failoverNow()).to.not.equal(f.leader);
    });

    it("the leader drawn by a failover starts with no remembered heartbeat key and a fresh timeout", async () => {
      const f = await loadFixture(withLeader);
      // The leader's owner heartbeats (its key is remembered), then goes silent.
      await f.mined((await f.at.LeaderElection(f.leaderOwner)).write.heartbeat([f.groupId, f.leader]));
      await time.increase(HEARTBEAT + 1n);
      await f.mined(f.election.write.failover([f.groupId]));
      const receipt = await f.mined(f.election.write.elect([f.groupId]));
      const [leader, term, , lastHeartbeat] = await f.election.read.currentLeader([f.groupId]);
      expect(leader).to.not.equal(f.leader);
      expect(f.owners.get(leader)).to.not.equal(f.leaderOwner); // every member has its own owner
      expect(term).to.equal(2n);
      expect(lastHeartbeat).to.equal((await f.publicClient.getBlock({ blockNumber: receipt.blockNumber })).timestamp);
      // The new leader is within its grace period: the old leader's key must not make it look dead.
      await viem.assertions.revertWithCustomErrorWithArgs(
        f.election.write.failover([f.groupId]),
        f.election,
        "LeaderAlive",
        [f.groupId, leader, lastHeartbeat + HEARTBEAT],
      );
    });

    it("a failover with no slash configured only redraws", async () => {
      const f = await deployAll(viem);
      const election = await f.at.LeaderElection();
      await f.mined(election.write.createGroup([NAME, { ...params, failoverSlash: 0n }]));
      const a = await f.agentWithStake(f.alice, 20n * TOKEN);
      const b = await f.agentWithStake(f.bob, 20n * TOKEN);
      await f.mined((await f.at.LeaderElection(f.alice)).write.join([1n, a]));
      await f.mined((await f.at.LeaderElection(f.bob)).write.join([1n, b]));
      await f.mined(election.write.elect([1n]));
      await f.mined(election.write.elect([1n]));
      const [leader] = await election.read.currentLeader([1n]);
      await time.increase(HEARTBEAT + 1n);
      await f.mined(election.write.failover([1n]));
      expect(await (await f.at.StakeManager()).read.stakeOf([leader])).to.equal(20n * TOKEN);
    });
  });

  describe("snapshot weights", () => {
    it("totalWeightAt answers the end of the previous second, and any second since the last change", async () => {
      const f = await loadFixture(withGroup);
      const now = BigInt(await time.latest());
      await viem.assertions.revertWithCustomErrorWithArgs(
        f.election.read.totalWeightAt([f.groupId, Number(now + 1n)]),
        f.election,
        "FutureTimepoint",
        [now + 1n, now],
      );
      await time.increase(10);
      const later = BigInt(await time.latest());
      expect(await f.election.read.totalWeightAt([f.groupId, Number(later - 1n)])).to.equal((600n * TOKEN) / UNIT);
      expect(await f.election.read.totalWeightAt([f.groupId, Number(now)])).to.equal((600n * TOKEN) / UNIT);
      // A change now: the previous second still answers the old total, older seconds cannot.
      const receipt = await f.mined(
        (await f.at.StakeManager(f.carol)).write.requestUnstake([f.agents.c, 100n * TOKEN]),
      );
      const changedAt = (await f.publicClient.getBlock({ blockNumber: receipt.blockNumber })).timestamp;
      await time.increase(5);
      expect(await f.election.read.totalWeightAt([f.groupId, Number(changedAt - 1n)])).to.equal((600n * TOKEN) / UNIT);
      expect(await f.election.read.totalWeightAt([f.groupId, Number(changedAt)])).to.equal((500n * TOKEN) / UNIT);
      await viem.assertions.revertWithCustomErrorWithArgs(
        f.election.read.totalWeightAt([f.groupId, Number(changedAt - 2n)]),
        f.election,
        "WeightHistoryUnavailable",
        [f.groupId, changedAt - 2n, changedAt - 1n],
      );
    });

    it("memberWeightAt counts an agent from the second it joined to the one it left, at its stake then", async () => {
      const f = await loadFixture(withGroup);
      const d = await f.agentWithStake(f.dave, 50n * TOKEN);
      const joined = (
        await f.publicClient.getBlock({
          blockNumber: (await f.mined((await f.at.LeaderElection(f.dave)).write.join([f.groupId, d]))).blockNumber,
        })
      ).timestamp;
      await time.increase(5);
      const left = (
        await f.publicClient.getBlock({
          blockNumber: (await f.mined((await f.at.LeaderElection(f.dave)).write.leave([f.groupId, d]))).blockNumber,
        })
      ).timestamp;
      await time.increase(5);
      expect(await f.election.read.memberWeightAt([f.groupId, d, Number(joined - 1n)])).to.deep.equal([false, 0n]);
      expect(await f.election.read.memberWeightAt([f.groupId, d, Number(joined)])).to.deep.equal([
        true,
        (50n * TOKEN) / UNIT,
      ]);
      expect(await f.election.read.memberWeightAt([f.groupId, d, Number(left - 1n)])).to.deep.equal([
        true,
        (50n * TOKEN) / UNIT,
      ]);
      expect(await f.election.read.memberWeightAt([f.groupId, d, Number(left)])).to.deep.equal([false, 0n]);
      expect(await f.election.read.memberWeightAt([f.groupId, 99n, Number(left)])).to.deep.equal([false, 0n]);
      const now = BigInt(await time.latest());
      await viem.assertions.revertWithCustomErrorWithArgs(
        f.election.read.memberWeightAt([f.groupId, d, Number(now)]),
        f.election,
        "FutureTimepoint",
        [now, now],
      );
    });

    it("memberWeightAt sums to totalWeightAt over a second's members (members below the minimum weigh 0)", async () => {
      const f = await loadFixture(withGroup);
      await f.mined((await f.at.StakeManager(f.alice)).write.requestUnstake([f.agents.a, 95n * TOKEN]));
      await time.increase(3);
      const t = Number(BigInt(await time.latest()) - 1n);
      let sum = 0n;
      for (const id of [f.agents.a, f.agents.b, f.agents.c])
        sum += (await f.election.read.memberWeightAt([f.groupId, id, t]))[1];
      expect(sum).to.equal(await f.election.read.totalWeightAt([f.groupId, t]));
      expect(await f.election.read.memberWeightAt([f.groupId, f.agents.a, t])).to.deep.equal([true, 0n]);
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
