import { expect } from "chai";
import { network } from "hardhat";
import { getAddress, keccak256, toHex } from "viem";
import { deployAll, registerAgent } from "../../helpers/fixtures.ts";

const { viem, networkHelpers } = await network.create();
const { loadFixture, time } = networkHelpers;
const KEY = keccak256(toHex("shared/output.csv"));

async function deployed() {
  const f = await deployAll(viem);
  const a = await registerAgent(viem, f.c.IdentityRegistry!, f.alice);
  const b = await registerAgent(viem, f.c.IdentityRegistry!, f.bob);
  const locks = await f.at.LockManager();
  const as = (w: typeof f.alice) => f.at.LockManager(w);
  return { ...f, a, b, locks, as };
}

describe("LockManager", () => {
  it("acquire gives a free lock the first fencing token until its ttl", async () => {
    const f = await loadFixture(deployed);
    const receipt = await f.mined((await f.as(f.alice)).write.acquire([KEY, f.a, 60n]));
    const now = (await f.publicClient.getBlock({ blockNumber: receipt.blockNumber })).timestamp;
    await viem.assertions.emitWithArgs(Promise.resolve(receipt.transactionHash), f.locks, "LockAcquired", [
      KEY,
      f.a,
      1n,
      now + 60n,
    ]);
    expect(await f.locks.read.holderOf([KEY])).to.deep.equal([f.a, 1n, now + 60n]);
  });

  it("another agent is refused while the lock is held; the holder extends it and keeps its token", async () => {
    const f = await loadFixture(deployed);
    await f.mined((await f.as(f.alice)).write.acquire([KEY, f.a, 60n]));
    const [, , expiresAt] = await f.locks.read.holderOf([KEY]);
    await viem.assertions.revertWithCustomErrorWithArgs(
      (await f.as(f.bob)).write.acquire([KEY, f.b, 60n]),
      f.locks,
      "LockHeld",
      [KEY, f.a, 1n, expiresAt],
    );
    await time.increase(30);
    const { result } = await (await f.as(f.alice)).simulate.acquire([KEY, f.a, 120n], {
      account: f.alice.account.address,
    });
    expect(result).to.equal(1n);
    await f.mined((await f.as(f.alice)).write.acquire([KEY, f.a, 120n]));
    const [holder, token, newExpiry] = await f.locks.read.holderOf([KEY]);
    expect([holder, token]).to.deep.equal([f.a, 1n]);
    expect(newExpiry > expiresAt).to.equal(true);
  });

  it("an expired lock can be taken by anyone, with a larger token", async () => {
    const f = await loadFixture(deployed);
    await f.mined((await f.as(f.alice)).write.acquire([KEY, f.a, 60n]));
    const [, , expiresAt] = await f.locks.read.holderOf([KEY]);
    await time.increaseTo(expiresAt);
    expect((await f.locks.read.holderOf([KEY]))[0]).to.equal(0n);
    await f.mined((await f.as(f.bob)).write.acquire([KEY, f.b, 60n]));
    expect((await f.locks.read.holderOf([KEY])).slice(0, 2)).to.deep.equal([f.b, 2n]);
    // The former holder's stale token can no longer release it.
    await viem.assertions.revertWithCustomErrorWithArgs(
      (await f.as(f.alice)).write.release([KEY, 1n]),
      f.locks,
      "StaleFencingToken",
      [KEY, 1n, 2n],
    );
  });

  it("a lease ends at its expiresAt second: another agent takes it in a block at exactly that time", async () => {
    const f = await loadFixture(deployed);
    await f.mined((await f.as(f.alice)).write.acquire([KEY, f.a, 60n]));
    const [, , expiresAt] = await f.locks.read.holderOf([KEY]);
    await time.setNextBlockTimestamp(expiresAt);
    const receipt = await f.mined((await f.as(f.bob)).write.acquire([KEY, f.b, 60n]));
    expect((await f.publicClient.getBlock({ blockNumber: receipt.blockNumber })).timestamp).to.equal(expiresAt);
    await viem.assertions.emitWithArgs(Promise.resolve(receipt.transactionHash), f.locks, "LockAcquired", [
      KEY,
      f.b,
      2n,
      expiresAt + 60n,
    ]);
    expect(await f.locks.read.holderOf([KEY])).to.deep.equal([f.b, 2n, expiresAt + 60n]);
  });

  it("release frees the lock, keeps the token, and the next holder gets token + 1", async () => {
    const f = await loadFixture(deployed);
    await f.mined((await f.as(f.alice)).write.acquire([KEY, f.a, 60n]));
    await viem.assertions.emitWithArgs((await f.as(f.alice)).write.release([KEY, 1n]), f.locks, "LockReleased", [
      KEY,
      f.a,
      1n,
    ]);
    expect(await f.locks.read.holderOf([KEY])).to.deep.equal([0n, 1n, 0n]);
    await viem.assertions.revertWithCustomErrorWithArgs(
      (await f.as(f.alice)).write.release([KEY, 1n]),
      f.locks,
      "LockNotHeld",
      [KEY],
    );
    await f.mined((await f.as(f.bob)).write.acquire([KEY, f.b, 60n]));
    expect((await f.locks.read.holderOf([KEY]))[1]).to.equal(2n);
  });

  it("only an agent's authorised callers acquire for it or release its lock", async () => {
    const f = await loadFixture(deployed);
    await viem.assertions.revertWithCustomErrorWithArgs(
      (await f.as(f.bob)).write.acquire([KEY, f.a, 60n]),
      f.locks,
      "NotAuthorizedForAgent",
      [getAddress(f.bob.account.address), f.a],
    );
    await f.mined((await f.as(f.alice)).write.acquire([KEY, f.a, 60n]));
    await viem.assertions.revertWithCustomErrorWithArgs(
      (await f.as(f.bob)).write.release([KEY, 1n]),
      f.locks,
      "NotAuthorizedForAgent",
      [getAddress(f.bob.account.address), f.a],
    );
  });

  it("rejects a zero ttl and one above MAX_TTL", async () => {
    const f = await loadFixture(deployed);
    const max = await f.locks.read.MAX_TTL();
    for (const ttl of [0n, max + 1n]) {
      await viem.assertions.revertWithCustomErrorWithArgs(
        (await f.as(f.alice)).write.acquire([KEY, f.a, ttl]),
        f.locks,
        "InvalidTtl",
        [ttl, max],
      );
    }
  });

  it("accepts a ttl of exactly MAX_TTL", async () => {
    const f = await loadFixture(deployed);
    const max = await f.locks.read.MAX_TTL();
    const receipt = await f.mined((await f.as(f.alice)).write.acquire([KEY, f.a, max]));
    const now = (await f.publicClient.getBlock({ blockNumber: receipt.blockNumber })).timestamp;
    expect(await f.locks.read.holderOf([KEY])).to.deep.equal([f.a, 1n, now + max]);
  });
});
