/** What `stigmergy stake …` does (stake behind an agent), loaded when one of its commands runs. */
import type { CommandInput } from "../command.js";
import { fields, time, tokens } from "../format.js";
import type { CommandResult } from "../output.js";
import * as parse from "../values.js";

export async function add({ args, flags, session }: CommandInput): Promise<CommandResult | undefined> {
  const amount = parse.tokenAmount("amount", args.AMOUNT!, true);
  const agent = await session.agent();
  const agentId = await session.actingAgent();
  let minted: string | undefined;
  if (flags.flag("faucet"))
    minted = (
      await session.progress.run(`minting ${tokens(amount)} from the faucet`, () => agent.staking.faucet(amount))
    ).hash;
  const staked = await session.progress.run(`staking ${tokens(amount)} behind agent ${agentId}`, () =>
    agent.staking.stake(amount, { agentId }),
  );
  const active = await agent.staking.stakeOf(agentId);
  return {
    data: { agentId, amount, active, txHash: staked.hash, ...(minted ? { faucetTxHash: minted } : {}) },
    text:
      `staked ${tokens(amount)} behind agent ${agentId}; ` +
      `its active stake is now ${tokens(active)} (tx ${staked.hash})`,
  };
}

export async function unstake({ args, session }: CommandInput): Promise<CommandResult | undefined> {
  const amount = parse.tokenAmount("amount", args.AMOUNT!, true);
  const agent = await session.agent();
  const agentId = await session.actingAgent();
  const sent = await session.progress.run(`unstaking ${tokens(amount)} of agent ${agentId}`, () =>
    agent.staking.requestUnstake(amount, { agentId }),
  );
  const unbonding = await agent.staking.unbondingOf(agentId);
  return {
    data: { agentId, amount, unbonding: unbonding.amount, releaseAt: unbonding.releaseAt, txHash: sent.hash },
    text:
      `unbonding ${tokens(unbonding.amount)} of agent ${agentId}; ` +
      `withdraw with \`stigmergy stake withdraw\` from ${time(unbonding.releaseAt)}`,
  };
}

export async function withdraw({ session }: CommandInput): Promise<CommandResult | undefined> {
  const agent = await session.agent();
  const agentId = await session.actingAgent();
  const sent = await session.progress.run(`withdrawing the unbonded stake of agent ${agentId}`, () =>
    agent.staking.withdraw({ agentId }),
  );
  const kept = sent.unbonding > 0n ? `; ${tokens(sent.unbonding)} stays unbonding, held for what the agent owes` : "";
  return {
    data: { agentId, amount: sent.amount, to: sent.to, unbonding: sent.unbonding, txHash: sent.hash },
    text: `withdrew ${tokens(sent.amount)} of agent ${agentId} to its owner ${sent.to}${kept} (tx ${sent.hash})`,
  };
}

export async function show({ args, session }: CommandInput): Promise<CommandResult | undefined> {
  const agent = await session.agent();
  const agentId = args.ID === undefined ? await session.actingAgent() : parse.id("ID", args.ID);
  const [active, locked, unbonding] = await Promise.all([
    agent.staking.stakeOf(agentId),
    agent.staking.lockedOf(agentId),
    agent.staking.unbondingOf(agentId),
  ]);
  const balance = agent.address ? await agent.staking.balanceOf(agent.address) : undefined;
  const rows: Array<[string, string]> = [
    ["active", tokens(active)],
    ["locked", locked > 0n ? `${tokens(locked)} (for tasks it holds; cannot be unstaken)` : tokens(0n)],
    [
      "unbonding",
      unbonding.amount > 0n
        ? `${tokens(unbonding.amount)}, withdrawable from ${time(unbonding.releaseAt)}`
        : tokens(0n),
    ],
  ];
  if (balance !== undefined) rows.push(["wallet balance", tokens(balance)]);
  return {
    data: {
      agentId,
      active,
      locked,
      unbonding: unbonding.amount,
      releaseAt: unbonding.releaseAt,
      ...(balance !== undefined ? { balance } : {}),
    },
    text: fields(`stake of agent ${agentId}`, rows),
  };
}
