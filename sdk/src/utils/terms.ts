/**
 * Which task terms an agent should not accept: terms on which an honest worker can lose more than
 * it can reasonably avoid (a lease too short to renew, a slash larger than the stake the task asks
 * for, a bond larger than the reward). TaskBoard bounds the worst (leases of at least 30 s,
 * slashes to the treasury rather than to the poster); these limits are the agent's own, stricter.
 */
import type { Task } from "../indexer/rows.js";

/** The limits `claimNext` applies (pass `terms` to change them, `terms: false` to take anything). */
export type TermLimits = {
  /**
   * Shortest lease worth taking, in seconds (default 120: time for a renewal to land, with margin,
   * on a slow chain).
   */
  minLeaseSeconds?: bigint | number;
  /**
   * Most stake an abandonment may slash (default: the task's own `minStake`, so a task never
   * slashes more than the stake it asks the claimant to hold).
   */
  maxAbandonSlash?: bigint;
  /** Largest bond, as a multiple of the task's `maxReward` (default 1: never bond more than you can earn). */
  maxBondToReward?: number;
};

/** The default limits. */
export const DEFAULT_TERM_LIMITS = { minLeaseSeconds: 120n, maxBondToReward: 1 } as const;

type Terms = Pick<Task, "leaseDuration" | "abandonSlash" | "minStake" | "claimBond" | "maxReward">;

/**
 * Why a task's terms are hostile under `limits`, or `undefined` when they are acceptable.
 *
 * @example
 * const reason = hostileTerms(task);
 * if (reason) console.log(`skipping task ${task.id}: ${reason}`);
 */
export function hostileTerms(task: Terms, limits: TermLimits = {}): string | undefined {
  const minLease = BigInt(limits.minLeaseSeconds ?? DEFAULT_TERM_LIMITS.minLeaseSeconds);
  if (task.leaseDuration < minLease)
    return `a lease of ${task.leaseDuration} s is too short to renew safely (at least ${minLease} s)`;
  const maxSlash = limits.maxAbandonSlash ?? task.minStake;
  if (task.abandonSlash > maxSlash) {
    return (
      `an abandonment would slash ${task.abandonSlash} of stake, ` +
      `more than ${limits.maxAbandonSlash === undefined ? "the task's minimum stake" : "allowed"} (${maxSlash})`
    );
  }
  const ratio = limits.maxBondToReward ?? DEFAULT_TERM_LIMITS.maxBondToReward;
  // Compared in millionths so that fractional ratios work on bigints.
  if (task.claimBond * 1_000_000n > task.maxReward * BigInt(Math.round(ratio * 1_000_000))) {
    return `a bond of ${task.claimBond} is more than ${ratio} × the reward (${task.maxReward})`;
  }
  return undefined;
}
