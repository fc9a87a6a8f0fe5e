/**
 * What `postTask` and `createSchedule` share: the spec tuple TaskBoard takes, validated with its
 * defaults filled in, and the ERC-20 approval rewards and bonds need.
 */
import { type Address, erc20Abi, type Hex, keccak256, stringToHex, zeroAddress, zeroHash } from "viem";
import { addressOf, type Context, requireWallet, send } from "../client/context.js";
import { InvalidInputError } from "../errors/input.js";
import { TokenRefusedError, tokenReadRefusal, tokenRefusal } from "../errors/token.js";
import * as v from "../validate.js";
import { chainNow } from "./watch.js";

/** What a poster specifies; everything but `specURI` and `maxReward` has a default. */
export type PostTaskParameters = {
  /** Capability name or bytes32 id the claimant must have (default: any agent). */
  capability?: string;
  specURI: string;
  /** keccak256 of the description (default: keccak256 of `specURI`). */
  specHash?: Hex;
  /** ERC-20 paying the reward and bonds (default: ETH). */
  rewardToken?: Address;
  /** Reward payable at posting (default: `maxReward`). */
  reward?: bigint;
  /** Reward at the deadline, escrowed in full. */
  maxReward: bigint;
  claimBond?: bigint;
  minStake?: bigint;
  abandonSlash?: bigint;
  /** Seconds a claim or renewal lasts (default 300). */
  leaseDuration?: bigint | number;
  /** Earliest claim time, unix seconds (default: now). */
  notBefore?: bigint | number;
  /** Claims close at this unix time (default: one day from now, chain time). */
  deadline?: bigint | number;
  /** Seconds the poster has to review a submission (default 3600). */
  reviewWindow?: bigint | number;
  /** Who answers escalations (default: the poster). */
  approver?: Address;
};

/**
 * The spec tuple the contract takes, validated, with defaults filled in. For a schedule's template
 * (`forSchedule`), `deadline` is the claim window in seconds after each round's due time.
 */
export async function taskSpec(ctx: Context, p: PostTaskParameters, forSchedule = false) {
  const now = await chainNow(ctx);
  const maxReward = v.amount("maxReward", p.maxReward);
  const reward = p.reward === undefined ? maxReward : v.amount("reward", p.reward);
  if (reward > maxReward) throw new InvalidInputError("reward", `must not exceed maxReward (${maxReward})`, p.reward);
  const specURI = v.uri("specURI", p.specURI);
  const deadline = forSchedule
    ? v.duration("deadline", p.deadline ?? 3600n)
    : p.deadline === undefined
      ? now + 86_400n
      : v.futureTime("deadline", p.deadline, now);
  return {
    capability: p.capability === undefined ? zeroHash : v.capability("capability", p.capability),
    specURI,
    specHash: p.specHash === undefined ? keccak256(stringToHex(specURI)) : v.bytes32("specHash", p.specHash),
    rewardToken: p.rewardToken === undefined ? zeroAddress : v.address("rewardToken", p.rewardToken),
    reward,
    maxReward,
    claimBond: v.amount("claimBond", p.claimBond ?? 0n),
    minStake: v.amount("minStake", p.minStake ?? 0n),
    abandonSlash: v.amount("abandonSlash", p.abandonSlash ?? 0n),
    leaseDuration: v.duration("leaseDuration", p.leaseDuration ?? 300n),
    notBefore: forSchedule ? 0n : v.uint("notBefore", p.notBefore ?? 0n, { bits: 64 }),
    deadline,
    reviewWindow: v.duration("reviewWindow", p.reviewWindow ?? 3600n, 0n),
    approver: p.approver === undefined ? zeroAddress : v.address("approver", p.approver),
  } as const;
}

/**
 * Approves TaskBoard for `amount` of `token` if the allowance is short (ERC-20 rewards and bonds);
 * a token that refuses to change a non-zero allowance (USDT's rule) is approved 0 first. A token
 * that fails the allowance read or the approval throws `TokenRefusedError`.
 */
export async function ensureAllowance(ctx: Context, token: Address, amount: bigint): Promise<void> {
  if (token === zeroAddress || amount === 0n) return;
  const owner = requireWallet(ctx).account.address;
  const board = addressOf(ctx, "TaskBoard");
  const allowance = await ctx.publicClient
    .readContract({ address: token, abi: erc20Abi, functionName: "allowance", args: [owner, board] })
    .catch((error: unknown) => {
      throw tokenReadRefusal(error, token);
    });
  if (allowance >= amount) return;
  const approve = (value: bigint) =>
    send(
      ctx,
      { address: token, abi: erc20Abi, functionName: "approve", args: [board, value] },
      { contractName: "ERC20", functionName: "approve" },
    ).catch((error: unknown) => {
      throw tokenRefusal(error, token, "approve");
    });
  try {
    await approve(amount);
  } catch (error) {
    if (!(error instanceof TokenRefusedError) || allowance === 0n) throw error;
    await approve(0n);
    await approve(amount);
  }
}

/** The value a TaskBoard call sends: `amount` when it is paid in ETH, nothing for an ERC-20. */
export const ethValue = (token: Address, amount: bigint): bigint => (token === zeroAddress ? amount : 0n);
