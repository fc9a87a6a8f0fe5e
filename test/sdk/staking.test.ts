import { expect } from "chai";
import { parseEther } from "viem";
import type { Agent } from "../../sdk/src/index.ts";
import { advance, agentFor } from "./helpers/stack.ts";

describe("sdk: staking", () => {
  let agents: Agent[];

  before(async function () {
    this.timeout(120_000);
    agents = [await agentFor(7)];
    const a = agents[0]!;
    await a.identity.register({ uri: "ipfs://staker" });
    await a.staking.faucet(parseEther("100"));
    await a.staking.stake(parseEther("10"));
  });

  it("stakes, unbonds and withdraws", async () => {
    const a = agents[0]!;
    expect(await a.staking.stakeOf()).to.equal(parseEther("10"));
    await a.staking.stake(parseEther("5"));
    await a.staking.requestUnstake(parseEther("5"));
    const { amount, releaseAt } = await a.staking.unbondingOf();
    expect(amount).to.equal(parseEther("5"));
    const now = (await a.publicClient.getBlock()).timestamp;
    await advance(Number(releaseAt - now) + 1);
    const before = await a.staking.balanceOf();
    const withdrawn = await a.staking.withdraw();
    expect(withdrawn).to.deep.include({ to: a.address, amount: parseEther("5"), unbonding: 0n });
    expect((await a.staking.balanceOf()) - before).to.equal(parseEther("5"));
    expect(await a.staking.lockedOf()).to.equal(0n);
  });
});
