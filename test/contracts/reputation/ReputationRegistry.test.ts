import { expect } from "chai";
import { network } from "hardhat";
import { type Address, getAddress, zeroHash } from "viem";
import { deployTrustLayer, registerAgent, signAgentWallet, topicOf } from "../../helpers/fixtures.ts";

const { viem, networkHelpers } = await network.create();
const { loadFixture, time } = networkHelpers;

const MAX = 10n ** 38n;
const INT128_MAX = 2n ** 127n - 1n;

/** Alice owns agent 1; bob, carol, dave are clients; eve stays a stranger. */
async function deployed() {
  const f = await deployTrustLayer(viem);
  const agentId = await registerAgent(viem, f.identity.address, f.alice);
  const rep = (client: typeof f.alice) =>
    viem.getContractAt("ReputationRegistry", f.reputation.address, { client: { wallet: client } });
  const id = (client: typeof f.alice) =>
    viem.getContractAt("IdentityRegistry", f.identity.address, { client: { wallet: client } });
  const give = async (client: typeof f.alice, value: bigint, decimals: number, tag1 = "", tag2 = "") =>
    (await rep(client)).write.giveFeedback([agentId, value, decimals, tag1, tag2, "", "", zeroHash]);
  return { ...f, agentId, rep, id, give };
}

/** Independent reference for getSummary, with exact rationals in BigInt. */
function referenceSummary(entries: { value: bigint; decimals: number }[]) {
  if (entries.length === 0) return [0n, 0n, 0] as const;
  let d = Math.max(...entries.map((e) => e.decimals));
  // Numerator at scale 10^d of the exact sum (every entry has decimals <= d).
  const sumAtD = entries.reduce((s, e) => s + e.value * 10n ** BigInt(d - e.decimals), 0n);
  const n = BigInt(entries.length);
  for (; ; d--) {
    const scale = 10n ** BigInt(Math.max(...entries.map((e) => e.decimals)) - d);
    const q = sumAtD / (n * scale); // BigInt division truncates toward zero
    if (q <= INT128_MAX && q >= -INT128_MAX - 1n) return [n, q, d] as const;
  }
}

