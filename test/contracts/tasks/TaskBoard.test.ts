import { expect } from "chai";
import { network } from "hardhat";
import { type Address, encodeFunctionData, getAddress, keccak256, toHex, zeroAddress, zeroHash } from "viem";
import { deployAll, TOKEN, type WalletClient } from "../../helpers/fixtures.ts";

const { viem, networkHelpers } = await network.create();
const { loadFixture, time } = networkHelpers;

const CAP = keccak256(toHex("summarize"));
const REWARD = 10n ** 15n;
const HOUR = 3_600n;
const LEASE = 600n;
const REVIEW = 900n;
const OPEN = 1,
  CLAIMED = 2,
  SUBMITTED = 3,
  ESCALATED = 4,
  ACCEPTED = 5,
  CANCELLED = 6,
  EXPIRED = 7;

type Spec = {
  capability: `0x${string}`;
  specURI: string;
  specHash: `0x${string}`;
  rewardToken: Address;
  reward: bigint;
  maxReward: bigint;
  claimBond: bigint;
  minStake: bigint;
  abandonSlash: bigint;
  leaseDuration: bigint;
  notBefore: bigint;
  deadline: bigint;
  reviewWindow: bigint;
  approver: Address;
};

/** Alice posts; bob's agent (w1) and carol's agent (w2) work: both have the capability and 10 tokens staked. */
async function deployed() {
  const f = await deployAll(viem);
  const w1 = await f.agentWithStake(f.bob, 10n * TOKEN);
  const w2 = await f.agentWithStake(f.carol, 10n * TOKEN);
  await f.mined((await f.at.IdentityRegistry(f.bob)).write.setCapabilities([w1, [CAP]]));
  await f.mined((await f.at.IdentityRegistry(f.carol)).write.setCapabilities([w2, [CAP]]));
  const board = await f.at.TaskBoard();
  const as = (w: WalletClient) => f.at.TaskBoard(w);
  const spec = async (overrides: Partial<Spec> = {}): Promise<Spec> => ({
    capability: CAP,
    specURI: "ipfs://task",
    specHash: keccak256(toHex("task")),
    rewardToken: zeroAddress,
    reward: REWARD,
    maxReward: REWARD,
    claimBond: 0n,
    minStake: TOKEN,
    abandonSlash: 0n,
    leaseDuration: LEASE,
    notBefore: 0n,
    deadline: BigInt(await time.latest()) + HOUR,
    reviewWindow: REVIEW,
    approver: zeroAddress,
    ...overrides,
  });
  /** Alice posts `s` paying its escrow in ETH; returns the task id. */
  const post = async (s: Spec, value = s.rewardToken === zeroAddress ? s.maxReward : 0n) => {
    await f.mined((await as(f.alice)).write.postTask([s], { value }));
    return board.read.taskCount();
  };
  const claim = async (taskId: bigint, worker = f.bob, agentId = w1, value = 0n) =>
    f.mined((await as(worker)).write.claim([taskId, agentId], { value }));
  const task = (taskId: bigint) => board.read.getTask([taskId]);
  return { ...f, w1, w2, board, as, spec, post, claim, task };
}

/** One flat ETH task (id 1) claimed by w1 (attempt 1). */
async function claimedTask() {
  const f = await deployed();
  const taskId = await f.post(await f.spec());
  await f.claim(taskId);
  return { ...f, taskId };
}

/** The same, submitted. */
async function submittedTask() {
  const f = await claimedTask();
  await f.mined((await f.as(f.bob)).write.submit([f.taskId, 1, "ipfs://result", keccak256(toHex("result"))]));
  return f;
}

