/** `stigmergy stake add | unstake | withdraw | show`: stake behind an agent. */
import type { Command } from "../command.js";
import { fields, time, tokens } from "../output.js";
import * as parse from "../values.js";

const add: Command = {
  path: ["stake", "add"],
  summary: "Stake AMOUNT tokens behind the agent (approving the StakeManager as needed)",
  args: ["AMOUNT"],
  options: { faucet: { type: "boolean", description: "mint AMOUNT test tokens first (the development token's faucet; local chains)" } },
  examples: ["stigmergy stake add 10 --faucet --account 1", "stigmergy stake add 0.5 --agent 3 --key 0x…"],
  async run({ args, flags, session }) {
    const amount = parse.tokenAmount("amount", args.AMOUNT!, true);
    const agent = await session.agent();
    const agentId = await session.actingAgent();
    let minted: string | undefined;
    if (flags.flag("faucet")) minted = (await session.progress.run(`minting ${tokens(amount)} from the faucet`, () => agent.staking.faucet(amount))).hash;
    const staked = await session.progress.run(`staking ${tokens(amount)} behind agent ${agentId}`, () => agent.staking.stake(amount, { agentId }));
    const active = await agent.staking.stakeOf(agentId);
    return {
      data: { agentId, amount, active, txHash: staked.hash, ...(minted ? { faucetTxHash: minted } : {}) },
      text: `staked ${tokens(amount)} behind agent ${agentId}; its active stake is now ${tokens(active)} (tx ${staked.hash})`,
    };
  },
};

const unstake: Command = {
  path: ["stake", "unstake"],
  summary: "Start unbonding AMOUNT tokens (they stop counting at once; withdraw after the unbonding period)",
  args: ["AMOUNT"],
  async run({ args, session }) {
    const amount = parse.tokenAmount("amount", args.AMOUNT!, true);
    const agent = await session.agent();
    const agentId = await session.actingAgent();
    const sent = await session.progress.run(`unstaking ${tokens(amount)} of agent ${agentId}`, () => agent.staking.requestUnstake(amount, { agentId }));
    const unbonding = await agent.staking.unbondingOf(agentId);
    return {
      data: { agentId, amount, unbonding: unbonding.amount, releaseAt: unbonding.releaseAt, txHash: sent.hash },
      text: `unbonding ${tokens(unbonding.amount)} of agent ${agentId}; withdraw with \`stigmergy stake withdraw\` from ${time(unbonding.releaseAt)}`,
    };
  },
};

const withdraw: Command = {
  path: ["stake", "withdraw"],
  summary: "Withdraw unbonded stake to the agent's owner",
  async run({ session }) {
    const agent = await session.agent();
    const agentId = await session.actingAgent();
    const sent = await session.progress.run(`withdrawing the unbonded stake of agent ${agentId}`, () => agent.staking.withdraw({ agentId }));
    const kept = sent.unbonding > 0n ? `; ${tokens(sent.unbonding)} stays unbonding, held for what the agent owes` : "";
    return {
      data: { agentId, amount: sent.amount, to: sent.to, unbonding: sent.unbonding, txHash: sent.hash },
      text: `withdrew ${tokens(sent.amount)} of agent ${agentId} to its owner ${sent.to}${kept} (tx ${sent.hash})`,
    };
  },
};

const show: Command = {
  path: ["stake", "show"],
  summary: "Show an agent's active, locked and unbonding stake",
  args: ["ID?"],
  async run({ args, session }) {
    const agent = await session.agent();
    const agentId = args.ID === undefined ? await session.actingAgent() : parse.id("ID", args.ID);
    const [active, locked, unbonding] = await Promise.all([agent.staking.stakeOf(agentId), agent.staking.lockedOf(agentId), agent.staking.unbondingOf(agentId)]);
    const balance = agent.address ? await agent.staking.balanceOf(agent.address) : undefined;
    const rows: Array<[string, string]> = [
      ["active", tokens(active)],
      ["locked", locked > 0n ? `${tokens(locked)} (for tasks it holds; cannot be unstaken)` : tokens(0n)],
      ["unbonding", unbonding.amount > 0n ? `${tokens(unbonding.amount)}, withdrawable from ${time(unbonding.releaseAt)}` : tokens(0n)],
    ];
    if (balance !== undefined) rows.push(["wallet balance", tokens(balance)]);
    return {
      data: { agentId, active, locked, unbonding: unbonding.amount, releaseAt: unbonding.releaseAt, ...(balance !== undefined ? { balance } : {}) },
      text: fields(`stake of agent ${agentId}`, rows),
    };
  },
};

export const stakeCommands: Command[] = [add, unstake, withdraw, show];