describe("ReputationRegistry", () => {
  it("knows its identity registry", async () => {
    const { reputation, identity } = await loadFixture(deployed);
    expect(getAddress(await reputation.read.getIdentityRegistry())).to.equal(getAddress(identity.address));
  });

  describe("giveFeedback", () => {
    it("keeps any tags exactly: up to 13 bytes together in the entry's one word, longer ones beside it", async () => {
      const { reputation, agentId, bob, give } = await loadFixture(deployed);
      const long = "a-tag-much-longer-than-thirty-two-bytes-in-all";
      const cases: [string, string][] = [
        ["", ""],
        ["task", "accepted"],
        ["task", "abandoned"], // 13 bytes: the most kept inline
        ["task", "abandoned!"], // 14 bytes: beside the entry
        ["", "thirteen-byte"],
        ["thirteen-byte", ""],
        [long, "x"],
        ["x", long],
        ["é✓", "ü"], // multi-byte UTF-8
      ];
      for (const [i, [tag1, tag2]] of cases.entries()) {
        await give(bob, BigInt(-i) * 7n, i % 3, tag1, tag2);
        expect(await reputation.read.readFeedback([agentId, bob.account.address, BigInt(i + 1)])).to.deep.equal([
          BigInt(-i) * 7n,
          i % 3,
          tag1,
          tag2,
          false,
        ]);
      }
      // Filters see the same tags, inline or beside the entry.
      for (const [tag1, tag2] of cases.filter(([a, b]) => a !== "" && b !== "")) {
        const [clients, indexes] = await reputation.read.readAllFeedback([
          agentId,
          [bob.account.address],
          tag1,
          tag2,
          false,
        ]);
        expect(clients).to.have.length(1);
        const [count] = await reputation.read.getSummary([agentId, [bob.account.address], tag1, tag2]);
        expect(count).to.equal(1n);
        const [, , , , t1, t2] = await reputation.read.readAllFeedback([agentId, [bob.account.address], "", "", false]);
        expect(t1[Number(indexes[0]!) - 1]).to.equal(tag1);
        expect(t2[Number(indexes[0]!) - 1]).to.equal(tag2);
      }
      // Revoking keeps the value, decimals and tags.
      await (
        await viem.getContractAt("ReputationRegistry", reputation.address, { client: { wallet: bob } })
      ).write.revokeFeedback([agentId, 7n]);
      expect(await reputation.read.readFeedback([agentId, bob.account.address, 7n])).to.deep.equal([
        -42n,
        0,
        long,
        "x",
        true,
      ]);
    });

    it("stores the entry, numbers it per client from 1, lists the client once, and emits every field", async () => {
      const { reputation, agentId, bob, rep } = await loadFixture(deployed);
      const feedbackHash = `0x${"ab".repeat(32)}` as const;
      const tx = (await rep(bob)).write.giveFeedback([
        agentId,
        9977n,
        2,
        "uptime",
        "week",
        "https://agent.example/api",
        "ipfs://feedback",
        feedbackHash,
      ]);
      await viem.assertions.emitWithArgs(tx, reputation, "NewFeedback", [
        agentId,
        getAddress(bob.account.address),
        1n,
        9977n,
        2,
        topicOf("uptime"),
        "uptime",
        "week",
        "https://agent.example/api",
        "ipfs://feedback",
        feedbackHash,
      ]);
      await (await rep(bob)).write.giveFeedback([agentId, -5n, 0, "", "", "", "", zeroHash]);
      expect(await reputation.read.getLastIndex([agentId, bob.account.address])).to.equal(2n);
      expect(await reputation.read.readFeedback([agentId, bob.account.address, 1n])).to.deep.equal([
        9977n,
        2,
        "uptime",
        "week",
        false,
      ]);
      expect(await reputation.read.readFeedback([agentId, bob.account.address, 2n])).to.deep.equal([
        -5n,
        0,
        "",
        "",
        false,
      ]);
      expect((await reputation.read.getClients([agentId])).map((a) => getAddress(a))).to.deep.equal([
        getAddress(bob.account.address),
      ]);
    });

    it("accepts the bounds: |value| = 1e38 and 18 decimals", async () => {
      const { reputation, agentId, bob, give } = await loadFixture(deployed);
      await give(bob, MAX, 18);
      await give(bob, -MAX, 0);
      expect((await reputation.read.readFeedback([agentId, bob.account.address, 2n]))[0]).to.equal(-MAX);
    });

    it("rejects more than 18 decimals and |value| above 1e38", async () => {
      const { reputation, bob, give } = await loadFixture(deployed);
      await viem.assertions.revertWithCustomErrorWithArgs(give(bob, 1n, 19), reputation, "InvalidValueDecimals", [19]);
      await viem.assertions.revertWithCustomErrorWithArgs(
        give(bob, MAX + 1n, 0),
        reputation,
        "FeedbackValueOutOfRange",
        [MAX + 1n],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        give(bob, -MAX - 1n, 0),
        reputation,
        "FeedbackValueOutOfRange",
        [-MAX - 1n],
      );
    });

    it("rejects feedback on an unknown agent", async () => {
      const { reputation, bob, rep } = await loadFixture(deployed);
      await viem.assertions.revertWithCustomErrorWithArgs(
        (await rep(bob)).write.giveFeedback([9n, 1n, 0, "", "", "", "", zeroHash]),
        reputation,
        "AgentNotFound",
        [9n],
      );
    });

    it("rejects self-feedback by the owner, a token operator, an all-tokens operator and the agentWallet", async () => {
      const { reputation, identity, agentId, alice, bob, carol, dave, id, give, publicClient } =
        await loadFixture(deployed);
      const expectSelf = async (client: typeof alice) =>
        viem.assertions.revertWithCustomErrorWithArgs(give(client, 100n, 0), reputation, "SelfFeedback", [
          agentId,
          getAddress(client.account.address),
        ]);
      await expectSelf(alice);
      await (await id(alice)).write.approve([bob.account.address, agentId]);
      await expectSelf(bob);
      await (await id(alice)).write.setApprovalForAll([carol.account.address, true]);
      await expectSelf(carol);
      const deadline = BigInt(await time.latest()) + 120n;
      const signature = await signAgentWallet(dave, {
        chainId: await publicClient.getChainId(),
        registry: identity.address,
        agentId,
        owner: alice.account.address,
        deadline,
      });
      await (await id(alice)).write.setAgentWallet([agentId, dave.account.address, deadline, signature]);
      await expectSelf(dave);
    });
  });

  describe("revokeFeedback", () => {
    it("marks the caller's own entry revoked, once", async () => {
      const { reputation, agentId, bob, rep, give } = await loadFixture(deployed);
      await give(bob, 10n, 0);
      const tx = (await rep(bob)).write.revokeFeedback([agentId, 1n]);
      await viem.assertions.emitWithArgs(tx, reputation, "FeedbackRevoked", [
        agentId,
        getAddress(bob.account.address),
        1n,
      ]);
      expect((await reputation.read.readFeedback([agentId, bob.account.address, 1n]))[4]).to.equal(true);
      await viem.assertions.revertWithCustomErrorWithArgs(
        (await rep(bob)).write.revokeFeedback([agentId, 1n]),
        reputation,
        "FeedbackAlreadyRevoked",
        [agentId, getAddress(bob.account.address), 1n],
      );
    });

    it("cannot touch index 0, an index past the last, or another client's entry", async () => {
      const { reputation, agentId, bob, carol, rep, give } = await loadFixture(deployed);
      await give(bob, 10n, 0);
      for (const [client, index] of [
        [bob, 0n],
        [bob, 2n],
        [carol, 1n],
      ] as const) {
        await viem.assertions.revertWithCustomErrorWithArgs(
          (await rep(client)).write.revokeFeedback([agentId, index]),
          reputation,
          "FeedbackNotFound",
          [agentId, getAddress(client.account.address), index],
        );
      }
    });
  });

  describe("responses", () => {
    it("anyone appends responses; counts filter by client, entry and responder", async () => {
      const { reputation, agentId, alice, bob, carol, dave, rep, give } = await loadFixture(deployed);
      await give(bob, 10n, 0);
      await give(bob, 20n, 0);
      await give(carol, 30n, 0);
      const respond = async (who: typeof alice, client: Address, index: bigint) =>
        (await rep(who)).write.appendResponse([agentId, client, index, "ipfs://response", zeroHash]);
      await viem.assertions.emitWithArgs(respond(alice, bob.account.address, 1n), reputation, "ResponseAppended", [
        agentId,
        getAddress(bob.account.address),
        1n,
        getAddress(alice.account.address),
        "ipfs://response",
        zeroHash,
      ]);
      await respond(alice, bob.account.address, 1n);
      await respond(dave, bob.account.address, 1n);
      await respond(dave, bob.account.address, 2n);
      await respond(alice, carol.account.address, 1n);

      const count = (client: Address, index: bigint, responders: Address[]) =>
        reputation.read.getResponseCount([agentId, client, index, responders]);
      const zero = "0x0000000000000000000000000000000000000000" as const;
      expect(await count(bob.account.address, 1n, [])).to.equal(3n);
      expect(await count(bob.account.address, 1n, [alice.account.address])).to.equal(2n);
      expect(await count(bob.account.address, 1n, [dave.account.address])).to.equal(1n);
      expect(await count(bob.account.address, 0n, [])).to.equal(4n);
      expect(await count(bob.account.address, 0n, [dave.account.address])).to.equal(2n);
      expect(await count(zero, 0n, [])).to.equal(5n);
      expect(await count(zero, 0n, [alice.account.address])).to.equal(3n);
      expect(await count(carol.account.address, 1n, [dave.account.address])).to.equal(0n);
    });

    it("rejects an empty URI and a missing entry", async () => {
      const { reputation, agentId, alice, bob, rep, give } = await loadFixture(deployed);
      await give(bob, 10n, 0);
      await viem.assertions.revertWithCustomError(
        (await rep(alice)).write.appendResponse([agentId, bob.account.address, 1n, "", zeroHash]),
        reputation,
        "EmptyResponseURI",
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        (await rep(alice)).write.appendResponse([agentId, bob.account.address, 2n, "ipfs://r", zeroHash]),
        reputation,
        "FeedbackNotFound",
        [agentId, getAddress(bob.account.address), 2n],
      );
    });
  });

  describe("readFeedback", () => {
    it("reports a missing entry", async () => {
      const { reputation, agentId, bob } = await loadFixture(deployed);
      await viem.assertions.revertWithCustomErrorWithArgs(
        reputation.read.readFeedback([agentId, bob.account.address, 1n]),
        reputation,
        "FeedbackNotFound",
        [agentId, getAddress(bob.account.address), 1n],
      );
    });
  });

  describe("getSummary", () => {
    it("requires client addresses", async () => {
      const { reputation, agentId } = await loadFixture(deployed);
      await viem.assertions.revertWithCustomError(
        reputation.read.getSummary([agentId, [], "", ""]),
        reputation,
        "ClientAddressesRequired",
      );
    });

    it("averages mixed decimals at the finest precision, rounding toward zero once", async () => {
      const { reputation, agentId, bob, carol, give } = await loadFixture(deployed);
      await give(bob, 9977n, 2); // 99.77
      await give(carol, 89n, 0); // 89
      // (99.77 + 89) / 2 = 94.385 -> 94.38 at 2 decimals
      expect(
        await reputation.read.getSummary([agentId, [bob.account.address, carol.account.address], "", ""]),
      ).to.deep.equal([2n, 9438n, 2]);
      await give(bob, -32n, 1); // -3.2
      // (99.77 + 89 - 3.2) / 3 = 61.8566.. -> 61.85
      expect(
        await reputation.read.getSummary([agentId, [bob.account.address, carol.account.address], "", ""]),
      ).to.deep.equal([3n, 6185n, 2]);
    });

    it("rounds negative means toward zero", async () => {
      const { reputation, agentId, bob, carol, give } = await loadFixture(deployed);
      await give(bob, -1n, 0);
      await give(carol, 0n, 0);
      expect(
        await reputation.read.getSummary([agentId, [bob.account.address, carol.account.address], "", ""]),
      ).to.deep.equal([2n, 0n, 0]);
      await give(carol, -2n, 0);
      // (-1 + 0 - 2) / 3 = -1
      expect(
        await reputation.read.getSummary([agentId, [bob.account.address, carol.account.address], "", ""]),
      ).to.deep.equal([3n, -1n, 0]);
    });

    it("never overflows silently: extreme values at mixed decimals drop precision until the mean fits", async () => {
      const { reputation, agentId, bob, carol, give } = await loadFixture(deployed);
      // 1e38 at 18 decimals is 1e20; 1e38 at 0 decimals is 1e38. The mean, 5e37 + 5e19, does not
      // fit in int128 at 18 decimals (the canonical implementation's cast would wrap here).
      await give(bob, MAX, 18);
      await give(carol, MAX, 0);
      const clients = [bob.account.address, carol.account.address];
      expect(await reputation.read.getSummary([agentId, clients, "", ""])).to.deep.equal([
        2n,
        5n * 10n ** 37n + 5n * 10n ** 19n,
        0,
      ]);
      await give(bob, -MAX, 0);
      await give(carol, -MAX, 0);
      await give(carol, -MAX, 0);
      const entries = [
        { value: MAX, decimals: 18 },
        { value: MAX, decimals: 0 },
        { value: -MAX, decimals: 0 },
        { value: -MAX, decimals: 0 },
        { value: -MAX, decimals: 0 },
      ];
      const [count, value, decimals] = await reputation.read.getSummary([agentId, clients, "", ""]);
      expect([count, value, decimals]).to.deep.equal([...referenceSummary(entries)]);
    });

    it("keeps decimals when the mean lands exactly on the int128 bounds", async () => {
      const { reputation, agentId, bob, carol, dave, eve, give } = await loadFixture(deployed);
      const X = 34028236692093846346337460743176821145n; // 5X + 2 = 2^127 - 1
      await give(bob, X, 0);
      await give(carol, 4n, 1);
      expect(
        await reputation.read.getSummary([agentId, [bob.account.address, carol.account.address], "", ""]),
      ).to.deep.equal([2n, INT128_MAX, 1]);
      await give(dave, -X, 0);
      await give(eve, -6n, 1);
      expect(
        await reputation.read.getSummary([agentId, [dave.account.address, eve.account.address], "", ""]),
      ).to.deep.equal([2n, -INT128_MAX - 1n, 1]);
    });

    it("keeps as many decimals as fit", async () => {
      const { reputation, agentId, bob, carol, give } = await loadFixture(deployed);
      await give(bob, MAX, 0); // 1e38
      await give(carol, 1n, 1); // 0.1
      // mean = 5e37 + 0.05: at 1 decimal 5e38 + 0 does not fit int128 (1.7e38), so 0 decimals.
      expect(
        await reputation.read.getSummary([agentId, [bob.account.address, carol.account.address], "", ""]),
      ).to.deep.equal([2n, 5n * 10n ** 37n, 0]);
    });

    it("filters by tags, skips revoked entries and counts a repeated client once", async () => {
      const { reputation, agentId, bob, carol, rep, give } = await loadFixture(deployed);
      await give(bob, 80n, 0, "task", "accepted");
      await give(bob, 0n, 0, "task", "rejected");
      await give(carol, 100n, 0, "task", "accepted");
      await give(carol, 7n, 0, "speed", "");
      const both = [bob.account.address, carol.account.address, bob.account.address];
      expect(await reputation.read.getSummary([agentId, both, "task", ""])).to.deep.equal([3n, 60n, 0]);
      expect(await reputation.read.getSummary([agentId, both, "task", "accepted"])).to.deep.equal([2n, 90n, 0]);
      expect(await reputation.read.getSummary([agentId, both, "", "accepted"])).to.deep.equal([2n, 90n, 0]);
      expect(await reputation.read.getSummary([agentId, [carol.account.address], "", ""])).to.deep.equal([2n, 53n, 0]);
      await (await rep(bob)).write.revokeFeedback([agentId, 2n]);
      expect(await reputation.read.getSummary([agentId, both, "task", ""])).to.deep.equal([2n, 90n, 0]);
      expect(await reputation.read.getSummary([agentId, both, "nothing", ""])).to.deep.equal([0n, 0n, 0]);
    });

    it("matches an independent BigInt reference on a seeded random set", async () => {
      const { reputation, agentId, bob, carol, dave, give } = await loadFixture(deployed);
      let seed = 0x5eedn;
      const next = () => (seed = (seed * 6364136223846793005n + 1442695040888963407n) % 2n ** 64n);
      const clients = [bob, carol, dave];
      const entries: { value: bigint; decimals: number }[] = [];
      for (let i = 0; i < 24; i++) {
        const decimals = Number(next() % 19n);
        const magnitude = i % 5 === 0 ? MAX - (next() % 1000n) : next() % 10n ** BigInt(1 + Number(next() % 30n));
        const value = next() % 2n === 0n ? magnitude : -magnitude;
        entries.push({ value, decimals });
        await give(clients[i % 3]!, value, decimals);
      }
      const got = await reputation.read.getSummary([agentId, clients.map((c) => c.account.address), "", ""]);
      expect([...got]).to.deep.equal([...referenceSummary(entries)]);
    });
  });

  describe("readAllFeedback", () => {
    it("returns every matching entry as parallel arrays, optionally with revoked ones", async () => {
      const { reputation, agentId, bob, carol, rep, give } = await loadFixture(deployed);
      await give(bob, 1n, 0, "a", "x");
      await give(carol, 2n, 1, "b", "");
      await give(bob, 3n, 2, "a", "y");
      await (await rep(bob)).write.revokeFeedback([agentId, 1n]);

      const [clients, indexes, values, decimals, tag1s, tag2s, revoked] = await reputation.read.readAllFeedback([
        agentId,
        [],
        "",
        "",
        false,
      ]);
      expect(clients.map((a) => getAddress(a))).to.deep.equal([
        getAddress(bob.account.address),
        getAddress(carol.account.address),
      ]);
      expect(indexes).to.deep.equal([2n, 1n]);
      expect(values).to.deep.equal([3n, 2n]);
      expect(decimals).to.deep.equal([2, 1]);
      expect(tag1s).to.deep.equal(["a", "b"]);
      expect(tag2s).to.deep.equal(["y", ""]);
      expect(revoked).to.deep.equal([false, false]);

      const all = await reputation.read.readAllFeedback([agentId, [], "a", "", true]);
      expect(all[1]).to.deep.equal([1n, 2n]);
      expect(all[6]).to.deep.equal([true, false]);

      const filtered = await reputation.read.readAllFeedback([
        agentId,
        [carol.account.address, carol.account.address],
        "",
        "",
        true,
      ]);
      expect(filtered[0].map((a) => getAddress(a))).to.deep.equal([getAddress(carol.account.address)]);
      expect((await reputation.read.readAllFeedback([agentId, [], "", "y", true]))[2]).to.deep.equal([3n]);
    });
  });

  describe("paged reads", () => {
    it("getClientsPage pages through clients in first-feedback order", async () => {
      const { reputation, agentId, bob, carol, dave, eve, give } = await loadFixture(deployed);
      for (const c of [bob, carol, dave, eve, bob]) await give(c, 1n, 0);
      const order = [bob, carol, dave, eve].map((c) => getAddress(c.account.address));
      const page = async (offset: bigint, limit: bigint) => {
        const [clients, total] = await reputation.read.getClientsPage([agentId, offset, limit]);
        return [clients.map((a) => getAddress(a)), total] as const;
      };
      expect(await page(0n, 2n)).to.deep.equal([order.slice(0, 2), 4n]);
      expect(await page(2n, 2n)).to.deep.equal([order.slice(2, 4), 4n]);
      expect(await page(3n, 10n)).to.deep.equal([order.slice(3), 4n]);
      expect(await page(4n, 10n)).to.deep.equal([[], 4n]);
      expect(await page(100n, 1n)).to.deep.equal([[], 4n]);
      expect(await page(0n, 0n)).to.deep.equal([[], 4n]);
    });

    it("readFeedbackPage pages through one client's entries, revoked included", async () => {
      const { reputation, agentId, bob, rep, give } = await loadFixture(deployed);
      for (let i = 1n; i <= 5n; i++) await give(bob, i * 10n, 1, `t${i}`, "");
      await (await rep(bob)).write.revokeFeedback([agentId, 3n]);
      const [page, last] = await reputation.read.readFeedbackPage([agentId, bob.account.address, 2n, 2n]);
      expect(last).to.equal(5n);
      expect(page.map((r) => [r.feedbackIndex, r.value, r.tag1, r.isRevoked])).to.deep.equal([
        [2n, 20n, "t2", false],
        [3n, 30n, "t3", true],
      ]);
      expect(getAddress(page[0]!.client)).to.equal(getAddress(bob.account.address));
      const [fromZero] = await reputation.read.readFeedbackPage([agentId, bob.account.address, 0n, 1n]);
      expect(fromZero.map((r) => r.feedbackIndex)).to.deep.equal([1n]);
      const [tail] = await reputation.read.readFeedbackPage([agentId, bob.account.address, 4n, 100n]);
      expect(tail.map((r) => r.feedbackIndex)).to.deep.equal([4n, 5n]);
      const [past] = await reputation.read.readFeedbackPage([agentId, bob.account.address, 6n, 3n]);
      expect(past).to.deep.equal([]);
    });
  });
});