describe("TaskBoard", () => {
  describe("deployment", () => {
    it("needs a treasury for abandonment slashes, and registers as a protocol contract", async () => {
      const f = await loadFixture(deployed);
      await viem.assertions.revertWithCustomError(
        viem.deployContract("TaskBoard", [
          f.c.IdentityRegistry!,
          f.c.StakeManager!,
          f.c.ReputationRegistry!,
          zeroAddress,
        ]),
        f.board,
        "ZeroTreasury",
      );
      expect(await (await f.at.IdentityRegistry()).read.isProtocolContract([f.board.address])).to.equal(true);
    });
  });

  describe("postTask", () => {
    it("escrows maxReward in ETH, numbers tasks from 1 and emits the whole spec", async () => {
      const f = await loadFixture(deployed);
      const s = await f.spec({ maxReward: 3n * REWARD });
      const receipt = await f.mined((await f.as(f.alice)).write.postTask([s], { value: 3n * REWARD }));
      const now = (await f.publicClient.getBlock({ blockNumber: receipt.blockNumber })).timestamp;
      const [log] = await f.publicClient.getContractEvents({
        address: f.board.address,
        abi: f.board.abi,
        eventName: "TaskPosted",
        blockHash: receipt.blockHash,
      });
      expect(log!.args).to.deep.include({
        taskId: 1n,
        poster: getAddress(f.alice.account.address),
        capability: CAP,
        scheduleId: 0n,
        round: 0,
      });
      expect(log!.args.spec).to.deep.equal({ ...s, notBefore: now });
      const t = await f.task(1n);
      expect(t).to.deep.include({
        status: OPEN,
        attempt: 0,
        claimant: 0n,
        poster: getAddress(f.alice.account.address),
        maxReward: 3n * REWARD,
        postedAt: now,
        notBefore: now,
      });
      expect(await f.board.read.totalEscrowed([zeroAddress])).to.equal(3n * REWARD);
      expect(await f.publicClient.getBalance({ address: f.board.address })).to.equal(3n * REWARD);
    });

    it("escrows an ERC-20 reward by pulling it from the poster", async () => {
      const f = await loadFixture(deployed);
      const token = await f.at.StakeToken(f.alice);
      await f.mined(token.write.faucet([f.alice.account.address, 5n * TOKEN]));
      await f.mined(token.write.approve([f.board.address, 5n * TOKEN]));
      await f.post(await f.spec({ rewardToken: f.c.StakeToken!, reward: TOKEN, maxReward: 5n * TOKEN }));
      expect(await token.read.balanceOf([f.board.address])).to.equal(5n * TOKEN);
      expect(await f.board.read.totalEscrowed([f.c.StakeToken!])).to.equal(5n * TOKEN);
    });

    it("rejects each invalid field, naming the field, its value and its bounds", async () => {
      const f = await loadFixture(deployed);
      const now = BigInt(await time.latest());
      const DAY = 86_400n;
      // [overrides, error, args]; Term: 0 MaxReward, 1 ClaimBond, 2 MinStake, 3 AbandonSlash, 4 LeaseDuration,
      // 5 ReviewWindow, 6 Deadline.
      const cases: [
        Partial<Spec>,
        "RewardAboveMax" | "TermOutOfRange",
        readonly bigint[] | readonly [number, bigint, bigint, bigint],
      ][] = [
        [{ reward: 2n, maxReward: 1n }, "RewardAboveMax", [2n, 1n]],
        [{ maxReward: 2n ** 96n }, "TermOutOfRange", [0, 2n ** 96n, 0n, 2n ** 96n - 1n]],
        [{ claimBond: 2n ** 128n }, "TermOutOfRange", [1, 2n ** 128n, 0n, 2n ** 128n - 1n]],
        [{ minStake: 2n ** 96n }, "TermOutOfRange", [2, 2n ** 96n, 0n, 2n ** 96n - 1n]],
        [{ abandonSlash: 2n ** 104n }, "TermOutOfRange", [3, 2n ** 104n, 0n, 2n ** 104n - 1n]],
        [{ leaseDuration: 0n }, "TermOutOfRange", [4, 0n, 30n, 365n * DAY]],
        [{ leaseDuration: 29n }, "TermOutOfRange", [4, 29n, 30n, 365n * DAY]],
        [{ leaseDuration: 366n * DAY }, "TermOutOfRange", [4, 366n * DAY, 30n, 365n * DAY]],
        [{ reviewWindow: 366n * DAY }, "TermOutOfRange", [5, 366n * DAY, 0n, 365n * DAY]],
        [{ deadline: 2n ** 40n }, "TermOutOfRange", [6, 2n ** 40n, 0n, 2n ** 40n - 1n]],
      ];
      for (const [overrides, error, args] of cases) {
        const s = await f.spec(overrides);
        const value = s.maxReward < 2n ** 96n ? s.maxReward : 0n;
        await viem.assertions.revertWithCustomErrorWithArgs(
          (await f.as(f.alice)).write.postTask([s], { value }),
          f.board,
          error,
          [...args] as never,
        );
      }
      // The deadline must be after now and after notBefore: the error names the later of the two.
      for (const [at, notBefore, deadline, earliest] of [
        [now + 100n, 0n, now + 100n, now + 100n],
        [now + 200n, now + 2n * HOUR, now + HOUR, now + 2n * HOUR],
        [now + 300n, now - HOUR, now + 250n, now + 300n],
      ] as const) {
        await time.setNextBlockTimestamp(at);
        const s = await f.spec({ notBefore, deadline });
        await viem.assertions.revertWithCustomErrorWithArgs(
          (await f.as(f.alice)).write.postTask([s], { value: s.maxReward }),
          f.board,
          "DeadlineTooEarly",
          [deadline, earliest],
        );
      }
    });

    it("requires the exact ETH, and none with a token reward", async () => {
      const f = await loadFixture(deployed);
      const s = await f.spec();
      await viem.assertions.revertWithCustomErrorWithArgs(
        (await f.as(f.alice)).write.postTask([s], { value: REWARD - 1n }),
        f.board,
        "WrongPayment",
        [REWARD, REWARD - 1n],
      );
      const t = await f.spec({ rewardToken: f.c.StakeToken! });
      await viem.assertions.revertWithCustomErrorWithArgs(
        (await f.as(f.alice)).write.postTask([t], { value: 1n }),
        f.board,
        "WrongPayment",
        [0n, 1n],
      );
    });

    it("rejects a fee-on-transfer token (the escrow would not be whole)", async () => {
      const f = await loadFixture(deployed);
      const fee = await viem.deployContract("FeeOnTransferTokenMock");
      const asAlice = await viem.getContractAt("FeeOnTransferTokenMock", fee.address, { client: { wallet: f.alice } });
      await f.mined(asAlice.write.mint([f.alice.account.address, 1_000n]));
      await f.mined(asAlice.write.approve([f.board.address, 1_000n]));
      const s = await f.spec({ rewardToken: fee.address, reward: 1_000n, maxReward: 1_000n });
      await viem.assertions.revertWithCustomErrorWithArgs(
        (await f.as(f.alice)).write.postTask([s]),
        f.board,
        "UnsupportedToken",
        [getAddress(fee.address), 1_000n, 990n],
      );
    });
  });

  describe("claim", () => {
    it("sets claimant, attempt 1, lease and locked reward in one state word, and emits TaskClaimed", async () => {
      const f = await loadFixture(deployed);
      const taskId = await f.post(await f.spec());
      const receipt = await f.claim(taskId);
      const now = (await f.publicClient.getBlock({ blockNumber: receipt.blockNumber })).timestamp;
      await viem.assertions.emitWithArgs(Promise.resolve(receipt.transactionHash), f.board, "TaskClaimed", [
        taskId,
        f.w1,
        1,
        now + LEASE,
        REWARD,
      ]);
      expect(await f.task(taskId)).to.deep.include({
        status: CLAIMED,
        attempt: 1,
        claimant: f.w1,
        timer: now + LEASE,
        lockedReward: REWARD,
      });
    });

    it("never lets a second agent claim a claimed task, naming who holds it", async () => {
      const f = await loadFixture(claimedTask);
      await viem.assertions.revertWithCustomErrorWithArgs(
        (await f.as(f.carol)).write.claim([f.taskId, f.w2]),
        f.board,
        "TaskNotOpen",
        [f.taskId, CLAIMED, f.w1, 1],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        (await f.as(f.carol)).write.claim([99n, f.w2]),
        f.board,
        "TaskNotFound",
        [99n],
      );
    });

    it("locks in the reward of the moment: linear from reward at posting to maxReward at the deadline", async () => {
      const f = await loadFixture(deployed);
      const s = await f.spec({ reward: 1_000n, maxReward: 2_000n });
      const receipt = await f.mined((await f.as(f.alice)).write.postTask([s], { value: 2_000n }));
      const postedAt = (await f.publicClient.getBlock({ blockNumber: receipt.blockNumber })).timestamp;
      const span = s.deadline - postedAt;
      await time.setNextBlockTimestamp(postedAt + span / 4n);
      await f.claim(1n);
      expect((await f.task(1n)).lockedReward).to.equal(1_000n + (1_000n * (span / 4n)) / span);
      expect(await f.board.read.payableReward([1n])).to.be.a("bigint");
    });

    it("respects notBefore and the deadline", async () => {
      const f = await loadFixture(deployed);
      const now = BigInt(await time.latest());
      const taskId = await f.post(await f.spec({ notBefore: now + 100n, deadline: now + 200n }));
      await viem.assertions.revertWithCustomErrorWithArgs(
        (await f.as(f.bob)).write.claim([taskId, f.w1]),
        f.board,
        "TaskNotYetClaimable",
        [taskId, now + 100n],
      );
      await time.increaseTo(now + 200n);
      await viem.assertions.revertWithCustomErrorWithArgs(
        (await f.as(f.bob)).write.claim([taskId, f.w1]),
        f.board,
        "TaskPastDeadline",
        [taskId, now + 200n],
      );
    });

    it("checks authorisation, capability and minimum stake", async () => {
      const f = await loadFixture(deployed);
      const taskId = await f.post(await f.spec({ minStake: 20n * TOKEN }));
      await viem.assertions.revertWithCustomErrorWithArgs(
        (await f.as(f.eve)).write.claim([taskId, f.w1]),
        f.board,
        "NotAuthorizedForAgent",
        [getAddress(f.eve.account.address), f.w1],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        (await f.as(f.eve)).write.claim([taskId, 77n]),
        f.board,
        "AgentNotFound",
        [77n],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        (await f.as(f.bob)).write.claim([taskId, f.w1]),
        f.board,
        "StakeTooLow",
        [taskId, f.w1, 10n * TOKEN, 20n * TOKEN],
      );
      const capless = await f.agentWithStake(f.dave, 30n * TOKEN);
      await viem.assertions.revertWithCustomErrorWithArgs(
        (await f.as(f.dave)).write.claim([taskId, capless]),
        f.board,
        "MissingCapability",
        [taskId, capless, CAP],
      );
      // Capability 0 and minStake 0: any registered agent may claim.
      const open = await f.post(await f.spec({ capability: zeroHash, minStake: 0n }));
      await f.claim(open, f.dave, capless);
    });

    it("a task that slashes needs the minimum stake and that much stake not yet locked", async () => {
      const f = await loadFixture(deployed);
      const stakes = await f.at.StakeManager();
      const tooMuch = await f.post(await f.spec({ minStake: 20n * TOKEN, abandonSlash: TOKEN }));
      await viem.assertions.revertWithCustomErrorWithArgs(
        (await f.as(f.bob)).write.claim([tooMuch, f.w1]),
        f.board,
        "StakeTooLow",
        [tooMuch, f.w1, 10n * TOKEN, 20n * TOKEN],
      );
      const first = await f.post(await f.spec({ abandonSlash: 6n * TOKEN }));
      const second = await f.post(await f.spec({ abandonSlash: 6n * TOKEN }));
      await f.claim(first);
      await viem.assertions.revertWithCustomErrorWithArgs(
        (await f.as(f.bob)).write.claim([second, f.w1]),
        stakes,
        "StakeIsLocked",
        [f.w1, 10n * TOKEN, 6n * TOKEN, 6n * TOKEN],
      );
    });

    it("takes an ETH bond with the claim and refuses ETH without a bond", async () => {
      const f = await loadFixture(deployed);
      const bonded = await f.post(await f.spec({ claimBond: 500n }));
      await viem.assertions.revertWithCustomErrorWithArgs(
        (await f.as(f.bob)).write.claim([bonded, f.w1]),
        f.board,
        "WrongPayment",
        [500n, 0n],
      );
      await f.claim(bonded, f.bob, f.w1, 500n);
      expect(await f.board.read.totalEscrowed([zeroAddress])).to.equal(REWARD + 500n);
      const plain = await f.post(await f.spec());
      await viem.assertions.revertWithCustomErrorWithArgs(
        (await f.as(f.bob)).write.claim([plain, f.w1], { value: 1n }),
        f.board,
        "WrongPayment",
        [0n, 1n],
      );
    });

    it("pulls an ERC-20 bond", async () => {
      const f = await loadFixture(deployed);
      const token = await f.at.StakeToken(f.alice);
      await f.mined(token.write.faucet([f.alice.account.address, TOKEN]));
      await f.mined(token.write.approve([f.board.address, TOKEN]));
      const taskId = await f.post(
        await f.spec({ rewardToken: f.c.StakeToken!, reward: TOKEN, maxReward: TOKEN, claimBond: 7n }),
      );
      await f.mined((await f.at.StakeToken(f.bob)).write.faucet([f.bob.account.address, 7n]));
      await f.mined((await f.at.StakeToken(f.bob)).write.approve([f.board.address, 7n]));
      await f.claim(taskId);
      expect(await f.board.read.totalEscrowed([f.c.StakeToken!])).to.equal(TOKEN + 7n);
    });
  });

  describe("the claimant's acts", () => {
    it("renewLease extends the lease; refuses stale attempts, strangers, expired leases and the deadline", async () => {
      const f = await loadFixture(claimedTask);
      await time.increase(100);
      const receipt = await f.mined((await f.as(f.bob)).write.renewLease([f.taskId, 1]));
      const now = (await f.publicClient.getBlock({ blockNumber: receipt.blockNumber })).timestamp;
      await viem.assertions.emitWithArgs(Promise.resolve(receipt.transactionHash), f.board, "LeaseRenewed", [
        f.taskId,
        f.w1,
        1,
        now + LEASE,
      ]);
      await viem.assertions.revertWithCustomErrorWithArgs(
        (await f.as(f.bob)).write.renewLease([f.taskId, 2]),
        f.board,
        "StaleAttempt",
        [f.taskId, 2, 1],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        (await f.as(f.eve)).write.renewLease([f.taskId, 1]),
        f.board,
        "NotAuthorizedForAgent",
        [getAddress(f.eve.account.address), f.w1],
      );
      await time.increase(LEASE + 1n);
      await viem.assertions.revertWithCustomErrorWithArgs(
        (await f.as(f.bob)).write.renewLease([f.taskId, 1]),
        f.board,
        "LeaseExpired",
        [f.taskId, now + LEASE],
      );
    });

    it("renewLease stops at the deadline", async () => {
      const f = await loadFixture(deployed);
      const taskId = await f.post(await f.spec({ deadline: BigInt(await time.latest()) + 300n }));
      await f.claim(taskId);
      const { deadline } = await f.task(taskId);
      await time.setNextBlockTimestamp(deadline);
      await viem.assertions.revertWithCustomErrorWithArgs(
        (await f.as(f.bob)).write.renewLease([taskId, 1]),
        f.board,
        "RenewalPastDeadline",
        [taskId, deadline],
      );
    });

    it("submit starts the review window; a claimant that lost the task cannot submit", async () => {
      const f = await loadFixture(claimedTask);
      const receipt = await f.mined((await f.as(f.bob)).write.submit([f.taskId, 1, "ipfs://result", zeroHash]));
      const now = (await f.publicClient.getBlock({ blockNumber: receipt.blockNumber })).timestamp;
      await viem.assertions.emitWithArgs(Promise.resolve(receipt.transactionHash), f.board, "TaskSubmitted", [
        f.taskId,
        f.w1,
        1,
        "ipfs://result",
        zeroHash,
        now + REVIEW,
      ]);
      expect(await f.task(f.taskId)).to.deep.include({ status: SUBMITTED, timer: now + REVIEW });
      await viem.assertions.revertWithCustomErrorWithArgs(
        (await f.as(f.bob)).write.submit([f.taskId, 1, "again", zeroHash]),
        f.board,
        "WrongStatus",
        [f.taskId, SUBMITTED, CLAIMED],
      );
    });

    it("a stale claimant cannot submit after a reclaim and a new claim", async () => {
      const f = await loadFixture(claimedTask);
      await time.increase(LEASE + 1n);
      await f.mined(f.board.write.reclaim([f.taskId]));
      await f.claim(f.taskId, f.carol, f.w2);
      await viem.assertions.revertWithCustomErrorWithArgs(
        (await f.as(f.bob)).write.submit([f.taskId, 1, "late", zeroHash]),
        f.board,
        "StaleAttempt",
        [f.taskId, 1, 2],
      );
      await f.mined((await f.as(f.carol)).write.submit([f.taskId, 2, "ipfs://r2", zeroHash]));
    });
  });

  describe("review", () => {
    it("the poster's accept pays the claimant's payee, returns the rest, and records reputation", async () => {
      const f = await loadFixture(deployed);
      const s = await f.spec({ reward: 1_000n, maxReward: 3_000n, claimBond: 50n });
      const taskId = await f.post(s);
      await f.claim(taskId, f.bob, f.w1, 50n);
      const locked = (await f.task(taskId)).lockedReward;
      await f.mined((await f.as(f.bob)).write.submit([taskId, 1, "ipfs://r", zeroHash]));
      const tx = (await f.as(f.alice)).write.accept([taskId]);
      await viem.assertions.emitWithArgs(tx, f.board, "TaskAccepted", [
        taskId,
        f.w1,
        1,
        getAddress(f.bob.account.address),
        locked,
        50n,
        3_000n - locked,
        true,
      ]);
      expect((await f.task(taskId)).status).to.equal(ACCEPTED);
      expect(await f.board.read.creditOf([f.bob.account.address, zeroAddress])).to.equal(locked + 50n);
      expect(await f.board.read.creditOf([f.alice.account.address, zeroAddress])).to.equal(3_000n - locked);
      expect(await f.board.read.totalEscrowed([zeroAddress])).to.equal(0n);
      const reputation = await f.at.ReputationRegistry();
      expect(await reputation.read.readFeedback([f.w1, f.board.address, 1n])).to.deep.equal([
        100n,
        0,
        "task",
        "accepted",
        false,
      ]);
      expect(await reputation.read.getSummary([f.w1, [f.board.address], "task", ""])).to.deep.equal([1n, 100n, 0]);
    });

    it("pays the agent's verified wallet when it has one", async () => {
      const f = await loadFixture(submittedTask);
      const { signAgentWallet } = await import("../../helpers/fixtures.ts");
      const deadline = BigInt(await time.latest()) + 200n;
      const signature = await signAgentWallet(f.dave, {
        chainId: await f.publicClient.getChainId(),
        registry: f.c.IdentityRegistry!,
        agentId: f.w1,
        owner: f.bob.account.address,
        deadline,
      });
      await f.mined(
        (await f.at.IdentityRegistry(f.bob)).write.setAgentWallet([f.w1, f.dave.account.address, deadline, signature]),
      );
      await f.mined((await f.as(f.alice)).write.accept([f.taskId]));
      expect(await f.board.read.creditOf([f.dave.account.address, zeroAddress])).to.equal(REWARD);
    });

    it("silence is acceptance: anyone may finalise once the review window has passed, not before", async () => {
      const f = await loadFixture(submittedTask);
      const { timer } = await f.task(f.taskId);
      await viem.assertions.revertWithCustomErrorWithArgs(
        (await f.as(f.eve)).write.accept([f.taskId]),
        f.board,
        "ReviewWindowOpen",
        [f.taskId, timer],
      );
      await time.increaseTo(timer);
      await viem.assertions.emitWithArgs((await f.as(f.eve)).write.accept([f.taskId]), f.board, "TaskAccepted", [
        f.taskId,
        f.w1,
        1,
        getAddress(f.bob.account.address),
        REWARD,
        0n,
        0n,
        false,
      ]);
    });

    it("reject reopens the task within the window, returns the bond, and records reputation", async () => {
      const f = await loadFixture(deployed);
      const taskId = await f.post(await f.spec({ claimBond: 50n }));
      await f.claim(taskId, f.bob, f.w1, 50n);
      await f.mined((await f.as(f.bob)).write.submit([taskId, 1, "ipfs://bad", zeroHash]));
      await viem.assertions.revertWithCustomErrorWithArgs(
        (await f.as(f.eve)).write.reject([taskId, "ipfs://why"]),
        f.board,
        "NotPoster",
        [taskId, getAddress(f.eve.account.address)],
      );
      await viem.assertions.emitWithArgs(
        (await f.as(f.alice)).write.reject([taskId, "ipfs://why"]),
        f.board,
        "TaskRejected",
        [taskId, f.w1, 1, "ipfs://why"],
      );
      expect(await f.task(taskId)).to.deep.include({ status: OPEN, claimant: 0n, attempt: 1, lockedReward: REWARD });
      expect(await f.board.read.creditOf([f.bob.account.address, zeroAddress])).to.equal(50n);
      expect(await (await f.at.ReputationRegistry()).read.readFeedback([f.w1, f.board.address, 1n])).to.deep.equal([
        0n,
        0,
        "task",
        "rejected",
        false,
      ]);
      await f.claim(taskId, f.carol, f.w2, 50n);
      expect((await f.task(taskId)).attempt).to.equal(2);
    });

    it("reject is refused after the review window", async () => {
      const f = await loadFixture(submittedTask);
      const { timer } = await f.task(f.taskId);
      await time.increaseTo(timer);
      await viem.assertions.revertWithCustomErrorWithArgs(
        (await f.as(f.alice)).write.reject([f.taskId, "late"]),
        f.board,
        "ReviewWindowClosed",
        [f.taskId, timer],
      );
    });
  });

  describe("reclaim, cancel and expire", () => {
    it(
      "reclaim after the lease reopens the task, gives the poster the bond, " +
        "the treasury the slashed stake, and records abandonment",
      async () => {
        const f = await loadFixture(deployed);
        const taskId = await f.post(await f.spec({ claimBond: 80n, abandonSlash: TOKEN }));
        await f.claim(taskId, f.bob, f.w1, 80n);
        const { timer } = await f.task(taskId);
        await time.setNextBlockTimestamp(timer);
        await viem.assertions.revertWithCustomErrorWithArgs(f.board.write.reclaim([taskId]), f.board, "LeaseActive", [
          taskId,
          timer,
        ]);
        await time.setNextBlockTimestamp(timer + 1n);
        const token = await f.at.StakeToken();
        const treasury = f.deployer.account.address; // the deployment's default treasury
        const before = await token.read.balanceOf([treasury]);
        const tx = (await f.as(f.eve)).write.reclaim([taskId]);
        await viem.assertions.emitWithArgs(tx, f.board, "TaskReclaimed", [
          taskId,
          f.w1,
          1,
          80n,
          TOKEN,
          getAddress(f.eve.account.address),
        ]);
        expect(await f.task(taskId)).to.deep.include({ status: OPEN, claimant: 0n, timer: 0n, attempt: 1 });
        expect(await f.board.read.creditOf([f.alice.account.address, zeroAddress])).to.equal(80n);
        expect(await f.board.read.creditOf([f.alice.account.address, f.c.StakeToken!])).to.equal(0n);
        expect(await token.read.balanceOf([treasury])).to.equal(before + TOKEN);
        expect(await (await f.at.StakeManager()).read.stakeOf([f.w1])).to.equal(9n * TOKEN);
        expect(await (await f.at.StakeManager()).read.lockedOf([f.w1])).to.equal(0n);
        expect(await (await f.at.ReputationRegistry()).read.readFeedback([f.w1, f.board.address, 1n])).to.deep.equal([
          0n,
          0,
          "task",
          "abandoned",
          false,
        ]);
      },
    );

    it("cancel refunds an open task to its poster only", async () => {
      const f = await loadFixture(deployed);
      const taskId = await f.post(await f.spec());
      await viem.assertions.revertWithCustomErrorWithArgs(
        (await f.as(f.bob)).write.cancel([taskId]),
        f.board,
        "NotPoster",
        [taskId, getAddress(f.bob.account.address)],
      );
      await viem.assertions.emitWithArgs((await f.as(f.alice)).write.cancel([taskId]), f.board, "TaskCancelled", [
        taskId,
        REWARD,
      ]);
      expect((await f.task(taskId)).status).to.equal(CANCELLED);
      expect(await f.board.read.creditOf([f.alice.account.address, zeroAddress])).to.equal(REWARD);
      await viem.assertions.revertWithCustomErrorWithArgs(
        (await f.as(f.alice)).write.cancel([taskId]),
        f.board,
        "WrongStatus",
        [taskId, CANCELLED, OPEN],
      );
    });

    it("expire refunds an open task after its deadline, not before and not once claimed", async () => {
      const f = await loadFixture(deployed);
      const taskId = await f.post(await f.spec());
      const { deadline } = await f.task(taskId);
      await viem.assertions.revertWithCustomErrorWithArgs(
        f.board.write.expire([taskId]),
        f.board,
        "DeadlineNotReached",
        [taskId, deadline],
      );
      await time.increaseTo(deadline);
      await viem.assertions.emitWithArgs(f.board.write.expire([taskId]), f.board, "TaskExpired", [taskId, REWARD]);
      expect((await f.task(taskId)).status).to.equal(EXPIRED);
      const claimed = await loadFixture(claimedTask);
      await viem.assertions.revertWithCustomErrorWithArgs(
        claimed.board.write.expire([claimed.taskId]),
        claimed.board,
        "WrongStatus",
        [claimed.taskId, CLAIMED, OPEN],
      );
    });
  });

  describe("handoff", () => {
    it("the claimant offers, the other agent takes over with a new attempt and lease; bonds swap", async () => {
      const f = await loadFixture(deployed);
      const taskId = await f.post(await f.spec({ claimBond: 40n }));
      await f.claim(taskId, f.bob, f.w1, 40n);
      await viem.assertions.emitWithArgs(
        (await f.as(f.bob)).write.handoff([taskId, 1, f.w2, "ipfs://context"]),
        f.board,
        "TaskHandedOff",
        [taskId, f.w1, f.w2, 1, "ipfs://context"],
      );
      expect(await f.board.read.pendingHandoff([taskId])).to.equal(f.w2);
      await viem.assertions.revertWithCustomErrorWithArgs(
        (await f.as(f.bob)).write.acceptHandoff([taskId, f.w1], { value: 40n }),
        f.board,
        "HandoffNotOffered",
        [taskId, f.w1, f.w2],
      );
      const receipt = await f.mined((await f.as(f.carol)).write.acceptHandoff([taskId, f.w2], { value: 40n }));
      const now = (await f.publicClient.getBlock({ blockNumber: receipt.blockNumber })).timestamp;
      await viem.assertions.emitWithArgs(Promise.resolve(receipt.transactionHash), f.board, "TaskClaimed", [
        taskId,
        f.w2,
        2,
        now + LEASE,
        REWARD,
      ]);
      expect(await f.task(taskId)).to.deep.include({ status: CLAIMED, claimant: f.w2, attempt: 2 });
      expect(await f.board.read.creditOf([f.bob.account.address, zeroAddress])).to.equal(40n);
      expect(await f.board.read.pendingHandoff([taskId])).to.equal(0n);
      // The old claimant's attempt is stale now.
      await viem.assertions.revertWithCustomErrorWithArgs(
        (await f.as(f.bob)).write.submit([taskId, 1, "x", zeroHash]),
        f.board,
        "StaleAttempt",
        [taskId, 1, 2],
      );
    });

    it("refuses handing to oneself or to nobody, and an offer does not outlive its attempt", async () => {
      const f = await loadFixture(claimedTask);
      await viem.assertions.revertWithCustomErrorWithArgs(
        (await f.as(f.bob)).write.handoff([f.taskId, 1, f.w1, ""]),
        f.board,
        "HandoffToSelf",
        [f.taskId, f.w1],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        (await f.as(f.bob)).write.handoff([f.taskId, 1, 99n, ""]),
        f.board,
        "AgentNotFound",
        [99n],
      );
      await f.mined((await f.as(f.bob)).write.handoff([f.taskId, 1, f.w2, ""]));
      await time.increase(LEASE + 1n);
      await viem.assertions.revertWithCustomErrorWithArgs(
        (await f.as(f.carol)).write.acceptHandoff([f.taskId, f.w2]),
        f.board,
        "LeaseExpired",
        [f.taskId, (await f.task(f.taskId)).timer],
      );
      await f.mined(f.board.write.reclaim([f.taskId]));
      expect(await f.board.read.pendingHandoff([f.taskId])).to.equal(0n);
      // A new claim is a new attempt: the old offer cannot be taken up, even by its addressee.
      await f.claim(f.taskId, f.bob, f.w1);
      await viem.assertions.revertWithCustomErrorWithArgs(
        (await f.as(f.carol)).write.acceptHandoff([f.taskId, f.w2]),
        f.board,
        "HandoffNotOffered",
        [f.taskId, f.w2, f.w2],
      );
      expect(await f.board.read.pendingHandoff([f.taskId])).to.equal(0n);
    });
  });

  describe("escalation", () => {
    it("pauses the lease clock; the approver resumes it with the time that was left", async () => {
      const f = await loadFixture(deployed);
      const taskId = await f.post(await f.spec({ approver: f.dave.account.address }));
      const claimReceipt = await f.claim(taskId);
      const claimedAt = (await f.publicClient.getBlock({ blockNumber: claimReceipt.blockNumber })).timestamp;
      await time.setNextBlockTimestamp(claimedAt + 100n);
      await viem.assertions.emitWithArgs(
        (await f.as(f.bob)).write.escalate([taskId, 1, "ipfs://question"]),
        f.board,
        "TaskEscalated",
        [
          taskId,
          f.w1,
          1,
          "ipfs://question",
          LEASE - 100n,
          claimedAt + 100n + HOUR, // the review window (900 s) raised to MIN_ESCALATION_WINDOW
        ],
      );
      expect(await f.board.read.escalationDeadline([taskId])).to.equal(claimedAt + 100n + HOUR);
      expect(await f.task(taskId)).to.deep.include({ status: ESCALATED, timer: LEASE - 100n });
      await time.increase(10n * LEASE);
      await viem.assertions.revertWithCustomErrorWithArgs(f.board.write.reclaim([taskId]), f.board, "WrongStatus", [
        taskId,
        ESCALATED,
        CLAIMED,
      ]);
      await viem.assertions.revertWithCustomErrorWithArgs(
        (await f.as(f.alice)).write.resolveEscalation([taskId, "x", true]),
        f.board,
        "NotApprover",
        [taskId, getAddress(f.alice.account.address)],
      );
      const receipt = await f.mined((await f.as(f.dave)).write.resolveEscalation([taskId, "ipfs://answer", true]));
      const now = (await f.publicClient.getBlock({ blockNumber: receipt.blockNumber })).timestamp;
      await viem.assertions.emitWithArgs(Promise.resolve(receipt.transactionHash), f.board, "EscalationResolved", [
        taskId,
        "ipfs://answer",
        true,
        now + LEASE - 100n,
      ]);
      expect(await f.task(taskId)).to.deep.include({ status: CLAIMED, timer: now + LEASE - 100n });
    });

    it("without an approver the poster answers; not resuming releases the claim without penalty", async () => {
      const f = await loadFixture(deployed);
      const taskId = await f.post(await f.spec({ claimBond: 30n }));
      await f.claim(taskId, f.bob, f.w1, 30n);
      await f.mined((await f.as(f.bob)).write.escalate([taskId, 1, "ipfs://q"]));
      await viem.assertions.emitWithArgs(
        (await f.as(f.alice)).write.resolveEscalation([taskId, "ipfs://stop", false]),
        f.board,
        "EscalationResolved",
        [taskId, "ipfs://stop", false, 0n],
      );
      expect(await f.task(taskId)).to.deep.include({ status: OPEN, claimant: 0n });
      expect(await f.board.read.creditOf([f.bob.account.address, zeroAddress])).to.equal(30n);
    });
  });

  describe("schedules", () => {
    async function withSchedule() {
      const f = await deployed();
      const firstAt = BigInt(await time.latest()) + 100n;
      const template = await f.spec({ deadline: 300n, maxReward: 2n * REWARD });
      await f.mined((await f.as(f.alice)).write.createSchedule([template, firstAt, HOUR, 3], { value: 6n * REWARD }));
      return { ...f, firstAt, template, scheduleId: 1n };
    }

    it("escrows every round and records the schedule", async () => {
      const f = await loadFixture(withSchedule);
      expect(await f.board.read.getSchedule([1n])).to.deep.equal({
        poster: getAddress(f.alice.account.address),
        firstAt: f.firstAt,
        interval: HOUR,
        count: 3,
        spawned: 0,
        cancelled: false,
      });
      expect(await f.board.read.totalEscrowed([zeroAddress])).to.equal(6n * REWARD);
    });

    it("claimScheduled spawns and claims a due round in one transaction, once", async () => {
      const f = await loadFixture(withSchedule);
      await viem.assertions.revertWithCustomErrorWithArgs(
        (await f.as(f.bob)).write.claimScheduled([1n, 0, f.w1]),
        f.board,
        "RoundNotDue",
        [1n, 0, f.firstAt],
      );
      await time.increaseTo(f.firstAt + HOUR);
      const receipt = await f.mined((await f.as(f.bob)).write.claimScheduled([1n, 1, f.w1]));
      const posted = await f.publicClient.getContractEvents({
        address: f.board.address,
        abi: f.board.abi,
        eventName: "TaskPosted",
        blockHash: receipt.blockHash,
      });
      expect(posted[0]!.args).to.deep.include({ taskId: 1n, scheduleId: 1n, round: 1 });
      expect(posted[0]!.args.spec).to.deep.include({
        specURI: "ipfs://task",
        notBefore: f.firstAt + HOUR,
        deadline: f.firstAt + HOUR + 300n,
      });
      expect(await f.task(1n)).to.deep.include({
        status: CLAIMED,
        claimant: f.w1,
        attempt: 1,
        postedAt: f.firstAt + HOUR,
      });
      expect(await f.board.read.roundTask([1n, 1])).to.equal(1n);
      await viem.assertions.revertWithCustomErrorWithArgs(
        (await f.as(f.carol)).write.claimScheduled([1n, 1, f.w2]),
        f.board,
        "RoundAlreadySpawned",
        [1n, 1, 1n],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        (await f.as(f.carol)).write.claimScheduled([1n, 3, f.w2]),
        f.board,
        "RoundOutOfRange",
        [1n, 3, 3],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        (await f.as(f.carol)).write.claimScheduled([9n, 0, f.w2]),
        f.board,
        "ScheduleNotFound",
        [9n],
      );
      // Round 0's window (300 s after its due time) has passed.
      await viem.assertions.revertWithCustomErrorWithArgs(
        (await f.as(f.carol)).write.claimScheduled([1n, 0, f.w2]),
        f.board,
        "TaskPastDeadline",
        [0n, f.firstAt + 300n],
      );
    });

    it("cancelSchedule refunds the unspawned rounds to the poster only, once", async () => {
      const f = await loadFixture(withSchedule);
      await time.increaseTo(f.firstAt);
      await f.mined((await f.as(f.bob)).write.claimScheduled([1n, 0, f.w1]));
      await viem.assertions.revertWithCustomErrorWithArgs(
        (await f.as(f.bob)).write.cancelSchedule([1n]),
        f.board,
        "NotPoster",
        [0n, getAddress(f.bob.account.address)],
      );
      await viem.assertions.emitWithArgs(
        (await f.as(f.alice)).write.cancelSchedule([1n]),
        f.board,
        "ScheduleCancelled",
        [1n, 4n * REWARD, 1],
      );
      expect(await f.board.read.creditOf([f.alice.account.address, zeroAddress])).to.equal(4n * REWARD);
      await viem.assertions.revertWithCustomErrorWithArgs(
        (await f.as(f.alice)).write.cancelSchedule([1n]),
        f.board,
        "ScheduleIsCancelled",
        [1n],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        (await f.as(f.bob)).write.claimScheduled([1n, 1, f.w1]),
        f.board,
        "ScheduleIsCancelled",
        [1n],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        (await f.as(f.alice)).write.cancelSchedule([5n]),
        f.board,
        "ScheduleNotFound",
        [5n],
      );
    });

    it("a round inherits the template's token, bond, slash and approver", async () => {
      const f = await loadFixture(deployed);
      const token = await f.at.StakeToken(f.alice);
      await f.mined(token.write.faucet([f.alice.account.address, 10n * TOKEN]));
      await f.mined(token.write.approve([f.board.address, 10n * TOKEN]));
      const firstAt = BigInt(await time.latest()) + 10n;
      const template = await f.spec({
        rewardToken: f.c.StakeToken!,
        reward: TOKEN,
        maxReward: TOKEN,
        claimBond: 5n,
        abandonSlash: 1n,
        approver: f.dave.account.address,
        deadline: 600n,
      });
      await f.mined((await f.as(f.alice)).write.createSchedule([template, firstAt, 60n, 2]));
      await f.mined((await f.at.StakeToken(f.bob)).write.faucet([f.bob.account.address, 5n]));
      await f.mined((await f.at.StakeToken(f.bob)).write.approve([f.board.address, 5n]));
      await time.increaseTo(firstAt);
      await f.mined((await f.as(f.bob)).write.claimScheduled([1n, 0, f.w1]));
      expect(await f.task(1n)).to.deep.include({
        rewardToken: getAddress(f.c.StakeToken!),
        claimBond: 5n,
        abandonSlash: 1n,
        approver: getAddress(f.dave.account.address),
        status: CLAIMED,
      });
      expect(await f.board.read.totalEscrowed([f.c.StakeToken!])).to.equal(2n * TOKEN + 5n);
    });

    it("rejects unusable schedules", async () => {
      const f = await loadFixture(deployed);
      const now = BigInt(await time.latest());
      const template = await f.spec({ deadline: 300n });
      const max40 = 2n ** 40n - 1n;
      // [firstAt, interval, count, template, args of TermOutOfRange]; Term: 7 Count, 8 Interval, 9 Window, 10 FirstAt.
      const cases: [bigint, bigint, number, Spec, [number, bigint, bigint, bigint]][] = [
        [now, HOUR, 0, template, [7, 0n, 1n, 10_000n]],
        [now, HOUR, 10_001, template, [7, 10_001n, 1n, 10_000n]],
        [now, 0n, 2, template, [8, 0n, 1n, 365n * 86_400n]],
        [now, 366n * 86_400n, 1, template, [8, 366n * 86_400n, 0n, 365n * 86_400n]],
        [2n ** 40n, HOUR, 2, template, [10, 2n ** 40n, 0n, max40 - 2n * HOUR]],
        [now, HOUR, 1, { ...template, deadline: 0n }, [9, 0n, 1n, 365n * 86_400n]],
      ];
      for (const [firstAt, interval, count, t, args] of cases) {
        await viem.assertions.revertWithCustomErrorWithArgs(
          (await f.as(f.alice)).write.createSchedule([t, firstAt, interval, count], {
            value: t.maxReward * BigInt(count),
          }),
          f.board,
          "TermOutOfRange",
          args,
        );
      }
    });
  });

  describe("views and unknown ids", () => {
    it("payableReward follows the curve: flat, rising, and maxReward from the deadline on", async () => {
      const f = await loadFixture(deployed);
      const flat = await f.post(await f.spec());
      expect(await f.board.read.payableReward([flat])).to.equal(REWARD);
      const rising = await f.post(await f.spec({ reward: 100n, maxReward: 200n }));
      const { deadline } = await f.task(rising);
      await time.increaseTo(deadline);
      expect(await f.board.read.payableReward([rising])).to.equal(200n);
    });

    it("unknown tasks and schedules are reported by every read and act", async () => {
      const f = await loadFixture(deployed);
      await viem.assertions.revertWithCustomErrorWithArgs(f.board.read.getTask([9n]), f.board, "TaskNotFound", [9n]);
      await viem.assertions.revertWithCustomErrorWithArgs(f.board.read.payableReward([9n]), f.board, "TaskNotFound", [
        9n,
      ]);
      await viem.assertions.revertWithCustomErrorWithArgs(f.board.read.getSchedule([9n]), f.board, "ScheduleNotFound", [
        9n,
      ]);
      await viem.assertions.revertWithCustomErrorWithArgs(
        (await f.as(f.bob)).write.renewLease([9n, 1]),
        f.board,
        "TaskNotFound",
        [9n],
      );
      expect(await f.board.read.scheduleCount()).to.equal(0n);
      expect(await f.board.read.roundTask([9n, 0])).to.equal(0n);
    });
  });

  describe("credits", () => {
    it("withdrawCredit pays ETH and tokens once and refuses an empty credit", async () => {
      const f = await loadFixture(deployed);
      const taskId = await f.post(await f.spec());
      await f.mined((await f.as(f.alice)).write.cancel([taskId]));
      await viem.assertions.balancesHaveChanged((await f.as(f.alice)).write.withdrawCredit([zeroAddress]), [
        { address: f.alice.account.address, amount: REWARD },
        { address: f.board.address, amount: -REWARD },
      ]);
      await viem.assertions.revertWithCustomErrorWithArgs(
        (await f.as(f.alice)).write.withdrawCredit([zeroAddress]),
        f.board,
        "NothingToWithdraw",
        [getAddress(f.alice.account.address), zeroAddress],
      );
      expect(await f.board.read.totalCredits([zeroAddress])).to.equal(0n);
    });

    it("a receiver that re-enters withdrawCredit is paid once: the nested call is refused", async () => {
      const f = await loadFixture(deployed);
      const attacker = await viem.deployContract("ReentrantReceiverMock", [f.board.address]);
      const withdraw = encodeFunctionData({ abi: f.board.abi, functionName: "withdrawCredit", args: [zeroAddress] });
      await f.mined(attacker.write.setData([withdraw]));
      const s = await f.spec();
      const post = encodeFunctionData({ abi: f.board.abi, functionName: "postTask", args: [s] });
      await f.mined(attacker.write.call([f.board.address, post], { value: REWARD }));
      await f.mined(
        attacker.write.call([
          f.board.address,
          encodeFunctionData({ abi: f.board.abi, functionName: "cancel", args: [1n] }),
        ]),
      );
      await viem.assertions.balancesHaveChanged(attacker.write.call([f.board.address, withdraw]), [
        { address: attacker.address, amount: REWARD },
        { address: f.board.address, amount: -REWARD },
      ]);
      expect(await attacker.read.attempted()).to.equal(true);
      expect(await attacker.read.reentered()).to.equal(false);
      expect(await f.board.read.creditOf([attacker.address, zeroAddress])).to.equal(0n);
    });

    it("a payment the receiver refuses reverts and leaves the credit in place", async () => {
      const f = await loadFixture(deployed);
      const account = await viem.deployContract("ReentrantReceiverMock", [f.board.address]);
      const s = await f.spec();
      await f.mined(
        account.write.call(
          [f.board.address, encodeFunctionData({ abi: f.board.abi, functionName: "postTask", args: [s] })],
          { value: REWARD },
        ),
      );
      await f.mined(
        account.write.call([
          f.board.address,
          encodeFunctionData({ abi: f.board.abi, functionName: "cancel", args: [1n] }),
        ]),
      );
      await f.mined(account.write.setRefuse([true]));
      await viem.assertions.revertWithCustomErrorWithArgs(
        account.write.call([
          f.board.address,
          encodeFunctionData({ abi: f.board.abi, functionName: "withdrawCredit", args: [zeroAddress] }),
        ]),
        f.board,
        "EthTransferFailed",
        [getAddress(account.address), REWARD],
      );
      expect(await f.board.read.creditOf([account.address, zeroAddress])).to.equal(REWARD);
    });

    it("an ERC-20 that re-enters during a transfer is stopped by the guard", async () => {
      const f = await loadFixture(deployed);
      const token = await viem.deployContract("ReentrantTokenMock");
      const asAlice = await viem.getContractAt("ReentrantTokenMock", token.address, { client: { wallet: f.alice } });
      await f.mined(asAlice.write.mint([f.alice.account.address, 10n * TOKEN]));
      await f.mined(asAlice.write.approve([f.board.address, 10n * TOKEN]));
      const s = await f.spec({ rewardToken: token.address, reward: TOKEN, maxReward: TOKEN });
      // During the escrow pull of a second task, the token tries to cancel the first one.
      await f.post(s);
      await f.mined(
        asAlice.write.arm([
          f.board.address,
          encodeFunctionData({ abi: f.board.abi, functionName: "cancel", args: [1n] }),
        ]),
      );
      await f.post(s);
      expect(await token.read.attempted()).to.equal(true);
      expect(await token.read.reentered()).to.equal(false);
      expect((await f.task(1n)).status).to.equal(OPEN);
      expect(await f.board.read.totalEscrowed([token.address])).to.equal(2n * TOKEN);
    });
  });
});
