/**
 * ValidationRegistry against a validator written to ERC-8004 and against a squatter (issue 14,
 * finding F9): requests are keyed and emitted by the caller's `requestHash`, exactly as the ERC.
 */
import { expect } from "chai";
import { network } from "hardhat";
import { getAddress, keccak256, parseEventLogs, toHex } from "viem";
import { deployTrustLayer, registerAgent } from "../../helpers/fixtures.ts";

const { viem, networkHelpers } = await network.create();
const { loadFixture } = networkHelpers;

/** Alice owns an agent; bob is a validator; eve squats. */
async function deployed() {
  const f = await deployTrustLayer(viem);
  const agentId = await registerAgent(viem, f.identity.address, f.alice);
  const as = (client: typeof f.alice) =>
    viem.getContractAt("ValidationRegistry", f.validation.address, { client: { wallet: client } });
  const requestFile = JSON.stringify({ task: "check the proof in ipfs://work", salt: "0x01" });
  const requestHash = keccak256(toHex(requestFile));
  return { ...f, agentId, as, requestFile, requestHash };
}

describe("ValidationRegistry and ERC-8004 validators", () => {
  it("a validator that follows the ERC answers the caller's requestHash and finds the request under it", async () => {
    const f = await loadFixture(deployed);
    const receipt = await f.publicClient.waitForTransactionReceipt({
      hash: await (await f.as(f.alice)).write.validationRequest([
        f.bob.account.address,
        f.agentId,
        "ipfs://request",
        f.requestHash,
      ]),
    });
    // The validator reads the event, fetches requestURI, checks the content against the event's hash...
    const [event] = parseEventLogs({ abi: f.validation.abi, logs: receipt.logs, eventName: "ValidationRequest" });
    expect(event?.args.requestHash).to.equal(keccak256(toHex(f.requestFile)));
    // ...and answers that hash.
    await f.publicClient.waitForTransactionReceipt({
      hash: await (await f.as(f.bob)).write.validationResponse([
        f.requestHash,
        90,
        "ipfs://evidence",
        keccak256(toHex("evidence")),
        "audit",
      ]),
    });
    const [validator, agentId, response] = await f.validation.read.getValidationStatus([f.requestHash]);
    expect([getAddress(validator), agentId, response]).to.deep.equal([
      getAddress(f.bob.account.address),
      f.agentId,
      90,
    ]);
    expect(await f.validation.read.getAgentValidations([f.agentId])).to.deep.equal([f.requestHash]);
    expect(await f.validation.read.getValidatorRequests([f.bob.account.address])).to.deep.equal([f.requestHash]);
  });

  it("a squatted hash costs the squatter gas and the requester one retry with a salted request", async () => {
    const f = await loadFixture(deployed);
    // Eve copies the pending hash for an agent of her own and lands first.
    const evesAgent = await registerAgent(viem, f.identity.address, f.eve);
    await f.publicClient.waitForTransactionReceipt({
      hash: await (await f.as(f.eve)).write.validationRequest([
        f.bob.account.address,
        evesAgent,
        "ipfs://copy",
        f.requestHash,
      ]),
    });
    await viem.assertions.revertWithCustomErrorWithArgs(
      (await f.as(f.alice)).write.validationRequest([
        f.bob.account.address,
        f.agentId,
        "ipfs://request",
        f.requestHash,
      ]),
      f.validation,
      "ValidationRequestExists",
      [f.requestHash],
    );
    // The squatted request belongs to eve's agent: it cannot be passed off as alice's.
    expect((await f.validation.read.getValidationStatus([f.requestHash]))[1]).to.equal(evesAgent);
    const salted = keccak256(toHex(JSON.stringify({ task: "check the proof in ipfs://work", salt: "0x02" })));
    await (await f.as(f.alice)).write.validationRequest([f.bob.account.address, f.agentId, "ipfs://request-2", salted]);
    expect((await f.validation.read.getValidationStatus([salted]))[1]).to.equal(f.agentId);
  });
});
