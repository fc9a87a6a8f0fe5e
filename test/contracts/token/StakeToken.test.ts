import { expect } from "chai";
import { network } from "hardhat";
import { getAddress } from "viem";

const { viem } = await network.create();

describe("StakeToken", () => {
  it("is an 18-decimal ERC-20 whose faucet mints to anyone and says so", async () => {
    const [, alice] = await viem.getWalletClients();
    const token = await viem.deployContract("StakeToken");
    expect([await token.read.name(), await token.read.symbol(), await token.read.decimals()]).to.deep.equal([
      "Stigmergy Stake",
      "STAKE",
      18,
    ]);
    await viem.assertions.emitWithArgs(token.write.faucet([alice!.account.address, 5n]), token, "Faucet", [
      getAddress(alice!.account.address),
      5n,
    ]);
    expect(await token.read.balanceOf([alice!.account.address])).to.equal(5n);
    expect(await token.read.totalSupply()).to.equal(5n);
  });
});
