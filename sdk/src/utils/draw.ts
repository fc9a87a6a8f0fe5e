/**
 * On chain a leader draw takes two transactions: one requests it (bound to the randomness of its
 * own block), a later one settles it. Any call that may settle a pending draw (elect, failover,
 * heartbeat, join, leave, a stake change) is sent with {@link DRAW_SETTLEMENT_GAS} above its
 * estimate, because many nodes estimate on the latest block, where the draw's randomness may not
 * exist yet.
 */

/**
 * Gas a call may need above its estimate when it settles a pending draw: the draw itself at any
 * group size (a 4-ary tree of up to 2^32 members) with a few leaders excluded. Unused gas is not
 * charged.
 */
export const DRAW_SETTLEMENT_GAS = 150_000n;
