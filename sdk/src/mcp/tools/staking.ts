/** Stake behind the agent (the `staking` primitive): `stake`. */

import { abis, contractAddress } from "@stigmergy/contracts";
import { formatUnits } from "viem";
import { z } from "zod";
import type { Agent } from "../../agent.js";
import { InvalidInputError } from "../../errors/input.js";
import * as v from "../../validate.js";
import { agentIdOf, decimalInput, signerOf } from "../inputs.js";
import { defineTool } from "../tool.js";

/** The stake token's decimals and symbol (read from the chain). */
export async function stakeToken(agent: Agent): Promise<{ decimals: number; symbol: string }> {
  const address = contractAddress(agent.deployment, "StakeToken");
  const [decimals, symbol] = await Promise.all([
    agent.publicClient.readContract({ address, abi: abis.StakeToken, functionName: "decimals" }),
    agent.publicClient.readContract({ address, abi: abis.StakeToken, functionName: "symbol" }),
  ]);
  return { decimals, symbol };
}

export const stake = defineTool({
  name: "stake",
  title: "Stake tokens",
  description:
    "Stakes `amount` stake tokens behind your agent (tasks and election groups may require a minimum stake; stake " +
    "can be slashed for misbehaviour). With faucet: true, first mints that amount from the development token's " +
    "faucet (local chains and testnets only). Returns the agent's total stake.",
  inputSchema: {
    amount: decimalInput(
      'How many stake tokens, as a decimal string such as "10" or "2.5" (whole tokens, not base units).',
    ),
    faucet: z
      .boolean()
      .optional()
      .describe("Mint the amount from the test token's faucet first (local chains and testnets only). Default false."),
  },
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  async run(agent, input) {
    signerOf(agent);
    const agentId = agentIdOf(agent);
    const token = await stakeToken(agent);
    const amount = v.decimalAmount("amount", input.amount, token.symbol, { decimals: token.decimals });
    if (amount === 0n) throw new InvalidInputError("amount", "must be more than 0", input.amount);
    if (input.faucet) await agent.staking.faucet(amount);
    const staked = await agent.staking.stake(amount, { agentId });
    const [total, balance] = await Promise.all([agent.staking.stakeOf(agentId), agent.staking.balanceOf()]);
    return {
      agentId,
      staked: formatUnits(amount, token.decimals),
      totalStake: formatUnits(total, token.decimals),
      tokenBalance: formatUnits(balance, token.decimals),
      token: token.symbol,
      txHash: staked.hash,
    };
  },
});
