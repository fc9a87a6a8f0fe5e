import { expect } from "chai";
import { network } from "hardhat";
import { type Address, getAddress, getContractAddress, keccak256, toHex, zeroAddress, zeroHash } from "viem";
import { deployAll, signAgentWallet, TOKEN, type WalletClient } from "../../helpers/fixtures.ts";

/**
 * The audit's attacks (issue 14), each performed through the public functions the way an attacker
 * would, and each asserted to fail. Every test here failed on the code before its fix.
 */
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
  ACCEPTED = 5,
  EXPIRED = 7;

/** The larger of two bigints (Math.max takes numbers only). */
const maxBigint = (a: bigint, b: bigint) => (a > b ? a : b);

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

/**
 * Alice posts; bob's agent w1 and carol's agent w2 work (capability, 10 tokens staked each). Eve is
 * the treasury that receives abandonment slashes.
 */
async function deployed() {
  const f0 = await deployAll(viem, { treasury: (await viem.getWalletClients())[5]!.account.address });
  const w1 = await f0.agentWithStake(f0.bob, 10n * TOKEN);
  const w2 = await f0.agentWithStake(f0.carol, 10n * TOKEN);
  await f0.mined((await f0.at.IdentityRegistry(f0.bob)).write.setCapabilities([w1, [CAP]]));
  await f0.mined((await f0.at.IdentityRegistry(f0.carol)).write.setCapabilities([w2, [CAP]]));
  const board = await f0.at.TaskBoard();
  const as = (w: WalletClient) => f0.at.TaskBoard(w);
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
  const post = async (s: Spec, poster = f0.alice) => {
    await f0.mined((await as(poster)).write.postTask([s], { value: s.rewardToken === zeroAddress ? s.maxReward : 0n }));
    return board.read.taskCount();
  };
  const claim = async (taskId: bigint, worker = f0.bob, agentId = w1, value = 0n) =>
    f0.mined((await as(worker)).write.claim([taskId, agentId], { value }));
  const submit = async (taskId: bigint, attempt: number, worker = f0.bob) =>
    f0.mined((await as(worker)).write.submit([taskId, attempt, "ipfs://junk", zeroHash]));
  const task = (taskId: bigint) => board.read.getTask([taskId]);
  const identity = (w: WalletClient) => f0.at.IdentityRegistry(w);
  const stakes = (w: WalletClient = f0.deployer) => f0.at.StakeManager(w);
  return { ...f0, w1, w2, board, as, spec, post, claim, submit, task, identity, stakes, treasury: f0.eve };
}

/** w1 holds a flat ETH task (attempt 1) with a 50-wei bond. */
async function claimedTask() {
  const f = await deployed();
  const taskId = await f.post(await f.spec({ claimBond: 50n }));
  await f.claim(taskId, f.bob, f.w1, 50n);
  return { ...f, taskId };
}

