import { expect } from "chai";
import { network } from "hardhat";
import { type Address, getAddress, type Hex, keccak256, toHex, zeroAddress, zeroHash } from "viem";
import { deployTrustLayer, registerAgent, signAgentWallet } from "../../helpers/fixtures.ts";

const { viem, networkHelpers } = await network.create();
const { loadFixture, time } = networkHelpers;

/** Alice owns agent 1; bob and carol are validators; eve is a stranger. */
async function deployed() {
  const f = await deployTrustLayer(viem);
  const agentId = await registerAgent(viem, f.identity.address, f.alice);
  const val = (client: typeof f.alice) =>
    viem.getContractAt("ValidationRegistry", f.validation.address, { client: { wallet: client } });
  const id = (client: typeof f.alice) =>
    viem.getContractAt("IdentityRegistry", f.identity.address, { client: { wallet: client } });
  const commitment = keccak256(toHex("request file #1"));
  const request = async (validator: Address, c: Hex = commitment, who = f.alice, agent = agentId) =>
    (await val(who)).write.validationRequest([validator, agent, "ipfs://request", c]);
  return { ...f, agentId, val, id, commitment, request };
}

describe("ValidationRegistry", () => {
  it("knows its identity registry", async () => {
    const { validation, identity } = await loadFixture(deployed);
    expect(getAddress(await validation.read.getIdentityRegistry())).to.equal(getAddress(identity.address));
  });

  describe("validationRequest", () => {
    it(
      "stores a request in one word for agent ids below 2^48 and beside it for larger ids: " +
        "both read back the same",
      async () => {
        const { alice, bob } = await loadFixture(deployed);
        const mock = await viem.deployContract("LargeAgentIdentityMock", [alice.account.address]);
        const registry = await viem.deployContract("ValidationRegistry", [mock.address], { client: { wallet: alice } });
        const asValidator = await viem.getContractAt("ValidationRegistry", registry.address, {
          client: { wallet: bob },
        });
        for (const agentId of [2n ** 48n - 1n, 2n ** 48n, 2n ** 200n]) {
          const requestHash = keccak256(toHex(`request for ${agentId}`));
          await registry.write.validationRequest([bob.account.address, agentId, "ipfs://request", requestHash]);
          const [validator, readAgent, response] = await registry.read.getValidationStatus([requestHash]);
          expect([getAddress(validator), readAgent, response]).to.deep.equal([
            getAddress(bob.account.address),
            agentId,
            0,
          ]);
          await viem.assertions.emitWithArgs(
            asValidator.write.validationResponse([requestHash, 77, "", zeroHash, "t"]),
            registry,
            "ValidationResponse",
            [getAddress(bob.account.address), agentId, requestHash, 77, "", zeroHash, "t"],
          );
          expect((await registry.read.getValidationStatus([requestHash]))[2]).to.equal(77);
          expect(await registry.read.getSummary([agentId, [], ""])).to.deep.equal([1n, 77]);
        }
      },
    );

    it("records the request under the caller's requestHash and emits that hash", async () => {
      const { validation, agentId, bob, commitment, request, publicClient } = await loadFixture(deployed);
      const expected = commitment;
      const tx = request(bob.account.address);
      await viem.assertions.emitWithArgs(tx, validation, "ValidationRequest", [
        getAddress(bob.account.address),
        agentId,
        "ipfs://request",
        expected,
      ]);
      const block = await publicClient.getBlock();
      expect(await validation.read.getValidationStatus([expected])).to.deep.equal([
        getAddress(bob.account.address),
        agentId,
        0,
        zeroHash,
        "",
        block.timestamp,
      ]);
      expect(await validation.read.getAgentValidations([agentId])).to.deep.equal([expected]);
      expect(await validation.read.getValidatorRequests([bob.account.address])).to.deep.equal([expected]);
    });

    it("may be made by a token operator or the verified agentWallet", async () => {
      const { validation, identity, agentId, alice, bob, carol, dave, id, request, publicClient } =
        await loadFixture(deployed);
      await (await id(alice)).write.approve([carol.account.address, agentId]);
      await request(bob.account.address, keccak256(toHex("by operator")), carol);
      const deadline = BigInt(await time.latest()) + 100n;
      const signature = await signAgentWallet(dave, {
        chainId: await publicClient.getChainId(),
        registry: identity.address,
        agentId,
        owner: alice.account.address,
        deadline,
      });
      await (await id(alice)).write.setAgentWallet([agentId, dave.account.address, deadline, signature]);
      await request(bob.account.address, keccak256(toHex("by wallet")), dave);
      expect((await validation.read.getAgentValidations([agentId])).length).to.equal(2);
    });

    it("rejects strangers, unknown agents, the zero validator and the agent validating itself", async () => {
      const { validation, agentId, alice, bob, eve, request } = await loadFixture(deployed);
      await viem.assertions.revertWithCustomErrorWithArgs(
        request(bob.account.address, zeroHash, eve),
        validation,
        "NotAuthorizedForAgent",
        [getAddress(eve.account.address), agentId],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        request(bob.account.address, zeroHash, alice, 42n),
        validation,
        "AgentNotFound",
        [42n],
      );
      await viem.assertions.revertWithCustomError(request(zeroAddress), validation, "ZeroValidator");
      await viem.assertions.revertWithCustomErrorWithArgs(
        request(alice.account.address),
        validation,
        "SelfValidation",
        [agentId, getAddress(alice.account.address)],
      );
    });

    it("rejects a hash that is taken, whoever asks and whichever validator they name", async () => {
      const { validation, identity, bob, carol, eve, commitment, request } = await loadFixture(deployed);
      await request(bob.account.address);
      await viem.assertions.revertWithCustomErrorWithArgs(
        request(bob.account.address),
        validation,
        "ValidationRequestExists",
        [commitment],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        request(carol.account.address),
        validation,
        "ValidationRequestExists",
        [commitment],
      );
      const evesAgent = await registerAgent(viem, identity.address, eve);
      await viem.assertions.revertWithCustomErrorWithArgs(
        request(carol.account.address, commitment, eve, evesAgent),
        validation,
        "ValidationRequestExists",
        [commitment],
      );
    });

    it("unknown hashes are reported", async () => {
      const { validation } = await loadFixture(deployed);
      await viem.assertions.revertWithCustomErrorWithArgs(
        validation.read.getValidationStatus([zeroHash]),
        validation,
        "ValidationRequestNotFound",
        [zeroHash],
      );
    });
  });

  describe("validationResponse", () => {
    it("the validator records and updates its response", async () => {
      const { validation, agentId, bob, commitment, val, request, publicClient } = await loadFixture(deployed);
      await request(bob.account.address);
      const hash = commitment;
      const evidence = keccak256(toHex("evidence"));
      const tx = (await val(bob)).write.validationResponse([hash, 60, "ipfs://evidence", evidence, "soft"]);
      await viem.assertions.emitWithArgs(tx, validation, "ValidationResponse", [
        getAddress(bob.account.address),
        agentId,
        hash,
        60,
        "ipfs://evidence",
        evidence,
        "soft",
      ]);
      await (await val(bob)).write.validationResponse([hash, 100, "", zeroHash, "hard"]);
      const block = await publicClient.getBlock();
      expect(await validation.read.getValidationStatus([hash])).to.deep.equal([
        getAddress(bob.account.address),
        agentId,
        100,
        zeroHash,
        "hard",
        block.timestamp,
      ]);
    });

    it("rejects anyone but the validator, responses above 100 and unknown requests", async () => {
      const { validation, alice, bob, commitment, val, request } = await loadFixture(deployed);
      await request(bob.account.address);
      const hash = commitment;
      await viem.assertions.revertWithCustomErrorWithArgs(
        (await val(alice)).write.validationResponse([hash, 100, "", zeroHash, ""]),
        validation,
        "NotValidator",
        [getAddress(alice.account.address), getAddress(bob.account.address)],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        (await val(bob)).write.validationResponse([hash, 101, "", zeroHash, ""]),
        validation,
        "InvalidResponse",
        [101],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        (await val(bob)).write.validationResponse([zeroHash, 1, "", zeroHash, ""]),
        validation,
        "ValidationRequestNotFound",
        [zeroHash],
      );
    });
  });

  describe("getSummary", () => {
    it("averages answered requests, filtered by validator and tag, rounding down", async () => {
      const { validation, agentId, bob, carol, dave, val, request } = await loadFixture(deployed);
      const c = (s: string) => keccak256(toHex(s));
      await request(bob.account.address, c("1"));
      await request(bob.account.address, c("2"));
      await request(carol.account.address, c("3"));
      await request(dave.account.address, c("unanswered"));
      await (await val(bob)).write.validationResponse([c("1"), 100, "", zeroHash, "zk"]);
      await (await val(bob)).write.validationResponse([c("2"), 33, "", zeroHash, "tee"]);
      await (await val(carol)).write.validationResponse([c("3"), 50, "", zeroHash, "zk"]);

      expect(await validation.read.getSummary([agentId, [], ""])).to.deep.equal([3n, 61]);
      expect(await validation.read.getSummary([agentId, [bob.account.address], ""])).to.deep.equal([2n, 66]);
      expect(await validation.read.getSummary([agentId, [], "zk"])).to.deep.equal([2n, 75]);
      expect(
        await validation.read.getSummary([agentId, [carol.account.address, dave.account.address], "zk"]),
      ).to.deep.equal([1n, 50]);
      expect(await validation.read.getSummary([agentId, [dave.account.address], ""])).to.deep.equal([0n, 0]);
      expect(await validation.read.getSummary([agentId, [], "none"])).to.deep.equal([0n, 0]);
    });
  });

  describe("paged reads", () => {
    it("page through an agent's requests and a validator's requests", async () => {
      const { validation, agentId, bob, request } = await loadFixture(deployed);
      const hashes: Hex[] = [];
      for (let i = 0; i < 5; i++) {
        const c = keccak256(toHex(`r${i}`));
        await request(bob.account.address, c);
        hashes.push(c);
      }
      expect(await validation.read.getAgentValidationsPage([agentId, 1n, 2n])).to.deep.equal([hashes.slice(1, 3), 5n]);
      expect(await validation.read.getAgentValidationsPage([agentId, 4n, 9n])).to.deep.equal([hashes.slice(4), 5n]);
      expect(await validation.read.getAgentValidationsPage([agentId, 5n, 9n])).to.deep.equal([[], 5n]);
      expect(await validation.read.getValidatorRequestsPage([bob.account.address, 0n, 3n])).to.deep.equal([
        hashes.slice(0, 3),
        5n,
      ]);
      expect(await validation.read.getValidatorRequestsPage([zeroAddress, 0n, 3n])).to.deep.equal([[], 0n]);
    });
  });
});
