/**
 * Stake behind an agent, bound to it: stake (approving the token as needed), unstake, withdraw,
 * reads. Each method calls the action of the same concern in `actions/staking/`.
 */
import type { Address } from "viem";
import { getLockedStake } from "../actions/staking/getLockedStake.js";
import { getStake } from "../actions/staking/getStake.js";
import { getStakeTokenBalance } from "../actions/staking/getStakeTokenBalance.js";
import { getUnbonding } from "../actions/staking/getUnbonding.js";
import { mintFromFaucet } from "../actions/staking/mintFromFaucet.js";
import { requestUnstake } from "../actions/staking/requestUnstake.js";
import { stake } from "../actions/staking/stake.js";
import { withdrawStake } from "../actions/staking/withdrawStake.js";
import type { Context } from "../client/context.js";

export function stakingModule(ctx: Context) {
  return {
    /** Adds `amount` of the stake token behind the agent. See {@link stake}. */
    stake: (amount: bigint, options: { agentId?: bigint } = {}) => stake(ctx, { ...options, amount }),
    /** Starts unbonding `amount`. See {@link requestUnstake}. */
    requestUnstake: (amount: bigint, options: { agentId?: bigint } = {}) => requestUnstake(ctx, { ...options, amount }),
    /** Withdraws unbonded stake to the agent's owner. See {@link withdrawStake}. */
    withdraw: (options: { agentId?: bigint } = {}) => withdrawStake(ctx, options),
    /** Active stake of an agent. See {@link getStake}. */
    stakeOf: (agentId?: bigint) => getStake(ctx, { agentId }),
    /** Stake locked for tasks the agent holds. See {@link getLockedStake}. */
    lockedOf: (agentId?: bigint) => getLockedStake(ctx, { agentId }),
    /** Stake being unbonded and when it can be withdrawn. See {@link getUnbonding}. */
    unbondingOf: (agentId?: bigint) => getUnbonding(ctx, { agentId }),
    /** Stake-token balance of an address (default: the agent's account). See {@link getStakeTokenBalance}. */
    balanceOf: (account?: Address) => getStakeTokenBalance(ctx, { account }),
    /** Mints test tokens from the development token's faucet. See {@link mintFromFaucet}. */
    faucet: (amount: bigint, to?: Address) => mintFromFaucet(ctx, { amount, to }),
  };
}

export type StakingModule = ReturnType<typeof stakingModule>;