describe("TaskBoard under attack (issue 14)", () => {
  describe("F1: escrow held hostage through an ERC-721 approval of TaskBoard", () => {
    for (const variant of ["approve", "setApprovalForAll"] as const) {
      it(`${variant}(TaskBoard) is refused; the poster rejects junk in time; the claimant is never paid`, async () => {
        const f = await loadFixture(claimedTask);
        const asBob = await f.identity(f.bob);
        const grant =
          variant === "approve"
            ? asBob.write.approve([f.board.address, f.w1])
            : asBob.write.setApprovalForAll([f.board.address, true]);
        await viem.assertions.revertWithCustomErrorWithArgs(grant, asBob, "ProtocolContractNotAllowed", [
          getAddress(f.board.address),
        ]);
        expect(await asBob.read.isAuthorized([f.board.address, f.w1])).to.equal(false);

        await f.submit(f.taskId, 1);
        await viem.assertions.emitWithArgs(
          (await f.as(f.alice)).write.reject([f.taskId, "ipfs://junk-rejected"]),
          f.board,
          "TaskRejected",
          [f.taskId, f.w1, 1, "ipfs://junk-rejected"],
        );
        // The rest of the attack: after the review window, revoke and accept the junk.
        await time.increase(REVIEW + 1n);
        if (variant === "setApprovalForAll") await f.mined(asBob.write.setApprovalForAll([f.board.address, false]));
        await viem.assertions.revertWithCustomErrorWithArgs(
          (await f.as(f.bob)).write.accept([f.taskId]),
          f.board,
          "WrongStatus",
          [f.taskId, OPEN, SUBMITTED],
        );
        expect(await f.board.read.creditOf([f.bob.account.address, zeroAddress])).to.equal(50n); // its bond, no reward
        const reputation = await f.at.ReputationRegistry();
        expect(await reputation.read.readFeedback([f.w1, f.board.address, 1n])).to.deep.equal([
          0n,
          0,
          "task",
          "rejected",
          false,
        ]);
      });
    }

    it("approvals given to TaskBoard's address before it was deployed do not make it a key of the agent", async () => {
      const f = await loadFixture(deployed);
      // A second TaskBoard whose address bob predicts and approves (both ways) before it exists.
      const nonce = await f.publicClient.getTransactionCount({ address: f.deployer.account.address });
      const predicted = getContractAddress({ from: f.deployer.account.address, nonce: BigInt(nonce) });
      await f.mined((await f.identity(f.bob)).write.setApprovalForAll([predicted, true]));
      await f.mined((await f.identity(f.bob)).write.approve([predicted, f.w1]));
      const board = await viem.deployContract("TaskBoard", [
        f.c.IdentityRegistry!,
        f.c.StakeManager!,
        f.c.ReputationRegistry!,
        f.eve.account.address,
      ]);
      expect(getAddress(board.address)).to.equal(getAddress(predicted));
      expect(await (await f.identity(f.bob)).read.isProtocolContract([board.address])).to.equal(true);
      expect(await (await f.identity(f.bob)).read.isAuthorized([board.address, f.w1])).to.equal(false);
      // And its feedback lands: a reject within the window works and is recorded.
      const asAlice = await viem.getContractAt("TaskBoard", board.address, { client: { wallet: f.alice } });
      const asBob = await viem.getContractAt("TaskBoard", board.address, { client: { wallet: f.bob } });
      await f.mined(asAlice.write.postTask([await f.spec()], { value: REWARD }));
      await f.mined(asBob.write.claim([1n, f.w1]));
      await f.mined(asBob.write.submit([1n, 1, "ipfs://junk", zeroHash]));
      await f.mined(asAlice.write.reject([1n, "ipfs://no"]));
      expect(await (await f.at.ReputationRegistry()).read.readFeedback([f.w1, board.address, 1n])).to.deep.equal([
        0n,
        0,
        "task",
        "rejected",
        false,
      ]);
    });

    it("no agent can be transferred to TaskBoard", async () => {
      const f = await loadFixture(deployed);
      const asBob = await f.identity(f.bob);
      await viem.assertions.revertWithCustomErrorWithArgs(
        asBob.write.transferFrom([f.bob.account.address, f.board.address, f.w1]),
        asBob,
        "ProtocolContractNotAllowed",
        [getAddress(f.board.address)],
      );
    });

    describe("settlement never depends on the reputation write", () => {
      /** A TaskBoard wired to a reputation registry that refuses (mode 1) or burns all its gas (mode 2). */
      async function withBrokenReputation() {
        const f = await deployed();
        const broken = await viem.deployContract("BrokenReputationMock");
        const board = await viem.deployContract("TaskBoard", [
          f.c.IdentityRegistry!,
          f.c.StakeManager!,
          broken.address,
          f.eve.account.address,
        ]);
        const stakes = await f.stakes();
        await f.mined(stakes.write.grantRole([await stakes.read.SLASHER_ROLE(), board.address]));
        const as = (w: WalletClient) => viem.getContractAt("TaskBoard", board.address, { client: { wallet: w } });
        return { ...f, broken, board, as };
      }

      for (const [mode, what] of [
        [1, "reverts"],
        [2, "runs out of its gas stipend"],
      ] as const) {
        it(`accept, reject and reclaim settle when the registry ${what}, and say so in FeedbackFailed`, async () => {
          const f = await loadFixture(withBrokenReputation);
          await f.mined(f.broken.write.setMode([mode]));
          const s = await f.spec({ claimBond: 50n });
          for (let i = 0; i < 3; i++) await f.mined((await f.as(f.alice)).write.postTask([s], { value: REWARD }));
          // 1: accepted, 2: rejected, 3: abandoned.
          for (const id of [1n, 2n, 3n]) await f.mined((await f.as(f.bob)).write.claim([id, f.w1], { value: 50n }));
          for (const id of [1n, 2n]) await f.mined((await f.as(f.bob)).write.submit([id, 1, "ipfs://r", zeroHash]));
          await viem.assertions.emitWithArgs((await f.as(f.alice)).write.accept([1n]), f.board, "FeedbackFailed", [
            1n,
            f.w1,
            "accepted",
          ]);
          await viem.assertions.emitWithArgs(
            (await f.as(f.alice)).write.reject([2n, "ipfs://no"]),
            f.board,
            "FeedbackFailed",
            [2n, f.w1, "rejected"],
          );
          await time.increase(LEASE + 1n);
          await viem.assertions.emitWithArgs((await f.as(f.eve)).write.reclaim([3n]), f.board, "FeedbackFailed", [
            3n,
            f.w1,
            "abandoned",
          ]);
          expect((await f.board.read.getTask([1n])).status).to.equal(ACCEPTED);
          expect((await f.board.read.getTask([2n])).status).to.equal(OPEN);
          expect((await f.board.read.getTask([3n])).status).to.equal(OPEN);
        });
      }

      it("a caller cannot settle without the feedback by starving it of gas: the settlement reverts", async () => {
        // A registry that works but needs 200,000 gas: below that the call fails for lack of gas,
        // and 1/64 of what the caller sent is left, enough to settle if nothing stopped it.
        const f = await loadFixture(withBrokenReputation);
        await f.mined(f.broken.write.setMode([3]));
        const tasks: bigint[] = [];
        for (let i = 0; i < 16; i++) {
          await f.mined((await f.as(f.alice)).write.postTask([await f.spec()], { value: REWARD }));
          const id = await f.board.read.taskCount();
          await f.mined((await f.as(f.bob)).write.claim([id, f.w1]));
          await f.mined((await f.as(f.bob)).write.submit([id, 1, "ipfs://r", zeroHash]));
          tasks.push(id);
        }
        const needed = await f.publicClient.estimateContractGas({
          address: f.board.address,
          abi: f.board.abi,
          functionName: "accept",
          args: [tasks[0]!],
          account: f.alice.account,
        });
        // Every gas limit from far too little to plenty: each accept either reverts or writes its feedback.
        let settled = 0;
        for (const [i, id] of tasks.entries()) {
          const gas = needed - 150_000n + BigInt(i) * 10_000n;
          const receipt = await (await f.as(f.alice)).write
            .accept([id], { gas })
            .then((hash) => f.publicClient.waitForTransactionReceipt({ hash }))
            .catch(() => undefined);
          const status = (await f.board.read.getTask([id])).status;
          if (receipt?.status === "success") {
            settled++;
            expect(status, `accept of task ${id} with gas ${gas}`).to.equal(ACCEPTED);
            const logs = await f.publicClient.getContractEvents({
              address: f.board.address,
              abi: f.board.abi,
              eventName: "FeedbackFailed",
              blockHash: receipt.blockHash,
            });
            expect(logs, `accept with gas ${gas} settled without its feedback`).to.have.length(0);
          } else {
            expect(status).to.equal(SUBMITTED);
          }
        }
        expect(settled, "the larger gas limits settle").to.be.greaterThan(0);
        expect(settled, "the smaller gas limits revert").to.be.lessThan(tasks.length);
        expect(await f.broken.read.written()).to.equal(BigInt(settled));
      });
    });
  });

  describe("F2: a handoff never extends a task past its deadline", () => {
    it(
      "two agents of one owner handing the task back and forth cannot keep it past the deadline; " +
        "the poster expires it",
      async () => {
        const f = await loadFixture(deployed);
        const w1b = await f.agentWithStake(f.bob, 10n * TOKEN);
        await f.mined((await f.identity(f.bob)).write.setCapabilities([w1b, [CAP]]));
        const taskId = await f.post(await f.spec());
        const { deadline } = await f.task(taskId);
        await f.claim(taskId);
        // Ping-pong every half lease from the claim until well past the deadline.
        while (BigInt(await time.latest()) < deadline + 3n * LEASE) {
          const before = await f.task(taskId);
          if (before.status === CLAIMED && BigInt(await time.latest()) < before.timer) {
            const next = before.claimant === f.w1 ? w1b : f.w1;
            await f.mined((await f.as(f.bob)).write.handoff([taskId, before.attempt, next, "ipfs://ctx"]));
            await f.mined((await f.as(f.bob)).write.acceptHandoff([taskId, next]));
            const after = await f.task(taskId);
            const bound = maxBigint(before.timer, deadline);
            expect(
              after.timer <= bound,
              `handoff at attempt ${after.attempt} leased to ${after.timer}, past ${bound}`,
            ).to.equal(true);
          }
          await time.increase(LEASE / 2n);
        }
        const t = await f.task(taskId);
        if (t.status === CLAIMED) await f.mined(f.board.write.reclaim([taskId]));
        await viem.assertions.emitWithArgs((await f.as(f.alice)).write.expire([taskId]), f.board, "TaskExpired", [
          taskId,
          REWARD,
        ]);
        expect((await f.task(taskId)).status).to.equal(EXPIRED);
      },
    );

    it("a handoff never lengthens a lease that already runs past the deadline", async () => {
      const f = await loadFixture(deployed);
      const taskId = await f.post(await f.spec({ deadline: BigInt(await time.latest()) + LEASE + 200n }));
      await f.claim(taskId);
      await time.increase(LEASE - 100n);
      await f.mined((await f.as(f.bob)).write.renewLease([taskId, 1]));
      const { timer: renewed, deadline } = await f.task(taskId);
      expect(renewed > deadline).to.equal(true); // a renewal may run one lease past the deadline
      await f.mined((await f.as(f.bob)).write.handoff([taskId, 1, f.w2, "ipfs://ctx"]));
      await f.mined((await f.as(f.carol)).write.acceptHandoff([taskId, f.w2]));
      // The taker keeps the lease it took over; the handoff added nothing to it.
      expect((await f.task(taskId)).timer).to.equal(renewed);
    });
  });

  describe("F3: a claimant cannot escape abandonSlash by unstaking", () => {
    it("the stake abandonSlash locks cannot be unstaken while the task is held; the slash lands in full", async () => {
      const f = await loadFixture(deployed);
      const taskId = await f.post(await f.spec({ abandonSlash: 6n * TOKEN }));
      await f.claim(taskId);
      const stakes = await f.stakes(f.bob);
      expect(await stakes.read.lockedOf([f.w1])).to.equal(6n * TOKEN);
      await viem.assertions.revertWithCustomErrorWithArgs(
        stakes.write.requestUnstake([f.w1, 10n * TOKEN]),
        stakes,
        "StakeIsLocked",
        [f.w1, 10n * TOKEN, 6n * TOKEN, 10n * TOKEN],
      );
      await f.mined(stakes.write.requestUnstake([f.w1, 4n * TOKEN])); // the free part may leave
      await time.increase(await stakes.read.unbondingPeriod());
      await f.mined(stakes.write.withdraw([f.w1]));
      // The claimant walks away; the poster reclaims and the whole slash lands.
      const { timer } = await f.task(taskId);
      if (BigInt(await time.latest()) <= timer) await time.increaseTo(timer + 1n);
      await viem.assertions.emitWithArgs((await f.as(f.alice)).write.reclaim([taskId]), f.board, "TaskReclaimed", [
        taskId,
        f.w1,
        1,
        0n,
        6n * TOKEN,
        getAddress(f.alice.account.address),
      ]);
      expect(await stakes.read.stakeOf([f.w1])).to.equal(0n);
      expect(await stakes.read.lockedOf([f.w1])).to.equal(0n);
    });

    it("the lock is released when the claim ends without a slash, and moves with a handoff", async () => {
      const f = await loadFixture(deployed);
      const stakes = await f.stakes();
      const taskId = await f.post(await f.spec({ abandonSlash: 3n * TOKEN }));
      await f.claim(taskId);
      await f.mined((await f.as(f.bob)).write.handoff([taskId, 1, f.w2, "ipfs://ctx"]));
      await f.mined((await f.as(f.carol)).write.acceptHandoff([taskId, f.w2]));
      expect([await stakes.read.lockedOf([f.w1]), await stakes.read.lockedOf([f.w2])]).to.deep.equal([0n, 3n * TOKEN]);
      await f.submit(taskId, 2, f.carol);
      expect(await stakes.read.lockedOf([f.w2])).to.equal(0n);
    });
  });

  describe("F5: a poster's own agents cannot claim its tasks", () => {
    it("an agent the poster owns", async () => {
      const f = await loadFixture(deployed);
      const own = await f.agentWithStake(f.alice, 10n * TOKEN);
      await f.mined((await f.identity(f.alice)).write.setCapabilities([own, [CAP]]));
      const taskId = await f.post(await f.spec());
      await viem.assertions.revertWithCustomErrorWithArgs(
        (await f.as(f.alice)).write.claim([taskId, own]),
        f.board,
        "AgentOfPoster",
        [taskId, own, getAddress(f.alice.account.address)],
      );
    });

    for (const how of ["approve", "setApprovalForAll"] as const) {
      it(`an agent the poster operates (${how})`, async () => {
        const f = await loadFixture(deployed);
        const asBob = await f.identity(f.bob);
        await f.mined(
          how === "approve"
            ? asBob.write.approve([f.alice.account.address, f.w1])
            : asBob.write.setApprovalForAll([f.alice.account.address, true]),
        );
        const taskId = await f.post(await f.spec());
        for (const caller of [f.bob, f.alice]) {
          await viem.assertions.revertWithCustomErrorWithArgs(
            (await f.as(caller)).write.claim([taskId, f.w1]),
            f.board,
            "AgentOfPoster",
            [taskId, f.w1, getAddress(f.alice.account.address)],
          );
        }
        await f.claim(taskId, f.carol, f.w2); // anyone else's agent may
      });
    }

    it("an agent whose agentWallet is the poster", async () => {
      const f = await loadFixture(deployed);
      const deadline = BigInt(await time.latest()) + 200n;
      const signature = await signAgentWallet(f.alice, {
        chainId: await f.publicClient.getChainId(),
        registry: f.c.IdentityRegistry!,
        agentId: f.w1,
        owner: f.bob.account.address,
        deadline,
      });
      await f.mined(
        (await f.identity(f.bob)).write.setAgentWallet([f.w1, f.alice.account.address, deadline, signature]),
      );
      const taskId = await f.post(await f.spec());
      await viem.assertions.revertWithCustomErrorWithArgs(
        (await f.as(f.bob)).write.claim([taskId, f.w1]),
        f.board,
        "AgentOfPoster",
        [taskId, f.w1, getAddress(f.alice.account.address)],
      );
    });

    it("nor take one over by handoff, nor claim a scheduled round", async () => {
      const f = await loadFixture(deployed);
      const own = await f.agentWithStake(f.alice, 10n * TOKEN);
      await f.mined((await f.identity(f.alice)).write.setCapabilities([own, [CAP]]));
      const taskId = await f.post(await f.spec());
      await f.claim(taskId);
      await f.mined((await f.as(f.bob)).write.handoff([taskId, 1, own, "ipfs://ctx"]));
      await viem.assertions.revertWithCustomErrorWithArgs(
        (await f.as(f.alice)).write.acceptHandoff([taskId, own]),
        f.board,
        "AgentOfPoster",
        [taskId, own, getAddress(f.alice.account.address)],
      );
      const firstAt = BigInt(await time.latest()) + 10n;
      await f.mined(
        (await f.as(f.alice)).write.createSchedule([await f.spec({ deadline: 300n }), firstAt, HOUR, 1], {
          value: REWARD,
        }),
      );
      await time.increaseTo(firstAt);
      await viem.assertions.revertWithCustomErrorWithArgs(
        (await f.as(f.alice)).write.claimScheduled([1n, 0, own]),
        f.board,
        "AgentOfPoster",
        [taskId + 1n, own, getAddress(f.alice.account.address)],
      );
    });
  });

  describe("F7: an escalation has a bounded life", () => {
    it(
      "an unanswered escalation ends after the approver's window: anyone reopens the task without penalty; " +
        "after the deadline the poster expires it",
      async () => {
        const f = await loadFixture(claimedTask);
        const receipt = await f.mined((await f.as(f.bob)).write.escalate([f.taskId, 1, "ipfs://question"]));
        const escalatedAt = (await f.publicClient.getBlock({ blockNumber: receipt.blockNumber })).timestamp;
        const answerBy = await f.board.read.escalationDeadline([f.taskId]);
        expect(answerBy).to.equal(escalatedAt + HOUR); // the review window (900 s) raised to the one-hour minimum
        await viem.assertions.revertWithCustomErrorWithArgs(
          (await f.as(f.eve)).write.expireEscalation([f.taskId]),
          f.board,
          "EscalationActive",
          [f.taskId, answerBy],
        );
        await time.increaseTo(answerBy);
        await viem.assertions.emitWithArgs(
          (await f.as(f.eve)).write.expireEscalation([f.taskId]),
          f.board,
          "EscalationExpired",
          [f.taskId, f.w1, 1, getAddress(f.eve.account.address)],
        );
        expect(await f.task(f.taskId)).to.deep.include({ status: OPEN, claimant: 0n });
        expect(await f.board.read.creditOf([f.bob.account.address, zeroAddress])).to.equal(50n); // bond back
        const { deadline } = await f.task(f.taskId);
        if (BigInt(await time.latest()) < deadline) await time.increaseTo(deadline);
        await viem.assertions.emitWithArgs((await f.as(f.alice)).write.expire([f.taskId]), f.board, "TaskExpired", [
          f.taskId,
          REWARD,
        ]);
      },
    );
  });

  describe("F8: stake is paid to the agent's owner, never to a hot key", () => {
    for (const who of ["owner", "operator", "token-approved address", "agentWallet"] as const) {
      it(`withdraw called by the ${who} pays the owner`, async () => {
        const f = await loadFixture(deployed);
        const asBob = await f.identity(f.bob);
        if (who === "operator") await f.mined(asBob.write.setApprovalForAll([f.dave.account.address, true]));
        if (who === "token-approved address") await f.mined(asBob.write.approve([f.dave.account.address, f.w1]));
        if (who === "agentWallet") {
          const deadline = BigInt(await time.latest()) + 200n;
          const signature = await signAgentWallet(f.dave, {
            chainId: await f.publicClient.getChainId(),
            registry: f.c.IdentityRegistry!,
            agentId: f.w1,
            owner: f.bob.account.address,
            deadline,
          });
          await f.mined(asBob.write.setAgentWallet([f.w1, f.dave.account.address, deadline, signature]));
        }
        const caller = who === "owner" ? f.bob : f.dave;
        const stakes = await f.stakes(caller);
        await f.mined(stakes.write.requestUnstake([f.w1, 4n * TOKEN]));
        await time.increase(await stakes.read.unbondingPeriod());
        const token = await f.at.StakeToken();
        const before = [
          await token.read.balanceOf([f.bob.account.address]),
          await token.read.balanceOf([f.dave.account.address]),
        ];
        await viem.assertions.emitWithArgs(stakes.write.withdraw([f.w1]), stakes, "Withdrawn", [
          f.w1,
          getAddress(f.bob.account.address),
          4n * TOKEN,
          0n,
        ]);
        expect([
          await token.read.balanceOf([f.bob.account.address]),
          await token.read.balanceOf([f.dave.account.address]),
        ]).to.deep.equal([before[0]! + 4n * TOKEN, before[1]!]);
      });
    }
  });

  describe("F10: trap tasks", () => {
    it("a lease shorter than MIN_LEASE_DURATION is refused", async () => {
      const f = await loadFixture(deployed);
      const min = await f.board.read.MIN_LEASE_DURATION();
      for (const leaseDuration of [1n, min - 1n]) {
        await viem.assertions.revertWithCustomErrorWithArgs(
          (await f.as(f.alice)).write.postTask([await f.spec({ leaseDuration })], { value: REWARD }),
          f.board,
          "TermOutOfRange",
          [
            4, // Term.LeaseDuration
            leaseDuration,
            min,
            365n * 86_400n,
          ],
        );
      }
      await f.post(await f.spec({ leaseDuration: min }));
    });

    it("an abandonment slash goes to the treasury, never to the poster", async () => {
      const f = await loadFixture(deployed);
      const taskId = await f.post(await f.spec({ abandonSlash: 10n * TOKEN }));
      await f.claim(taskId);
      await time.increase(LEASE + 1n);
      const token = await f.at.StakeToken();
      const before = await token.read.balanceOf([f.treasury.account.address]);
      await f.mined((await f.as(f.alice)).write.reclaim([taskId]));
      expect(await token.read.balanceOf([f.treasury.account.address])).to.equal(before + 10n * TOKEN);
      expect(await f.board.read.creditOf([f.alice.account.address, f.c.StakeToken!])).to.equal(0n);
      expect(getAddress(await f.board.read.treasury())).to.equal(getAddress(f.treasury.account.address));
    });
  });
});
