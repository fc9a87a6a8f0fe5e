import { expect } from "chai";
import { network } from "hardhat";
import { type Hex, keccak256, parseEther, parseGwei, toHex, zeroAddress, zeroHash } from "viem";
import {
  GAS_PRICE_ORACLE_ABI,
  LOCAL_CHAIN_IDS,
  OP_L1_FEE_SCALARS,
  OP_PREDEPLOYS,
  setL1FeeScalars,
} from "../../../scripts/lib/chains.ts";
import { deployOnHardhat } from "../../../scripts/lib/deploy.ts";

/**
 * The `op` network (hardhat.config.ts) is an OP-stack chain: the GasPriceOracle predeploy answers,
 * receipts carry the L1 data fee, and the whole system deploys and runs a task lifecycle on it.
 */
type OpReceipt = { l1Fee?: Hex; l1GasUsed?: Hex; l1GasPrice?: Hex; l1BlobBaseFee?: Hex };

describe("the op network (Hardhat chainType op)", () => {
  it("is chain 31338, an Isthmus OP-stack chain whose GasPriceOracle prices L1 data at 10 gwei", async () => {
    const { viem } = await network.create("op");
    const publicClient = await viem.getPublicClient();
    expect(await publicClient.getChainId()).to.equal(LOCAL_CHAIN_IDS.op);
    expect(LOCAL_CHAIN_IDS.op).to.not.equal(LOCAL_CHAIN_IDS.l1);
    const oracle = <F extends "isIsthmus" | "l1BaseFee" | "blobBaseFee">(functionName: F) =>
      publicClient.readContract({ address: OP_PREDEPLOYS.GasPriceOracle, abi: GAS_PRICE_ORACLE_ABI, functionName });
    expect(await oracle("isIsthmus")).to.equal(true);
    expect(await oracle("l1BaseFee")).to.equal(parseGwei("10"));
    expect(await oracle("blobBaseFee")).to.equal(parseGwei("10"));
  });

  it("as Hardhat 3.18 ships it, reads both L1 fee scalars as 0 and charges no L1 data fee", async () => {
    // EDR 0.22 writes OP Mainnet's scalars into L1Block's slot 3 at bits 192 and 128, not 96 and 64.
    // When this fails, EDR packs the scalars where L1Block reads them: setL1FeeScalars can go.
    const { viem, provider } = await network.create("op");
    const publicClient = await viem.getPublicClient();
    const [wallet] = await viem.getWalletClients();
    const scalar = (functionName: "baseFeeScalar" | "blobBaseFeeScalar") =>
      publicClient.readContract({ address: OP_PREDEPLOYS.GasPriceOracle, abi: GAS_PRICE_ORACLE_ABI, functionName });
    expect([await scalar("baseFeeScalar"), await scalar("blobBaseFeeScalar")]).to.deep.equal([0, 0]);
    const hash = await wallet!.sendTransaction({ to: wallet!.account.address, value: 1n, data: "0x1234" });
    await publicClient.waitForTransactionReceipt({ hash });
    const receipt = (await provider.request({ method: "eth_getTransactionReceipt", params: [hash] })) as OpReceipt;
    expect(BigInt(receipt.l1GasUsed!) > 0n, `l1GasUsed ${receipt.l1GasUsed}`).to.equal(true);
    expect(BigInt(receipt.l1Fee!)).to.equal(0n);
  });

  it("deploys the whole system and runs a task lifecycle whose receipts carry the oracle's L1 data fee", async () => {
    const { viem, provider } = await network.create("op");
    await setL1FeeScalars(provider);
    const publicClient = await viem.getPublicClient();
    type Reads = "baseFeeScalar" | "blobBaseFeeScalar" | "l1BaseFee" | "blobBaseFee";
    const read = <F extends Reads>(functionName: F) =>
      publicClient.readContract({ address: OP_PREDEPLOYS.GasPriceOracle, abi: GAS_PRICE_ORACLE_ABI, functionName });
    expect(BigInt(await read("baseFeeScalar"))).to.equal(OP_L1_FEE_SCALARS.baseFeeScalar);
    expect(BigInt(await read("blobBaseFeeScalar"))).to.equal(OP_L1_FEE_SCALARS.blobBaseFeeScalar);
    const l1BaseFee = await read("l1BaseFee");
    const blobBaseFee = await read("blobBaseFee");

    const deployment = await deployOnHardhat(viem);
    expect(deployment.chainId).to.equal(LOCAL_CHAIN_IDS.op);
    const c = deployment.contracts;
    for (const [name, address] of Object.entries(c)) {
      expect((await publicClient.getCode({ address }))?.length ?? 0, name).to.be.greaterThan(2);
    }

    const [, poster, worker] = await viem.getWalletClients();
    const fees: { call: string; l1Fee: bigint }[] = [];
    /** Mines `hash` and checks the receipt's L1 data fee against Fjord's formula on its own fields. */
    const mined = async (call: string, hash: Promise<Hex>) => {
      const h = await hash;
      expect((await publicClient.waitForTransactionReceipt({ hash: h })).status, call).to.equal("success");
      const r = (await provider.request({ method: "eth_getTransactionReceipt", params: [h] })) as OpReceipt;
      const [l1GasUsed, l1Fee] = [BigInt(r.l1GasUsed!), BigInt(r.l1Fee!)];
      expect(BigInt(r.l1GasPrice!), call).to.equal(l1BaseFee);
      expect(BigInt(r.l1BlobBaseFee!), call).to.equal(blobBaseFee);
      // Fjord: with `size` the estimated compressed size (6 decimals), l1GasUsed = ⌊size × 16⌋ and
      // l1Fee = size × (16 × baseFeeScalar × l1BaseFee + blobBaseFeeScalar × blobBaseFee) / 1e12.
      const { baseFeeScalar, blobBaseFeeScalar } = OP_L1_FEE_SCALARS;
      const scaled = 16n * baseFeeScalar * l1BaseFee + blobBaseFeeScalar * blobBaseFee;
      const [low, high] = [(l1GasUsed * scaled) / 16_000_000n, ((l1GasUsed + 1n) * scaled) / 16_000_000n];
      const fjord = `${call}: l1Fee ${l1Fee}, Fjord gives ${low} to ${high}`;
      expect(low > 0n && low <= l1Fee && l1Fee <= high, fjord).to.equal(true);
      fees.push({ call, l1Fee });
    };
    const identity = await viem.getContractAt("IdentityRegistry", c.IdentityRegistry!, { client: { wallet: worker! } });
    await mined("register", identity.write.register(["ipfs://worker"]));
    const agentId = await identity.read.lastAgentId();
    const board = (w = poster!) => viem.getContractAt("TaskBoard", c.TaskBoard!, { client: { wallet: w } });
    const now = (await publicClient.getBlock()).timestamp;
    const spec = {
      capability: zeroHash,
      specURI: "ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtq5f",
      specHash: keccak256(toHex("spec")),
      rewardToken: zeroAddress,
      reward: parseEther("0.001"),
      maxReward: parseEther("0.001"),
      claimBond: 0n,
      minStake: 0n,
      abandonSlash: 0n,
      leaseDuration: 3_600n,
      notBefore: 0n,
      deadline: now + 86_400n,
      reviewWindow: 3_600n,
      approver: zeroAddress,
    };
    await mined("postTask", (await board()).write.postTask([spec], { value: spec.maxReward }));
    const taskId = await (await board()).read.taskCount();
    await mined("claim", (await board(worker)).write.claim([taskId, agentId]));
    await mined("submit", (await board(worker)).write.submit([taskId, 1, "ipfs://result", keccak256(toHex("r"))]));
    await mined("accept", (await board()).write.accept([taskId]));
    expect(await (await board()).read.creditOf([worker!.account.address, zeroAddress])).to.equal(spec.reward);
    await mined("withdrawCredit", (await board(worker)).write.withdrawCredit([zeroAddress]));
    const calls = ["register", "postTask", "claim", "submit", "accept", "withdrawCredit"];
    expect(fees.map((f) => f.call)).to.deep.equal(calls);
  });
});
