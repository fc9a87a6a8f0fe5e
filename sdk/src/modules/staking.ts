/** Stake behind an agent: stake (approving the token as needed), unstake, withdraw, reads. */
import type { Address } from "viem";
import { type Context, actingAgent, addressOf, eventOf, read, requireWallet, write, type Written } from "../client/context.js";
import * as v from "../validate.js";
import { DRAW_SETTLEMENT_GAS } from "./election.js";

export function stakingModule(ctx: Context) {
  const api = {
    /** Adds `amount` (base units) of the stake token behind the agent, approving StakeManager first if needed. */
    async stake(amount: bigint, options: { agentId?: bigint } = {}): Promise<Written> {
      const value = v.amount("amount", amount, true);
      const agentId = actingAgent(ctx, options.agentId);
      const owner = requireWallet(ctx).account.address;
      const allowance = await read(ctx, "StakeToken", "allowance", [owner, addressOf(ctx, "StakeManager")]);
      if (allowance < value) await write(ctx, "StakeToken", "approve", [addressOf(ctx, "StakeManager"), value]);
      // A stake change settles a pending draw of the agent's groups first.
      return write(ctx, "StakeManager", "stake", [agentId, value], { headroom: DRAW_SETTLEMENT_GAS });
    },
    /** Starts unbonding `amount`; it stops counting at once and can be withdrawn after the unbonding period. */
    requestUnstake: (amount: bigint, options: { agentId?: bigint } = {}) =>
      write(ctx, "StakeManager", "requestUnstake", [actingAgent(ctx, options.agentId), v.amount("amount", amount, true)], { headroom: DRAW_SETTLEMENT_GAS }),
    /**
     * Withdraws unbonded stake to the agent's owner (whoever signs). Resolves with what was paid and
     * what stays unbonding: stake a lock holds back when a slash cut the active stake below it.
     */
    async withdraw(options: { agentId?: bigint } = {}): Promise<Written & { to: Address; amount: bigint; unbonding: bigint }> {
      const written = await write(ctx, "StakeManager", "withdraw", [actingAgent(ctx, options.agentId)]);
      const { to, amount, unbonding } = eventOf(ctx, written.receipt, "StakeManager", "Withdrawn");
      return { ...written, to, amount, unbonding };
    },
    /** Active stake of an agent. */
    stakeOf: (agentId?: bigint) => read(ctx, "StakeManager", "stakeOf", [actingAgent(ctx, agentId)]),
    /** Stake of an agent locked for obligations it has not discharged (tasks it holds): it cannot be unstaken. */
    lockedOf: (agentId?: bigint) => read(ctx, "StakeManager", "lockedOf", [actingAgent(ctx, agentId)]),
    /** Stake being unbonded and when it can be withdrawn. */
    async unbondingOf(agentId?: bigint): Promise<{ amount: bigint; releaseAt: bigint }> {
      const [amount, releaseAt] = await read(ctx, "StakeManager", "unbondingOf", [actingAgent(ctx, agentId)]);
      return { amount, releaseAt };
    },
    /** Stake-token balance of an address (default: the agent's account). */
    balanceOf: (account?: `0x${string}`) => read(ctx, "StakeToken", "balanceOf", [account ? v.address("account", account) : requireWallet(ctx).account.address]),
    /** Mints test tokens from the development token's faucet (local chains and testnets only). */
    faucet: (amount: bigint, to?: `0x${string}`) =>
      write(ctx, "StakeToken", "faucet", [to ? v.address("to", to) : requireWallet(ctx).account.address, v.amount("amount", amount, true)]),
  };
  return api;
}

export type StakingModule = ReturnType<typeof stakingModule>;
