import { expect } from "chai";
import { network } from "hardhat";
import { type Address, encodePacked, getAddress, keccak256, toHex, zeroAddress } from "viem";
import { agentWalletTypes } from "../../../sdk/src/index.ts";
import { deployTrustLayer, registerAgent, signAgentWallet, topicOf, URI_60 } from "../../helpers/fixtures.ts";

const { viem, networkHelpers } = await network.create();
const { loadFixture, time } = networkHelpers;

const WALLET = "agentWallet";

async function deployed() {
  const f = await deployTrustLayer(viem);
  const chainId = await f.publicClient.getChainId();
  const as = (client: typeof f.alice) =>
    viem.getContractAt("IdentityRegistry", f.identity.address, { client: { wallet: client } });
  return { ...f, chainId, as };
}

/** Alice owns agent 1. */
async function withAgent() {
  const f = await deployed();
  const agentId = await registerAgent(viem, f.identity.address, f.alice);
  return { ...f, agentId };
}

/** A deadline `seconds` after the next block's timestamp, with that timestamp pinned. */
async function pinnedDeadline(seconds: bigint) {
  const next = BigInt(await time.latest()) + 10n;
  await time.setNextBlockTimestamp(next);
  return { deadline: next + seconds, timestamp: next };
}

describe("IdentityRegistry", () => {
  describe("deployment", () => {
    it("is an ERC-721 named for agents, with no agent yet", async () => {
      const { identity } = await loadFixture(deployed);
      expect(await identity.read.name()).to.equal("Stigmergy Agent Identity");
      expect(await identity.read.symbol()).to.equal("AGENT");
      expect(await identity.read.lastAgentId()).to.equal(0n);
      expect(await identity.read.exists([0n])).to.equal(false);
    });

    it("advertises ERC-165, ERC-721, ERC-721 metadata and ERC-4906", async () => {
      const { identity } = await loadFixture(deployed);
      for (const id of ["0x01ffc9a7", "0x80ac58cd", "0x5b5e139f", "0x49064906"] as const) {
        expect(await identity.read.supportsInterface([id]), id).to.equal(true);
      }
      expect(await identity.read.supportsInterface(["0xffffffff"])).to.equal(false);
    });

    it("uses the canonical EIP-712 domain", async () => {
      const { identity, chainId } = await loadFixture(deployed);
      const [, name, version, domainChainId, verifyingContract] = await identity.read.eip712Domain();
      expect(name).to.equal("ERC8004IdentityRegistry");
      expect(version).to.equal("1");
      expect(domainChainId).to.equal(BigInt(chainId));
      expect(getAddress(verifyingContract)).to.equal(getAddress(identity.address));
    });
  });

  describe("register", () => {
    it("register() mints id 1 to the caller with an empty URI and the owner as wallet", async () => {
      const { identity, alice, as } = await loadFixture(deployed);
      const tx = (await as(alice)).write.register();
      await viem.assertions.emitWithArgs(tx, identity, "Transfer", [
        zeroAddress,
        getAddress(alice.account.address),
        1n,
      ]);
      await viem.assertions.emitWithArgs(tx, identity, "Registered", [1n, "", getAddress(alice.account.address)]);
      await viem.assertions.emitWithArgs(tx, identity, "MetadataSet", [
        1n,
        topicOf(WALLET),
        WALLET,
        alice.account.address.toLowerCase() as `0x${string}`,
      ]);
      expect(getAddress(await identity.read.ownerOf([1n]))).to.equal(getAddress(alice.account.address));
      expect(await identity.read.tokenURI([1n])).to.equal("");
      expect(await identity.read.lastAgentId()).to.equal(1n);
      expect(await identity.read.exists([1n])).to.equal(true);
    });

    it("register(uri) assigns ids incrementally from 1 and stores the URI", async () => {
      const { identity, alice, bob, as } = await loadFixture(deployed);
      await viem.assertions.emitWithArgs((await as(alice)).write.register([URI_60]), identity, "Registered", [
        1n,
        URI_60,
        getAddress(alice.account.address),
      ]);
      await (await as(bob)).write.register(["https://b.example/agent.json"]);
      await (await as(alice)).write.register(["x"]);
      expect(await identity.read.tokenURI([1n])).to.equal(URI_60);
      expect(await identity.read.tokenURI([2n])).to.equal("https://b.example/agent.json");
      expect(await identity.read.tokenURI([3n])).to.equal("x");
      expect(await identity.read.balanceOf([alice.account.address])).to.equal(2n);
      expect(getAddress(await identity.read.ownerOf([2n]))).to.equal(getAddress(bob.account.address));
    });

    it("register(uri, metadata) stores each entry and emits MetadataSet for each", async () => {
      const { identity, alice, as } = await loadFixture(deployed);
      const entries = [
        { metadataKey: "agentName", metadataValue: toHex("scout-7") },
        { metadataKey: "model", metadataValue: toHex("x".repeat(100)) },
      ];
      const tx = (await as(alice)).write.register([URI_60, entries]);
      for (const e of entries) {
        await viem.assertions.emitWithArgs(tx, identity, "MetadataSet", [
          1n,
          topicOf(e.metadataKey),
          e.metadataKey,
          e.metadataValue,
        ]);
      }
      expect(await identity.read.getMetadata([1n, "agentName"])).to.equal(toHex("scout-7"));
      expect(await identity.read.getMetadata([1n, "model"])).to.equal(toHex("x".repeat(100)));
    });

    it("register(uri, metadata) rejects the reserved agentWallet key", async () => {
      const { identity, alice, bob, as } = await loadFixture(deployed);
      await viem.assertions.revertWithCustomErrorWithArgs(
        (await as(alice)).write.register([URI_60, [{ metadataKey: WALLET, metadataValue: bob.account.address }]]),
        identity,
        "ReservedMetadataKey",
        [WALLET],
      );
    });

    it("a contract that accepts ERC-721 tokens can register; one that does not cannot", async () => {
      const { identity } = await loadFixture(deployed);
      const accepting = await viem.deployContract("AgentOwnerMock", [identity.address, true]);
      await accepting.write.registerAgent(["ipfs://contract-agent"]);
      expect(await accepting.read.lastReceived()).to.equal(1n);
      expect(getAddress(await identity.read.ownerOf([1n]))).to.equal(getAddress(accepting.address));

      const refusing = await viem.deployContract("AgentOwnerMock", [identity.address, false]);
      await viem.assertions.revertWithCustomErrorWithArgs(
        refusing.write.registerAgent(["ipfs://x"]),
        identity,
        "ERC721InvalidReceiver",
        [getAddress(refusing.address)],
      );
    });
  });

  describe("agent URI", () => {
    it("the owner, a token operator and an all-tokens operator can set it", async () => {
      const { identity, alice, bob, carol, agentId, as } = await loadFixture(withAgent);
      const tx = (await as(alice)).write.setAgentURI([agentId, "ipfs://v2"]);
      await viem.assertions.emitWithArgs(tx, identity, "URIUpdated", [
        agentId,
        "ipfs://v2",
        getAddress(alice.account.address),
      ]);
      await viem.assertions.emitWithArgs(tx, identity, "MetadataUpdate", [agentId]);

      await (await as(alice)).write.approve([bob.account.address, agentId]);
      await (await as(bob)).write.setAgentURI([agentId, "ipfs://v3"]);
      expect(await identity.read.tokenURI([agentId])).to.equal("ipfs://v3");

      await (await as(alice)).write.setApprovalForAll([carol.account.address, true]);
      await viem.assertions.emitWithArgs(
        (await as(carol)).write.setAgentURI([agentId, "ipfs://v4"]),
        identity,
        "URIUpdated",
        [agentId, "ipfs://v4", getAddress(carol.account.address)],
      );
      expect(await identity.read.tokenURI([agentId])).to.equal("ipfs://v4");
    });

    it("anyone else is refused, and an unknown agent is reported", async () => {
      const { identity, bob, agentId, as } = await loadFixture(withAgent);
      await viem.assertions.revertWithCustomErrorWithArgs(
        (await as(bob)).write.setAgentURI([agentId, "ipfs://evil"]),
        identity,
        "NotOwnerOrOperator",
        [getAddress(bob.account.address), agentId],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        (await as(bob)).write.setAgentURI([99n, "ipfs://x"]),
        identity,
        "AgentNotFound",
        [99n],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        identity.read.tokenURI([99n]),
        identity,
        "ERC721NonexistentToken",
        [99n],
      );
    });

    it("round-trips every length around the packed-storage boundaries, shrinking and growing", async () => {
      const { identity, alice, agentId, as } = await loadFixture(withAgent);
      const owner = await as(alice);
      for (const n of [0, 1, 27, 28, 29, 31, 32, 33, 59, 60, 61, 64, 91, 92, 93, 200, 1000, 61, 30, 0, 95]) {
        const uri = Array.from({ length: n }, (_, i) => String.fromCharCode(97 + ((i * 7 + n) % 26))).join("");
        await owner.write.setAgentURI([agentId, uri]);
        expect(await identity.read.tokenURI([agentId]), `length ${n}`).to.equal(uri);
      }
    });
  });

  describe("metadata", () => {
    it(
      "reads back every value written, whatever the previous one: " +
        "32-byte words (one slot), zero words, short, long and empty values",
      async () => {
        const { identity, agentId, alice, as } = await loadFixture(withAgent);
        const word = `0x${"ab".repeat(32)}` as const;
        const otherWord = `0x${"cd".repeat(31)}00` as const;
        const zeroWord = `0x${"00".repeat(32)}` as const;
        const long = `0x${"ef".repeat(70)}` as const;
        const sequence = [
          word,
          "0x0102",
          otherWord,
          long,
          "0x",
          word,
          zeroWord,
          word,
          "0x",
          "0x",
          otherWord,
          word,
        ] as const;
        for (const value of sequence) {
          await (await as(alice)).write.setMetadata([agentId, "model", value]);
          expect(await identity.read.getMetadata([agentId, "model"])).to.equal(value);
        }
        expect(await identity.read.getMetadata([agentId, "never set"])).to.equal("0x");
      },
    );

    it("owner and operators set entries; reads return them; unknown keys and agents read empty", async () => {
      const { identity, alice, bob, agentId, as } = await loadFixture(withAgent);
      const tx = (await as(alice)).write.setMetadata([agentId, "endpoint", toHex("https://a.example")]);
      await viem.assertions.emitWithArgs(tx, identity, "MetadataSet", [
        agentId,
        topicOf("endpoint"),
        "endpoint",
        toHex("https://a.example"),
      ]);
      expect(await identity.read.getMetadata([agentId, "endpoint"])).to.equal(toHex("https://a.example"));
      await (await as(alice)).write.approve([bob.account.address, agentId]);
      await (await as(bob)).write.setMetadata([agentId, "endpoint", "0x01"]);
      expect(await identity.read.getMetadata([agentId, "endpoint"])).to.equal("0x01");
      expect(await identity.read.getMetadata([agentId, "nothing"])).to.equal("0x");
      expect(await identity.read.getMetadata([42n, "endpoint"])).to.equal("0x");
    });

    it("rejects the reserved key, strangers and unknown agents", async () => {
      const { identity, alice, bob, agentId, as } = await loadFixture(withAgent);
      await viem.assertions.revertWithCustomErrorWithArgs(
        (await as(alice)).write.setMetadata([agentId, WALLET, bob.account.address]),
        identity,
        "ReservedMetadataKey",
        [WALLET],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        (await as(bob)).write.setMetadata([agentId, "k", "0x01"]),
        identity,
        "NotOwnerOrOperator",
        [getAddress(bob.account.address), agentId],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        (await as(alice)).write.setMetadata([7n, "k", "0x01"]),
        identity,
        "AgentNotFound",
        [7n],
      );
    });
  });

  describe("agentWallet", () => {
    it("starts as the owner, readable through getAgentWallet and getMetadata", async () => {
      const { identity, alice, agentId } = await loadFixture(withAgent);
      expect(getAddress(await identity.read.getAgentWallet([agentId]))).to.equal(getAddress(alice.account.address));
      expect(await identity.read.getMetadata([agentId, WALLET])).to.equal(alice.account.address.toLowerCase());
      expect(await identity.read.agentOfWallet([alice.account.address])).to.equal(0n);
      await viem.assertions.revertWithCustomErrorWithArgs(
        identity.read.getAgentWallet([5n]),
        identity,
        "ERC721NonexistentToken",
        [5n],
      );
    });

    it("is set with an EIP-712 signature made by the new wallet (viem signTypedData)", async () => {
      const { identity, alice, dave, agentId, chainId, as } = await loadFixture(withAgent);
      const { deadline } = await pinnedDeadline(120n);
      const signature = await signAgentWallet(dave, {
        chainId,
        registry: identity.address,
        agentId,
        owner: alice.account.address,
        deadline,
      });
      const tx = (await as(alice)).write.setAgentWallet([agentId, dave.account.address, deadline, signature]);
      await viem.assertions.emitWithArgs(tx, identity, "MetadataSet", [
        agentId,
        topicOf(WALLET),
        WALLET,
        dave.account.address.toLowerCase() as `0x${string}`,
      ]);
      expect(getAddress(await identity.read.getAgentWallet([agentId]))).to.equal(getAddress(dave.account.address));
      expect(await identity.read.getMetadata([agentId, WALLET])).to.equal(
        encodePacked(["address"], [dave.account.address]).toLowerCase(),
      );
      expect(await identity.read.agentOfWallet([dave.account.address])).to.equal(agentId);
      expect(await identity.read.isAuthorized([dave.account.address, agentId])).to.equal(true);
    });

    it("accepts a deadline exactly 5 minutes ahead and one equal to the block time", async () => {
      const { identity, alice, dave, eve, agentId, chainId, as } = await loadFixture(withAgent);
      let { deadline } = await pinnedDeadline(300n);
      let signature = await signAgentWallet(dave, {
        chainId,
        registry: identity.address,
        agentId,
        owner: alice.account.address,
        deadline,
      });
      await (await as(alice)).write.setAgentWallet([agentId, dave.account.address, deadline, signature]);
      ({ deadline } = await pinnedDeadline(0n));
      signature = await signAgentWallet(eve, {
        chainId,
        registry: identity.address,
        agentId,
        owner: alice.account.address,
        deadline,
      });
      await (await as(alice)).write.setAgentWallet([agentId, eve.account.address, deadline, signature]);
      expect(getAddress(await identity.read.getAgentWallet([agentId]))).to.equal(getAddress(eve.account.address));
    });

    it("rejects a signature under another EIP-712 domain (name, version or chain)", async () => {
      const { identity, alice, dave, agentId, chainId, as } = await loadFixture(withAgent);
      const { deadline } = await pinnedDeadline(120n);
      const message = { agentId, newWallet: dave.account.address, owner: alice.account.address, deadline };
      const types = agentWalletTypes;
      for (const domain of [
        { name: "IdentityRegistry", version: "1", chainId, verifyingContract: identity.address },
        { name: "ERC8004IdentityRegistry", version: "2", chainId, verifyingContract: identity.address },
        { name: "ERC8004IdentityRegistry", version: "1", chainId: chainId + 1, verifyingContract: identity.address },
      ]) {
        const signature = await dave.signTypedData({
          account: dave.account,
          domain,
          types,
          primaryType: "AgentWalletSet",
          message,
        });
        await viem.assertions.revertWithCustomErrorWithArgs(
          (await as(alice)).write.setAgentWallet([agentId, dave.account.address, deadline, signature]),
          identity,
          "InvalidAgentWalletSignature",
          [agentId, getAddress(dave.account.address)],
        );
      }
    });

    it("rejects an expired deadline and one more than 5 minutes ahead", async () => {
      const { identity, alice, dave, agentId, chainId, as } = await loadFixture(withAgent);
      const past = BigInt(await time.latest());
      const sigPast = await signAgentWallet(dave, {
        chainId,
        registry: identity.address,
        agentId,
        owner: alice.account.address,
        deadline: past,
      });
      const { timestamp } = await pinnedDeadline(0n);
      await viem.assertions.revertWithCustomErrorWithArgs(
        (await as(alice)).write.setAgentWallet([agentId, dave.account.address, past, sigPast]),
        identity,
        "AgentWalletSignatureExpired",
        [past, timestamp],
      );
      const { deadline, timestamp: t2 } = await pinnedDeadline(301n);
      const sigFar = await signAgentWallet(dave, {
        chainId,
        registry: identity.address,
        agentId,
        owner: alice.account.address,
        deadline,
      });
      await viem.assertions.revertWithCustomErrorWithArgs(
        (await as(alice)).write.setAgentWallet([agentId, dave.account.address, deadline, sigFar]),
        identity,
        "AgentWalletDeadlineTooFar",
        [deadline, t2 + 300n],
      );
    });

    it("rejects a signature replayed on another agent, a signature by another key, and the zero wallet", async () => {
      const { identity, alice, dave, eve, agentId, chainId, as } = await loadFixture(withAgent);
      const second = await registerAgent(viem, identity.address, alice);
      const { deadline } = await pinnedDeadline(120n);
      const forFirst = await signAgentWallet(dave, {
        chainId,
        registry: identity.address,
        agentId,
        owner: alice.account.address,
        deadline,
      });
      await viem.assertions.revertWithCustomErrorWithArgs(
        (await as(alice)).write.setAgentWallet([second, dave.account.address, deadline, forFirst]),
        identity,
        "InvalidAgentWalletSignature",
        [second, getAddress(dave.account.address)],
      );
      const byEve = await signAgentWallet(eve, {
        chainId,
        registry: identity.address,
        agentId,
        owner: alice.account.address,
        deadline,
      });
      await viem.assertions.revertWithCustomErrorWithArgs(
        (await as(alice)).write.setAgentWallet([agentId, dave.account.address, deadline, byEve]),
        identity,
        "InvalidAgentWalletSignature",
        [agentId, getAddress(dave.account.address)],
      );
      await viem.assertions.revertWithCustomError(
        (await as(alice)).write.setAgentWallet([agentId, zeroAddress, deadline, forFirst]),
        identity,
        "ZeroAgentWallet",
      );
    });

    it("only the owner or an operator may set it", async () => {
      const { identity, alice, bob, dave, agentId, chainId, as } = await loadFixture(withAgent);
      const { deadline } = await pinnedDeadline(120n);
      const signature = await signAgentWallet(dave, {
        chainId,
        registry: identity.address,
        agentId,
        owner: alice.account.address,
        deadline,
      });
      await viem.assertions.revertWithCustomErrorWithArgs(
        (await as(bob)).write.setAgentWallet([agentId, dave.account.address, deadline, signature]),
        identity,
        "NotOwnerOrOperator",
        [getAddress(bob.account.address), agentId],
      );
      await (await as(alice)).write.approve([bob.account.address, agentId]);
      await (await as(bob)).write.setAgentWallet([agentId, dave.account.address, deadline, signature]);
      expect(getAddress(await identity.read.getAgentWallet([agentId]))).to.equal(getAddress(dave.account.address));
      await viem.assertions.revertWithCustomErrorWithArgs(
        (await as(bob)).write.setAgentWallet([77n, dave.account.address, deadline, signature]),
        identity,
        "AgentNotFound",
        [77n],
      );
    });

    it("accepts an ERC-1271 contract wallet that approves, and refuses one that does not", async () => {
      const { identity, alice, dave, agentId, chainId, as } = await loadFixture(withAgent);
      const approving = await viem.deployContract("ERC1271WalletMock", [dave.account.address, false]);
      const refusing = await viem.deployContract("ERC1271WalletMock", [dave.account.address, true]);
      const { deadline } = await pinnedDeadline(120n);
      const sign = (wallet: Address) =>
        dave.signTypedData({
          account: dave.account,
          domain: { name: "ERC8004IdentityRegistry", version: "1", chainId, verifyingContract: identity.address },
          types: agentWalletTypes,
          primaryType: "AgentWalletSet",
          message: { agentId, newWallet: wallet, owner: alice.account.address, deadline },
        });
      await viem.assertions.revertWithCustomErrorWithArgs(
        (await as(alice)).write.setAgentWallet([agentId, refusing.address, deadline, await sign(refusing.address)]),
        identity,
        "InvalidAgentWalletSignature",
        [agentId, getAddress(refusing.address)],
      );
      await (await as(alice)).write.setAgentWallet([
        agentId,
        approving.address,
        deadline,
        await sign(approving.address),
      ]);
      expect(getAddress(await identity.read.getAgentWallet([agentId]))).to.equal(getAddress(approving.address));
      expect(await identity.read.agentOfWallet([approving.address])).to.equal(agentId);
    });

    it("is cleared on transfer, and the old owner's signature cannot restore it", async () => {
      const { identity, alice, bob, dave, agentId, chainId, as } = await loadFixture(withAgent);
      const { deadline } = await pinnedDeadline(200n);
      const signature = await signAgentWallet(dave, {
        chainId,
        registry: identity.address,
        agentId,
        owner: alice.account.address,
        deadline,
      });
      await (await as(alice)).write.setAgentWallet([agentId, dave.account.address, deadline, signature]);

      const tx = (await as(alice)).write.transferFrom([alice.account.address, bob.account.address, agentId]);
      await viem.assertions.emitWithArgs(tx, identity, "MetadataSet", [agentId, topicOf(WALLET), WALLET, "0x"]);
      expect(await identity.read.getAgentWallet([agentId])).to.equal(zeroAddress);
      expect(await identity.read.getMetadata([agentId, WALLET])).to.equal("0x");
      expect(await identity.read.agentOfWallet([dave.account.address])).to.equal(0n);
      expect(await identity.read.isAuthorized([dave.account.address, agentId])).to.equal(false);

      await viem.assertions.revertWithCustomErrorWithArgs(
        (await as(bob)).write.setAgentWallet([agentId, dave.account.address, deadline, signature]),
        identity,
        "InvalidAgentWalletSignature",
        [agentId, getAddress(dave.account.address)],
      );
    });

    it("a transfer clears the implicit owner wallet too", async () => {
      const { identity, alice, bob, agentId, as } = await loadFixture(withAgent);
      await (await as(alice)).write.transferFrom([alice.account.address, bob.account.address, agentId]);
      expect(await identity.read.getAgentWallet([agentId])).to.equal(zeroAddress);
      expect(await identity.read.isAuthorized([bob.account.address, agentId])).to.equal(true);
      expect(await identity.read.isAuthorized([alice.account.address, agentId])).to.equal(false);
    });

    it("serves one agent at a time: moving to another agent clears it on the first", async () => {
      const { identity, alice, bob, dave, agentId, chainId, as } = await loadFixture(withAgent);
      const other = await registerAgent(viem, identity.address, bob);
      const { deadline } = await pinnedDeadline(200n);
      const toFirst = await signAgentWallet(dave, {
        chainId,
        registry: identity.address,
        agentId,
        owner: alice.account.address,
        deadline,
      });
      await (await as(alice)).write.setAgentWallet([agentId, dave.account.address, deadline, toFirst]);
      const toOther = await signAgentWallet(dave, {
        chainId,
        registry: identity.address,
        agentId: other,
        owner: bob.account.address,
        deadline,
      });
      const tx = (await as(bob)).write.setAgentWallet([other, dave.account.address, deadline, toOther]);
      await viem.assertions.emitWithArgs(tx, identity, "MetadataSet", [agentId, topicOf(WALLET), WALLET, "0x"]);
      expect(await identity.read.getAgentWallet([agentId])).to.equal(zeroAddress);
      expect(getAddress(await identity.read.getAgentWallet([other]))).to.equal(getAddress(dave.account.address));
      expect(await identity.read.agentOfWallet([dave.account.address])).to.equal(other);
      expect(await identity.read.isAuthorized([dave.account.address, agentId])).to.equal(false);
    });

    it("replacing the wallet releases the previous one; setting the same one again is harmless", async () => {
      const { identity, alice, dave, eve, agentId, chainId, as } = await loadFixture(withAgent);
      const { deadline } = await pinnedDeadline(200n);
      const byDave = await signAgentWallet(dave, {
        chainId,
        registry: identity.address,
        agentId,
        owner: alice.account.address,
        deadline,
      });
      await (await as(alice)).write.setAgentWallet([agentId, dave.account.address, deadline, byDave]);
      await (await as(alice)).write.setAgentWallet([agentId, dave.account.address, deadline, byDave]);
      expect(await identity.read.agentOfWallet([dave.account.address])).to.equal(agentId);
      const byEve = await signAgentWallet(eve, {
        chainId,
        registry: identity.address,
        agentId,
        owner: alice.account.address,
        deadline,
      });
      await (await as(alice)).write.setAgentWallet([agentId, eve.account.address, deadline, byEve]);
      expect(await identity.read.agentOfWallet([dave.account.address])).to.equal(0n);
      expect(await identity.read.agentOfWallet([eve.account.address])).to.equal(agentId);
    });

    it("unsetAgentWallet clears it, for the owner or an operator only", async () => {
      const { identity, alice, bob, dave, agentId, chainId, as } = await loadFixture(withAgent);
      const { deadline } = await pinnedDeadline(200n);
      const signature = await signAgentWallet(dave, {
        chainId,
        registry: identity.address,
        agentId,
        owner: alice.account.address,
        deadline,
      });
      await (await as(alice)).write.setAgentWallet([agentId, dave.account.address, deadline, signature]);
      await viem.assertions.revertWithCustomErrorWithArgs(
        (await as(dave)).write.unsetAgentWallet([agentId]),
        identity,
        "NotOwnerOrOperator",
        [getAddress(dave.account.address), agentId],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        (await as(bob)).write.unsetAgentWallet([agentId]),
        identity,
        "NotOwnerOrOperator",
        [getAddress(bob.account.address), agentId],
      );
      const tx = (await as(alice)).write.unsetAgentWallet([agentId]);
      await viem.assertions.emitWithArgs(tx, identity, "MetadataSet", [agentId, topicOf(WALLET), WALLET, "0x"]);
      expect(await identity.read.getAgentWallet([agentId])).to.equal(zeroAddress);
      expect(await identity.read.agentOfWallet([dave.account.address])).to.equal(0n);
      // The owner itself stays authorised without a wallet.
      expect(await identity.read.isAuthorized([alice.account.address, agentId])).to.equal(true);
    });
  });

  describe("isAuthorized", () => {
    it("is true for the owner, token and all-token operators and the verified wallet; false otherwise", async () => {
      const { identity, alice, bob, carol, dave, eve, agentId, chainId, as } = await loadFixture(withAgent);
      const check = (a: Address) => identity.read.isAuthorized([a, agentId]);
      expect(await check(alice.account.address)).to.equal(true);
      expect(await check(bob.account.address)).to.equal(false);
      await (await as(alice)).write.approve([bob.account.address, agentId]);
      expect(await check(bob.account.address)).to.equal(true);
      await (await as(alice)).write.setApprovalForAll([carol.account.address, true]);
      expect(await check(carol.account.address)).to.equal(true);
      const { deadline } = await pinnedDeadline(60n);
      const signature = await signAgentWallet(dave, {
        chainId,
        registry: identity.address,
        agentId,
        owner: alice.account.address,
        deadline,
      });
      await (await as(alice)).write.setAgentWallet([agentId, dave.account.address, deadline, signature]);
      expect(await check(dave.account.address)).to.equal(true);
      expect(await check(eve.account.address)).to.equal(false);
      expect(await identity.read.isAuthorized([alice.account.address, 999n])).to.equal(false);
    });

    it("ends with a revoked approval, a replaced one, a revoked operator and a transfer", async () => {
      const { identity, alice, bob, carol, dave, agentId, as } = await loadFixture(withAgent);
      const check = (a: Address) => identity.read.isAuthorized([a, agentId]);
      await (await as(alice)).write.approve([bob.account.address, agentId]);
      await (await as(alice)).write.approve([carol.account.address, agentId]);
      expect([await check(bob.account.address), await check(carol.account.address)]).to.deep.equal([false, true]);
      await (await as(alice)).write.approve([zeroAddress, agentId]);
      expect(await check(carol.account.address)).to.equal(false);
      await (await as(alice)).write.setApprovalForAll([dave.account.address, true]);
      await (await as(alice)).write.setApprovalForAll([dave.account.address, true]); // again: no double count
      await (await as(alice)).write.setApprovalForAll([dave.account.address, false]);
      expect(await check(dave.account.address)).to.equal(false);
      await (await as(alice)).write.approve([bob.account.address, agentId]);
      await (await as(alice)).write.transferFrom([alice.account.address, carol.account.address, agentId]);
      expect([
        await check(bob.account.address),
        await check(alice.account.address),
        await check(carol.account.address),
      ]).to.deep.equal([false, false, true]);
    });
  });

  describe("protocol contracts", () => {
    it("a caller registers itself, once and for all, and is reported", async () => {
      const { identity, eve, as } = await loadFixture(deployed);
      expect(await identity.read.isProtocolContract([eve.account.address])).to.equal(false);
      await viem.assertions.emitWithArgs(
        (await as(eve)).write.registerProtocolContract(),
        identity,
        "ProtocolContractRegistered",
        [getAddress(eve.account.address)],
      );
      expect(await identity.read.isProtocolContract([eve.account.address])).to.equal(true);
    });

    it("is never made an agent's key: approvals, operator approvals, transfers, wallets to it revert", async () => {
      const { identity, alice, eve, agentId, chainId, as } = await loadFixture(withAgent);
      await (await as(eve)).write.registerProtocolContract();
      const asAlice = await as(alice);
      const refused = [
        () => asAlice.write.approve([eve.account.address, agentId]),
        () => asAlice.write.setApprovalForAll([eve.account.address, true]),
        () => asAlice.write.transferFrom([alice.account.address, eve.account.address, agentId]),
      ];
      for (const call of refused) {
        await viem.assertions.revertWithCustomErrorWithArgs(call(), identity, "ProtocolContractNotAllowed", [
          getAddress(eve.account.address),
        ]);
      }
      const { deadline } = await pinnedDeadline(60n);
      const signature = await signAgentWallet(eve, {
        chainId,
        registry: identity.address,
        agentId,
        owner: alice.account.address,
        deadline,
      });
      await viem.assertions.revertWithCustomErrorWithArgs(
        (await as(alice)).write.setAgentWallet([agentId, eve.account.address, deadline, signature]),
        identity,
        "ProtocolContractNotAllowed",
        [getAddress(eve.account.address)],
      );
      expect(await identity.read.isAuthorized([eve.account.address, agentId])).to.equal(false);
    });

    it("approvals it held before registering are ignored, and can still be revoked", async () => {
      const { identity, alice, eve, agentId, as } = await loadFixture(withAgent);
      await (await as(alice)).write.approve([eve.account.address, agentId]);
      await (await as(alice)).write.setApprovalForAll([eve.account.address, true]);
      expect(await identity.read.isAuthorized([eve.account.address, agentId])).to.equal(true);
      await (await as(eve)).write.registerProtocolContract();
      expect(await identity.read.isAuthorized([eve.account.address, agentId])).to.equal(false);
      await (await as(alice)).write.setApprovalForAll([eve.account.address, false]);
      await (await as(alice)).write.approve([zeroAddress, agentId]);
      expect(await identity.read.isApprovedForAll([alice.account.address, eve.account.address])).to.equal(false);
    });
  });

  describe("capabilities", () => {
    const SUMMARIZE = keccak256(toHex("summarize"));
    const TRANSLATE = keccak256(toHex("translate"));
    const CODE = keccak256(toHex("code"));

    it("are declared, replaced as a whole, and cleared", async () => {
      const { identity, alice, agentId, as } = await loadFixture(withAgent);
      expect(await identity.read.hasCapability([agentId, SUMMARIZE])).to.equal(false);
      const tx = (await as(alice)).write.setCapabilities([agentId, [SUMMARIZE, TRANSLATE]]);
      await viem.assertions.emitWithArgs(tx, identity, "CapabilitiesSet", [agentId, [SUMMARIZE, TRANSLATE]]);
      expect(await identity.read.hasCapability([agentId, SUMMARIZE])).to.equal(true);
      expect(await identity.read.hasCapability([agentId, TRANSLATE])).to.equal(true);
      expect(await identity.read.hasCapability([agentId, CODE])).to.equal(false);

      await (await as(alice)).write.setCapabilities([agentId, [CODE, SUMMARIZE]]);
      expect(await identity.read.hasCapability([agentId, TRANSLATE])).to.equal(false);
      expect(await identity.read.hasCapability([agentId, CODE])).to.equal(true);
      expect(await identity.read.hasCapability([agentId, SUMMARIZE])).to.equal(true);

      await (await as(alice)).write.setCapabilities([agentId, []]);
      expect(await identity.read.hasCapability([agentId, CODE])).to.equal(false);
      expect(await identity.read.hasCapability([agentId, SUMMARIZE])).to.equal(false);
    });

    it("may be set by the verified agentWallet, not by strangers; the zero tag is rejected", async () => {
      const { identity, alice, bob, dave, agentId, chainId, as } = await loadFixture(withAgent);
      const { deadline } = await pinnedDeadline(60n);
      const signature = await signAgentWallet(dave, {
        chainId,
        registry: identity.address,
        agentId,
        owner: alice.account.address,
        deadline,
      });
      await (await as(alice)).write.setAgentWallet([agentId, dave.account.address, deadline, signature]);
      await (await as(dave)).write.setCapabilities([agentId, [CODE]]);
      expect(await identity.read.hasCapability([agentId, CODE])).to.equal(true);

      await viem.assertions.revertWithCustomErrorWithArgs(
        (await as(bob)).write.setCapabilities([agentId, [CODE]]),
        identity,
        "NotAuthorizedForAgent",
        [getAddress(bob.account.address), agentId],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        (await as(bob)).write.setCapabilities([55n, [CODE]]),
        identity,
        "AgentNotFound",
        [55n],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        (await as(alice)).write.setCapabilities([agentId, [CODE, `0x${"00".repeat(32)}`]]),
        identity,
        "ZeroCapability",
        [1n],
      );
    });

    it("lists each tag once, and isEligible checks authorisation and capability together", async () => {
      const { identity, alice, bob, eve, agentId, as } = await loadFixture(withAgent);
      const eligible = (account: Address, capability: `0x${string}`) =>
        identity.read.isEligible([account, agentId, capability, eve.account.address]);
      await (await as(alice)).write.setCapabilities([agentId, [CODE, SUMMARIZE, CODE]]);
      expect(await identity.read.capabilitiesOf([agentId])).to.deep.equal([CODE, SUMMARIZE]);
      expect(await eligible(alice.account.address, CODE)).to.equal(true);
      expect(await eligible(alice.account.address, TRANSLATE)).to.equal(false);
      expect(await eligible(alice.account.address, `0x${"00".repeat(32)}`)).to.equal(true);
      expect(await eligible(bob.account.address, CODE)).to.equal(false);
      expect(
        await identity.read.isEligible([alice.account.address, 99n, `0x${"00".repeat(32)}`, eve.account.address]),
      ).to.equal(false);
      await (await as(alice)).write.setCapabilities([agentId, [TRANSLATE]]);
      expect(await identity.read.capabilitiesOf([agentId])).to.deep.equal([TRANSLATE]);
      expect(await eligible(alice.account.address, CODE)).to.equal(false);
    });

    it("isEligible is false when the client is the agent's owner, operator, approved address or wallet", async () => {
      const { identity, alice, bob, carol, dave, eve, agentId, chainId, as } = await loadFixture(withAgent);
      await (await as(alice)).write.setCapabilities([agentId, [CODE]]);
      const eligible = (client: Address) => identity.read.isEligible([alice.account.address, agentId, CODE, client]);
      expect(await eligible(eve.account.address)).to.equal(true);
      expect(await eligible(alice.account.address)).to.equal(false);
      await (await as(alice)).write.setApprovalForAll([bob.account.address, true]);
      await (await as(alice)).write.approve([carol.account.address, agentId]);
      const { deadline } = await pinnedDeadline(60n);
      const signature = await signAgentWallet(dave, {
        chainId,
        registry: identity.address,
        agentId,
        owner: alice.account.address,
        deadline,
      });
      await (await as(alice)).write.setAgentWallet([agentId, dave.account.address, deadline, signature]);
      for (const key of [bob, carol, dave])
        expect(await eligible(key.account.address), key.account.address).to.equal(false);
      expect(await eligible(eve.account.address)).to.equal(true);
    });

    it("follow the agent to its new owner", async () => {
      const { identity, alice, bob, eve, agentId, as } = await loadFixture(withAgent);
      await (await as(alice)).write.setCapabilities([agentId, [CODE, SUMMARIZE]]);
      await (await as(alice)).write.transferFrom([alice.account.address, bob.account.address, agentId]);
      expect(await identity.read.hasCapability([agentId, CODE])).to.equal(true);
      for (const capability of [CODE, SUMMARIZE]) {
        expect(
          await identity.read.isEligible([bob.account.address, agentId, capability, eve.account.address]),
        ).to.equal(true);
        expect(
          await identity.read.isEligible([alice.account.address, agentId, capability, eve.account.address]),
        ).to.equal(false);
        expect(
          await identity.read.isEligible([bob.account.address, agentId, capability, bob.account.address]),
        ).to.equal(false);
      }
    });

    it("are scoped to their agent", async () => {
      const { identity, alice, agentId, as } = await loadFixture(withAgent);
      const other = await registerAgent(viem, identity.address, alice);
      await (await as(alice)).write.setCapabilities([agentId, [CODE]]);
      expect(await identity.read.hasCapability([other, CODE])).to.equal(false);
    });
  });
});
