import { expect } from "chai";
import { network } from "hardhat";
import { encodeAbiParameters, getAddress, keccak256, stringToHex, toHex } from "viem";
import { deployAll, registerAgent, TOKEN } from "../../helpers/fixtures.ts";

const { viem, networkHelpers } = await network.create();
const { loadFixture } = networkHelpers;

const CHANNEL = keccak256(toHex("swarm/announcements"));
const NAME = stringToHex("orders", { size: 32 });

/** alice's agent a and bob's agent b; group 1 has only a. */
async function deployed() {
  const f = await deployAll(viem);
  const a = await f.agentWithStake(f.alice, TOKEN);
  const b = await registerAgent(viem, f.c.IdentityRegistry!, f.bob);
  const election = await f.at.LeaderElection();
  await f.mined(
    election.write.createGroup([
      NAME,
      { epochDuration: 3_600n, heartbeatTimeout: 60n, minStake: 0n, failoverSlash: 0n },
    ]),
  );
  await f.mined((await f.at.LeaderElection(f.alice)).write.join([1n, a]));
  const bus = await f.at.MessageBus();
  const as = (w: typeof f.alice) => f.at.MessageBus(w);
  return { ...f, a, b, bus, as };
}

describe("MessageBus", () => {
  it("post broadcasts on a channel with consecutive sequence numbers", async () => {
    const f = await loadFixture(deployed);
    await viem.assertions.emitWithArgs(
      (await f.as(f.alice)).write.post([f.a, CHANNEL, "0x01"]),
      f.bus,
      "ChannelMessage",
      [CHANNEL, f.a, 1n, "0x01"],
    );
    await viem.assertions.emitWithArgs(
      (await f.as(f.bob)).write.post([f.b, CHANNEL, "0x0203"]),
      f.bus,
      "ChannelMessage",
      [CHANNEL, f.b, 2n, "0x0203"],
    );
    expect(await f.bus.read.channelSeq([CHANNEL])).to.equal(2n);
    expect(await f.bus.read.channelGroup([CHANNEL])).to.equal(0n);
  });

  it("send delivers to an inbox with its own sequence numbers", async () => {
    const f = await loadFixture(deployed);
    await viem.assertions.emitWithArgs((await f.as(f.alice)).write.send([f.a, f.b, "0xaa"]), f.bus, "DirectMessage", [
      f.b,
      f.a,
      1n,
      "0xaa",
    ]);
    await viem.assertions.emitWithArgs((await f.as(f.alice)).write.send([f.a, f.b, "0xbb"]), f.bus, "DirectMessage", [
      f.b,
      f.a,
      2n,
      "0xbb",
    ]);
    expect(await f.bus.read.inboxSeq([f.b])).to.equal(2n);
    expect(await f.bus.read.inboxSeq([f.a])).to.equal(0n);
    await viem.assertions.revertWithCustomErrorWithArgs(
      (await f.as(f.alice)).write.send([f.a, 99n, "0x"]),
      f.bus,
      "AgentNotFound",
      [99n],
    );
  });

  it("only an agent's authorised callers speak for it", async () => {
    const f = await loadFixture(deployed);
    await viem.assertions.revertWithCustomErrorWithArgs(
      (await f.as(f.eve)).write.post([f.a, CHANNEL, "0x"]),
      f.bus,
      "NotAuthorizedForAgent",
      [getAddress(f.eve.account.address), f.a],
    );
    await viem.assertions.revertWithCustomErrorWithArgs(
      (await f.as(f.eve)).write.send([f.a, f.b, "0x"]),
      f.bus,
      "NotAuthorizedForAgent",
      [getAddress(f.eve.account.address), f.a],
    );
  });

  it("a group channel takes only its members' posts", async () => {
    const f = await loadFixture(deployed);
    const channel = keccak256(
      encodeAbiParameters(
        [{ type: "string" }, { type: "uint256" }, { type: "bytes32" }],
        ["stigmergy.group-channel", 1n, NAME],
      ),
    );
    expect(await f.bus.read.groupChannel([1n, NAME])).to.equal(channel);
    await viem.assertions.emitWithArgs(f.bus.write.restrictChannel([1n, NAME]), f.bus, "ChannelRestricted", [
      channel,
      1n,
      NAME,
    ]);
    expect(await f.bus.read.channelGroup([channel])).to.equal(1n);
    await viem.assertions.emitWithArgs(
      (await f.as(f.alice)).write.post([f.a, channel, "0x01"]),
      f.bus,
      "ChannelMessage",
      [channel, f.a, 1n, "0x01"],
    );
    await viem.assertions.revertWithCustomErrorWithArgs(
      (await f.as(f.bob)).write.post([f.b, channel, "0x02"]),
      f.bus,
      "NotChannelMember",
      [channel, 1n, f.b],
    );
    expect(await f.bus.read.channelGroup([channel])).to.equal(1n);
  });

  it("a channel cannot be restricted once used, twice, or to an unknown group", async () => {
    const f = await loadFixture(deployed);
    const channel = await f.bus.read.groupChannel([1n, NAME]);
    // Someone posts on the group's channel id before it was restricted: it stays open.
    await f.mined((await f.as(f.bob)).write.post([f.b, channel, "0x"]));
    await viem.assertions.revertWithCustomErrorWithArgs(
      f.bus.write.restrictChannel([1n, NAME]),
      f.bus,
      "ChannelInUse",
      [channel, 1n],
    );
    const other = stringToHex("other", { size: 32 });
    await f.mined(f.bus.write.restrictChannel([1n, other]));
    await viem.assertions.revertWithCustomErrorWithArgs(
      f.bus.write.restrictChannel([1n, other]),
      f.bus,
      "ChannelInUse",
      [await f.bus.read.groupChannel([1n, other]), 0n],
    );
    for (const g of [0n, 2n]) {
      await viem.assertions.revertWithCustomErrorWithArgs(
        f.bus.write.restrictChannel([g, NAME]),
        f.bus,
        "UnknownGroup",
        [g],
      );
    }
  });

  it("refuses payloads above MAX_PAYLOAD", async () => {
    const f = await loadFixture(deployed);
    const big = `0x${"ab".repeat(16_385)}` as const;
    await viem.assertions.revertWithCustomErrorWithArgs(
      (await f.as(f.alice)).write.post([f.a, CHANNEL, big]),
      f.bus,
      "PayloadTooLarge",
      [16_385n, 16_384n],
    );
    await viem.assertions.revertWithCustomErrorWithArgs(
      (await f.as(f.alice)).write.send([f.a, f.b, big]),
      f.bus,
      "PayloadTooLarge",
      [16_385n, 16_384n],
    );
  });
});
