// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/**
 * @notice A task's hot state in one word, so that a claim is one read and one write of one slot
 * (a compare-and-set within the transaction):
 *
 * ```
 *   | 16 unused | 96 lockedReward | 40 timer | 64 claimant | 32 attempt | 4 flags | 4 status |
 * ```
 *
 * `timer` means, by status: Claimed, the lease expiry; Escalated, the lease seconds left when the
 * clock was paused; Submitted, the end of the review window. `attempt` counts claims (including
 * handoffs): it is the fencing token every claimant act carries. `flags` mark which cold slots a
 * claim must read. `lockedReward` holds, while the task is open, its base reward (so a claim of a
 * flat-reward task reads no reward slot) and, once claimed, the reward locked in.
 */
type TaskState is uint256;

using TaskStateLib for TaskState global;

/// @notice Accessors of {TaskState}.
library TaskStateLib {
    uint8 internal constant NONE = 0;
    uint8 internal constant OPEN = 1;
    uint8 internal constant CLAIMED = 2;
    uint8 internal constant SUBMITTED = 3;
    uint8 internal constant ESCALATED = 4;
    uint8 internal constant ACCEPTED = 5;
    uint8 internal constant CANCELLED = 6;
    uint8 internal constant EXPIRED = 7;

    /// @dev The task needs a capability (the capability slot must be read).
    uint8 internal constant FLAG_CAPABILITY = 1;
    /// @dev Claims post a bond (the bond slot must be read).
    uint8 internal constant FLAG_BOND = 2;
    /// @dev Reward and bond are an ERC-20 rather than ETH.
    uint8 internal constant FLAG_TOKEN = 4;
    /// @dev The reward rises towards maxReward (the reward slot must be read to lock it in).
    uint8 internal constant FLAG_RAMP = 8;

    uint256 private constant ATTEMPT_SHIFT = 8;
    uint256 private constant CLAIMANT_SHIFT = 40;
    uint256 private constant TIMER_SHIFT = 104;
    uint256 private constant REWARD_SHIFT = 144;

    function status(TaskState self) internal pure returns (uint8) {
        return uint8(TaskState.unwrap(self) & 0xf);
    }

    function flags(TaskState self) internal pure returns (uint8) {
        return uint8((TaskState.unwrap(self) >> 4) & 0xf);
    }

    function has(TaskState self, uint8 flag) internal pure returns (bool) {
        return (TaskState.unwrap(self) >> 4) & flag != 0;
    }

    function attempt(TaskState self) internal pure returns (uint32) {
        return uint32(TaskState.unwrap(self) >> ATTEMPT_SHIFT);
    }

    function claimant(TaskState self) internal pure returns (uint64) {
        return uint64(TaskState.unwrap(self) >> CLAIMANT_SHIFT);
    }

    function timer(TaskState self) internal pure returns (uint40) {
        return uint40(TaskState.unwrap(self) >> TIMER_SHIFT);
    }

    function lockedReward(TaskState self) internal pure returns (uint96) {
        return uint96(TaskState.unwrap(self) >> REWARD_SHIFT);
    }

    /// @notice A new open task with `flags_` and base reward `reward_`.
    function open(uint8 flags_, uint96 reward_) internal pure returns (TaskState) {
        return TaskState.wrap(uint256(OPEN) | (uint256(flags_) << 4) | (uint256(reward_) << REWARD_SHIFT));
    }

    /// @notice The same state with every field given (flags kept).
    function pack(TaskState self, uint8 status_, uint32 attempt_, uint64 claimant_, uint40 timer_, uint96 reward_)
        internal
        pure
        returns (TaskState)
    {
        return TaskState.wrap(
            uint256(status_) | (uint256(self.flags()) << 4) | (uint256(attempt_) << ATTEMPT_SHIFT)
                | (uint256(claimant_) << CLAIMANT_SHIFT) | (uint256(timer_) << TIMER_SHIFT)
                | (uint256(reward_) << REWARD_SHIFT)
        );
    }

    /// @notice The same state with a new status and timer.
    function withStatus(TaskState self, uint8 status_, uint40 timer_) internal pure returns (TaskState) {
        return self.pack(status_, self.attempt(), self.claimant(), timer_, self.lockedReward());
    }
}
