import { expect } from "chai";
import { network } from "hardhat";
import { getAddress, keccak256, stringToHex, toHex, zeroAddress } from "viem";
import { deployAll, TOKEN } from "../../helpers/fixtures.ts";

const { viem, networkHelpers } = await network.create();
const { loadFixture, time } = networkHelpers;
const DAY = 86_400n;

/** Alice's agent 1 has 100 tokens staked; bob holds 50 unstaked tokens. */
async function deployed() {
  const f = await deployAll(viem);
  const agentId = await f.agentWithStake(f.alice, 100n * TOKEN);
  await f.mined((await f.at.StakeToken(f.bob)).write.faucet([f.bob.account.address, 50n * TOKEN]));
  return { ...f, agentId };
}

/** Grants the slasher role to `deployer` so tests can slash directly. */
async function withSlasher() {
  const f = await deployed();
  const stakes = await f.at.StakeManager();
  await f.mined(stakes.write.grantRole([await stakes.read.SLASHER_ROLE(), f.deployer.account.address]));
  return f;
}

describe("StakeManager", () => {
  it("is configured by the deployment: token, unbonding period, listener, slasher", async () => {
    const { at, c } = await loadFixture(deployed);
    const stakes = await at.StakeManager();
    expect(getAddress(await stakes.read.stakeToken())).to.equal(getAddress(c.StakeToken!));
    expect(await stakes.read.unbondingPeriod()).to.equal(DAY);
    expect(getAddress(await stakes.read.stakeListener())).to.equal(getAddress(c.LeaderElection!));
    expect(await stakes.read.hasRole([await stakes.read.SLASHER_ROLE(), c.LeaderElection!])).to.equal(true);
  });

  describe("stake", () => {
    it("pulls tokens, credits the agent and the total, records history, emits Staked", async () => {
      const { at, c, alice, agentId, mined } = await loadFixture(deployed);
      const stakes = await at.StakeManager(alice);
      await mined((await at.StakeToken(alice)).write.faucet([alice.account.address, 5n * TOKEN]));
      await mined((await at.StakeToken(alice)).write.approve([c.StakeManager!, 5n * TOKEN]));
      const tx = stakes.write.stake([agentId, 5n * TOKEN]);
      await viem.assertions.emitWithArgs(tx, stakes, "Staked", [
        agentId,
        getAddress(alice.account.address),
        5n * TOKEN,
        105n * TOKEN,
        105n * TOKEN,
      ]);
      expect(await stakes.read.stakeOf([agentId])).to.equal(105n * TOKEN);
      expect(await stakes.read.totalStake()).to.equal(105n * TOKEN);
      expect(await (await at.StakeToken()).read.balanceOf([c.StakeManager!])).to.equal(105n * TOKEN);
    });

    it("requires a positive amount, an authorised caller and an existing agent", async () => {
      const { at, bob, agentId } = await loadFixture(deployed);
      const stakes = await at.StakeManager(bob);
      await viem.assertions.revertWithCustomError(stakes.write.stake([agentId, 0n]), stakes, "ZeroAmount");
      await viem.assertions.revertWithCustomErrorWithArgs(
        stakes.write.stake([agentId, TOKEN]),
        stakes,
        "NotAuthorizedForAgent",
        [getAddress(bob.account.address), agentId],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(stakes.write.stake([77n, TOKEN]), stakes, "AgentNotFound", [
        77n,
      ]);
    });

    it("refuses stake beyond its 104-bit accounting", async () => {
      const { at, c, alice, agentId, mined } = await loadFixture(deployed);
      const huge = 2n ** 104n;
      await mined((await at.StakeToken(alice)).write.faucet([alice.account.address, huge]));
      await mined((await at.StakeToken(alice)).write.approve([c.StakeManager!, huge]));
      const stakes = await at.StakeManager(alice);
      await viem.assertions.revertWithCustomErrorWithArgs(
        stakes.write.stake([agentId, huge]),
        stakes,
        "StakeOverflow",
        [huge + 100n * TOKEN],
      );
    });

    it("rejects a token that delivers less than it was asked to transfer", async () => {
      const f = await loadFixture(deployed);
      const feeToken = await viem.deployContract("FeeOnTransferTokenMock");
      const stakes = await viem.deployContract("StakeManager", [
        f.c.IdentityRegistry!,
        feeToken.address,
        DAY,
        f.deployer.account.address,
      ]);
      const asAlice = await viem.getContractAt("StakeManager", stakes.address, { client: { wallet: f.alice } });
      const tokenAsAlice = await viem.getContractAt("FeeOnTransferTokenMock", feeToken.address, {
        client: { wallet: f.alice },
      });
      await f.mined(tokenAsAlice.write.mint([f.alice.account.address, 100n]));
      await f.mined(tokenAsAlice.write.approve([stakes.address, 100n]));
      await viem.assertions.revertWithCustomErrorWithArgs(
        asAlice.write.stake([f.agentId, 100n]),
        stakes,
        "UnsupportedStakeToken",
        [100n, 99n],
      );
    });
  });

  describe("requestUnstake and withdraw", () => {
    it("moves stake to unbonding at once and pays it to the owner after the unbonding period", async () => {
      const { at, c, alice, agentId, mined } = await loadFixture(deployed);
      const stakes = await at.StakeManager(alice);
      const token = await at.StakeToken();
      const before = await token.read.balanceOf([alice.account.address]);
      const tx = stakes.write.requestUnstake([agentId, 40n * TOKEN]);
      const receipt = await mined(tx);
      const releaseAt =
        (await viem.getPublicClient().then((p) => p.getBlock({ blockNumber: receipt.blockNumber }))).timestamp + DAY;
      await viem.assertions.emitWithArgs(Promise.resolve(receipt.transactionHash), stakes, "UnstakeRequested", [
        agentId,
        40n * TOKEN,
        60n * TOKEN,
        40n * TOKEN,
        releaseAt,
        60n * TOKEN,
      ]);
      expect(await stakes.read.stakeOf([agentId])).to.equal(60n * TOKEN);
      expect(await stakes.read.unbondingOf([agentId])).to.deep.equal([40n * TOKEN, releaseAt]);
      expect(await stakes.read.totalUnbonding()).to.equal(40n * TOKEN);

      await time.setNextBlockTimestamp(releaseAt - 1n);
      await viem.assertions.revertWithCustomErrorWithArgs(stakes.write.withdraw([agentId]), stakes, "StillUnbonding", [
        agentId,
        releaseAt,
      ]);
      await time.setNextBlockTimestamp(releaseAt);
      await viem.assertions.emitWithArgs(stakes.write.withdraw([agentId]), stakes, "Withdrawn", [
        agentId,
        getAddress(alice.account.address),
        40n * TOKEN,
        0n,
      ]);
      expect(await token.read.balanceOf([alice.account.address])).to.equal(before + 40n * TOKEN);
      expect(await token.read.balanceOf([c.StakeManager!])).to.equal(60n * TOKEN);
      expect(await stakes.read.unbondingOf([agentId])).to.deep.equal([0n, 0n]);
      await viem.assertions.revertWithCustomErrorWithArgs(
        stakes.write.withdraw([agentId]),
        stakes,
        "NothingToWithdraw",
        [agentId],
      );
    });

    it("a later request restarts the clock for the whole unbonding amount", async () => {
      const { at, alice, agentId, mined } = await loadFixture(deployed);
      const stakes = await at.StakeManager(alice);
      await mined(stakes.write.requestUnstake([agentId, 10n * TOKEN]));
      await time.increase(DAY / 2n);
      await mined(stakes.write.requestUnstake([agentId, 10n * TOKEN]));
      const [amount, releaseAt] = await stakes.read.unbondingOf([agentId]);
      expect(amount).to.equal(20n * TOKEN);
      expect(releaseAt).to.equal(BigInt(await time.latest()) + DAY);
    });

    it("rejects zero, more than the active stake, and strangers", async () => {
      const { at, alice, bob, agentId } = await loadFixture(deployed);
      const stakes = await at.StakeManager(alice);
      await viem.assertions.revertWithCustomError(stakes.write.requestUnstake([agentId, 0n]), stakes, "ZeroAmount");
      await viem.assertions.revertWithCustomErrorWithArgs(
        stakes.write.requestUnstake([agentId, 101n * TOKEN]),
        stakes,
        "InsufficientStake",
        [agentId, 100n * TOKEN, 101n * TOKEN],
      );
      const asBob = await at.StakeManager(bob);
      await viem.assertions.revertWithCustomErrorWithArgs(
        asBob.write.requestUnstake([agentId, TOKEN]),
        stakes,
        "NotAuthorizedForAgent",
        [getAddress(bob.account.address), agentId],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        asBob.write.withdraw([agentId]),
        stakes,
        "NotAuthorizedForAgent",
        [getAddress(bob.account.address), agentId],
      );
    });
  });

  describe("lock", () => {
    it("only slashers lock and unlock", async () => {
      const { at, alice, agentId } = await loadFixture(deployed);
      const stakes = await at.StakeManager(alice);
      for (const call of [() => stakes.write.lock([agentId, TOKEN]), () => stakes.write.unlock([agentId, TOKEN])]) {
        await viem.assertions.revertWithCustomErrorWithArgs(call(), stakes, "AccessControlUnauthorizedAccount", [
          getAddress(alice.account.address),
          keccak256(toHex("SLASHER_ROLE")),
        ]);
      }
    });

    it("locks add up to at most the active stake, return it, and unlock releases at most what is locked", async () => {
      const { at, deployer, agentId, mined } = await loadFixture(withSlasher);
      const stakes = await at.StakeManager();
      const slasher = getAddress(deployer.account.address);
      expect((await stakes.simulate.lock([agentId, 30n * TOKEN])).result).to.equal(100n * TOKEN);
      await viem.assertions.emitWithArgs(stakes.write.lock([agentId, 30n * TOKEN]), stakes, "StakeLocked", [
        agentId,
        slasher,
        30n * TOKEN,
        30n * TOKEN,
      ]);
      await mined(stakes.write.lock([agentId, 50n * TOKEN]));
      expect(await stakes.read.lockedOf([agentId])).to.equal(80n * TOKEN);
      await viem.assertions.revertWithCustomErrorWithArgs(
        stakes.write.lock([agentId, 21n * TOKEN]),
        stakes,
        "StakeIsLocked",
        [agentId, 100n * TOKEN, 80n * TOKEN, 21n * TOKEN],
      );
      await viem.assertions.emitWithArgs(stakes.write.unlock([agentId, 50n * TOKEN]), stakes, "StakeUnlocked", [
        agentId,
        slasher,
        50n * TOKEN,
        30n * TOKEN,
      ]);
      await viem.assertions.emitWithArgs(stakes.write.unlock([agentId, 99n * TOKEN]), stakes, "StakeUnlocked", [
        agentId,
        slasher,
        30n * TOKEN,
        0n,
      ]);
      expect(await stakes.read.lockedOf([agentId])).to.equal(0n);
    });

    it("locked stake cannot be unstaken; the rest can", async () => {
      const { at, alice, agentId, mined } = await loadFixture(withSlasher);
      await mined((await at.StakeManager()).write.lock([agentId, 70n * TOKEN]));
      const stakes = await at.StakeManager(alice);
      await viem.assertions.revertWithCustomErrorWithArgs(
        stakes.write.requestUnstake([agentId, 31n * TOKEN]),
        stakes,
        "StakeIsLocked",
        [agentId, 100n * TOKEN, 70n * TOKEN, 31n * TOKEN],
      );
      await mined(stakes.write.requestUnstake([agentId, 30n * TOKEN]));
      expect(await stakes.read.stakeOf([agentId])).to.equal(70n * TOKEN);
    });

    it("when another slash cuts the active stake below the lock, that much unbonding stake stays behind", async () => {
      const { at, alice, carol, agentId, mined } = await loadFixture(withSlasher);
      const slasher = await at.StakeManager();
      await mined(slasher.write.lock([agentId, 60n * TOKEN]));
      const stakes = await at.StakeManager(alice);
      await mined(stakes.write.requestUnstake([agentId, 40n * TOKEN]));
      // Another slasher takes 50 of the 60 active: the lock (60) is 50 short of the active stake (10).
      await mined(
        slasher.write.slash([agentId, 50n * TOKEN, carol.account.address, stringToHex("other", { size: 32 })]),
      );
      await time.increase(DAY);
      // All 40 unbonding are held back (shortfall 50 > 40): nothing can be withdrawn.
      await viem.assertions.revertWithCustomErrorWithArgs(stakes.write.withdraw([agentId]), stakes, "StakeIsLocked", [
        agentId,
        10n * TOKEN,
        60n * TOKEN,
        40n * TOKEN,
      ]);
      // Once the lock is released down to 30 (shortfall 20), 20 can leave and 20 stay slashable.
      await mined(slasher.write.unlock([agentId, 30n * TOKEN]));
      await viem.assertions.emitWithArgs(stakes.write.withdraw([agentId]), stakes, "Withdrawn", [
        agentId,
        getAddress(alice.account.address),
        20n * TOKEN,
        20n * TOKEN,
      ]);
      const [left] = await stakes.read.unbondingOf([agentId]);
      expect(left).to.equal(20n * TOKEN);
      expect(await stakes.read.totalUnbonding()).to.equal(20n * TOKEN);
    });
  });

  describe("stakeAt", () => {
    it("answers for past seconds from the history and refuses the present", async () => {
      const { at, alice, agentId, mined } = await loadFixture(deployed);
      const stakes = await at.StakeManager(alice);
      const t1 = BigInt(await time.latest());
      await time.increase(10);
      await mined(stakes.write.requestUnstake([agentId, 30n * TOKEN]));
      const t2 = BigInt(await time.latest());
      await time.increase(10);
      expect(await stakes.read.stakeAt([agentId, Number(t1)])).to.equal(100n * TOKEN);
      expect(await stakes.read.stakeAt([agentId, Number(t2 - 1n)])).to.equal(100n * TOKEN);
      expect(await stakes.read.stakeAt([agentId, Number(t2)])).to.equal(70n * TOKEN);
      expect(await stakes.read.stakeAt([agentId, 1])).to.equal(0n);
      const now = BigInt(await time.latest());
      await viem.assertions.revertWithCustomError(
        stakes.read.stakeAt([agentId, Number(now + 100n)]),
        stakes,
        "FutureLookup",
      );
    });

    it("refuses the current second itself: its stake can still change within the block", async () => {
      const { at, agentId } = await loadFixture(deployed);
      const stakes = await at.StakeManager();
      await time.increase(10);
      // A call at the latest block runs with that block's timestamp as block.timestamp.
      const now = BigInt(await time.latest());
      expect(await stakes.read.stakeAt([agentId, Number(now - 1n)])).to.equal(100n * TOKEN);
      await viem.assertions.revertWithCustomErrorWithArgs(
        stakes.read.stakeAt([agentId, Number(now)]),
        stakes,
        "FutureLookup",
        [now, now],
      );
    });
  });

  describe("slash", () => {
    it("only slashers may slash", async () => {
      const { at, alice, agentId } = await loadFixture(deployed);
      const stakes = await at.StakeManager(alice);
      await viem.assertions.revertWithCustomErrorWithArgs(
        stakes.write.slash([agentId, TOKEN, alice.account.address, stringToHex("x", { size: 32 })]),
        stakes,
        "AccessControlUnauthorizedAccount",
        [getAddress(alice.account.address), keccak256(toHex("SLASHER_ROLE"))],
      );
    });

    it("takes active stake first, then unbonding, caps at what exists, and pays the recipient", async () => {
      const { at, alice, carol, agentId, mined } = await loadFixture(withSlasher);
      await mined((await at.StakeManager(alice)).write.requestUnstake([agentId, 30n * TOKEN]));
      const stakes = await at.StakeManager();
      const reason = stringToHex("misbehaviour", { size: 32 });
      const tx = stakes.write.slash([agentId, 90n * TOKEN, carol.account.address, reason]);
      await viem.assertions.emitWithArgs(tx, stakes, "Slashed", [
        agentId,
        getAddress((await viem.getWalletClients())[0]!.account.address),
        90n * TOKEN,
        getAddress(carol.account.address),
        reason,
        0n,
        10n * TOKEN,
        0n,
      ]);
      expect(await (await at.StakeToken()).read.balanceOf([carol.account.address])).to.equal(90n * TOKEN);
      expect(await stakes.read.unbondingOf([agentId])).to.deep.equal([
        10n * TOKEN,
        (await stakes.read.unbondingOf([agentId]))[1],
      ]);
      expect(await stakes.read.totalUnbonding()).to.equal(10n * TOKEN);

      // Asking for more than is left takes what is left.
      await mined(stakes.write.slash([agentId, 1_000n * TOKEN, carol.account.address, reason]));
      expect(await stakes.read.unbondingOf([agentId])).to.deep.equal([
        0n,
        (await stakes.read.unbondingOf([agentId]))[1],
      ]);
      expect(await (await at.StakeToken()).read.balanceOf([carol.account.address])).to.equal(100n * TOKEN);
      // Nothing left: a slash takes nothing and transfers nothing.
      await mined(stakes.write.slash([agentId, TOKEN, carol.account.address, reason]));
      expect(await (await at.StakeToken()).read.balanceOf([carol.account.address])).to.equal(100n * TOKEN);
    });

    it("rejects the zero recipient", async () => {
      const { at, agentId } = await loadFixture(withSlasher);
      const stakes = await at.StakeManager();
      await viem.assertions.revertWithCustomError(
        stakes.write.slash([agentId, TOKEN, zeroAddress, stringToHex("x", { size: 32 })]),
        stakes,
        "ZeroRecipient",
      );
    });
  });

  describe("listener", () => {
    it("only the admin sets it", async () => {
      const { at, alice, c } = await loadFixture(deployed);
      const stakes = await at.StakeManager(alice);
      await viem.assertions.revertWithCustomError(
        stakes.write.setStakeListener([c.LeaderElection!]),
        stakes,
        "AccessControlUnauthorizedAccount",
      );
      const asAdmin = await at.StakeManager();
      await viem.assertions.emitWithArgs(asAdmin.write.setStakeListener([zeroAddress]), asAdmin, "StakeListenerSet", [
        zeroAddress,
      ]);
    });

    it("without a listener, stake changes still work", async () => {
      const { at, alice, agentId, mined } = await loadFixture(deployed);
      await mined((await at.StakeManager()).write.setStakeListener([zeroAddress]));
      await mined((await at.StakeManager(alice)).write.requestUnstake([agentId, TOKEN]));
      expect(await (await at.StakeManager()).read.stakeOf([agentId])).to.equal(99n * TOKEN);
    });
  });
});
