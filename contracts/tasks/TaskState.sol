// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ITaskBoard} from "../interfaces/ITaskBoard.sol";

/**
 * @notice A task's hot state in one word, so that a claim is one read and one write of one slot
 * (a compare-and-set within the transaction). The middle of the word depends on the status:
 *
 * ```
 *   held (Claimed, Submitted, Escalated) and settled:
 *   | 96 lockedReward | 12 unused | 40 timer         | 64 claimant                | 32 attempt | 8 flags | 4 status |
 *   open:
 *   | 96 reward       | 4 unused  | 32 leaseDuration | 40 deadline | 40 notBefore | 32 attempt | 8 flags | 4 status |
 * ```
 *
 * An open task carries what a claim must check and start (its window and lease), so a claim reads
 * no other slot for them; once claimed, those bits hold the claimant and its timer, and the terms
 * stay in the task's cold slots. `timer` means, by status: Claimed, the lease expiry; Escalated,
 * the lease seconds left when the clock was paused; Submitted, the end of the review window.
 * `attempt` counts claims (including handoffs): it is the fencing token every claimant act
 * carries. `flags` mark which cold slots a claim must read. `lockedReward` holds, while the task is
 * open, its base reward (so a claim of a flat-reward task reads no reward slot) and, once claimed,
 * the reward locked in.
 */
type TaskState is uint256;

using TaskStateLib for TaskState global;

/// @title TaskStateLib
/// @notice Accessors of {TaskState}.
library TaskStateLib {

    /// @dev The task needs a capability (the capability slot must be read).
    uint8 internal constant FLAG_CAPABILITY = 1;
    /// @dev Claims post a bond (the bond slot must be read).
    uint8 internal constant FLAG_BOND = 2;
    /// @dev Reward and bond are an ERC-20 rather than ETH.
    uint8 internal constant FLAG_TOKEN = 4;
    /// @dev The reward rises towards maxReward (the reward slot must be read to lock it in).
    uint8 internal constant FLAG_RAMP = 8;
    /// @dev Abandonment slashes stake: a claim locks `abandonSlash` of the claimant's stake.
    uint8 internal constant FLAG_SLASH = 16;

    uint256 private constant STATUS_MASK = 0xf;
    uint256 private constant FLAGS_SHIFT = 4;
    uint256 private constant ATTEMPT_SHIFT = 12;
    uint256 private constant CLAIMANT_SHIFT = 44;
    uint256 private constant TIMER_SHIFT = 108;
    uint256 private constant NOT_BEFORE_SHIFT = 44;
    uint256 private constant DEADLINE_SHIFT = 84;
    uint256 private constant LEASE_SHIFT = 124;
    uint256 private constant REWARD_SHIFT = 160;

    /**
     * @notice The task's status.
     * @param self The state word.
     * @return The status (the word's low 4 bits hold one of the enum's 8 values).
     */
    function status(TaskState self) internal pure returns (ITaskBoard.TaskStatus) {
        return ITaskBoard.TaskStatus(TaskState.unwrap(self) & STATUS_MASK);
    }

    /**
     * @notice Which cold slots a claim reads, and what the task takes and pays in ({FLAG_CAPABILITY} …).
     * @param self The state word.
     * @return The flags.
     */
    function flags(TaskState self) internal pure returns (uint8) {
        return uint8(TaskState.unwrap(self) >> FLAGS_SHIFT);
    }

    /**
     * @notice Whether the task has `flag`.
     * @param self The state word.
     * @param flag One flag.
     * @return True if set.
     */
    function has(TaskState self, uint8 flag) internal pure returns (bool) {
        return (TaskState.unwrap(self) >> FLAGS_SHIFT) & flag != 0;
    }

    /**
     * @notice Claims so far (the fencing token of the current claim).
     * @param self The state word.
     * @return The attempt.
     */
    function attempt(TaskState self) internal pure returns (uint32) {
        return uint32(TaskState.unwrap(self) >> ATTEMPT_SHIFT);
    }

    /// @notice The claimant (held and settled states; 0 for cancelled and expired tasks).
    /// @param self The state word.
    function claimant(TaskState self) internal pure returns (uint64) {
        return uint64(TaskState.unwrap(self) >> CLAIMANT_SHIFT);
    }

    /// @notice The timer (held states; 0 once settled).
    /// @param self The state word.
    function timer(TaskState self) internal pure returns (uint40) {
        return uint40(TaskState.unwrap(self) >> TIMER_SHIFT);
    }

    /// @notice Earliest claim time (open state only).
    /// @param self The state word.
    function notBefore(TaskState self) internal pure returns (uint40) {
        return uint40(TaskState.unwrap(self) >> NOT_BEFORE_SHIFT);
    }

    /// @notice Claims close at this time (open state only).
    /// @param self The state word.
    function deadline(TaskState self) internal pure returns (uint40) {
        return uint40(TaskState.unwrap(self) >> DEADLINE_SHIFT);
    }

    /// @notice Seconds a claim lasts (open state only).
    /// @param self The state word.
    function leaseDuration(TaskState self) internal pure returns (uint32) {
        return uint32(TaskState.unwrap(self) >> LEASE_SHIFT);
    }

    /**
     * @notice The reward: the base reward while open, the reward locked in once claimed.
     * @param self The state word.
     * @return The reward.
     */
    function lockedReward(TaskState self) internal pure returns (uint96) {
        return uint96(TaskState.unwrap(self) >> REWARD_SHIFT);
    }

    /// @notice An open task: `flags_`, `attempt_` claims so far, its claim window, lease and base reward.
    /// @param flags_ Which cold slots a claim reads ({FLAG_CAPABILITY} …).
    /// @param attempt_ Claims so far.
    /// @param notBefore_ Earliest claim time.
    /// @param deadline_ Claims close at this time.
    /// @param leaseDuration_ Seconds a claim lasts.
    /// @param reward_ The base reward.
    function open(uint8 flags_, uint32 attempt_, uint40 notBefore_, uint40 deadline_, uint32 leaseDuration_, uint96 reward_)
        internal
        pure
        returns (TaskState)
    {
        return TaskState.wrap(
            uint256(ITaskBoard.TaskStatus.Open) | (uint256(flags_) << FLAGS_SHIFT) | (uint256(attempt_) << ATTEMPT_SHIFT)
                | (uint256(notBefore_) << NOT_BEFORE_SHIFT) | (uint256(deadline_) << DEADLINE_SHIFT)
                | (uint256(leaseDuration_) << LEASE_SHIFT) | (uint256(reward_) << REWARD_SHIFT)
        );
    }

    /// @notice A held or settled state with every field given (flags kept).
    /// @param self The state word.
    /// @param status_ The status.
    /// @param attempt_ The attempt.
    /// @param claimant_ The claimant.
    /// @param timer_ The timer (its meaning depends on the status).
    /// @param reward_ The locked reward.
    function pack(TaskState self, ITaskBoard.TaskStatus status_, uint32 attempt_, uint64 claimant_, uint40 timer_, uint96 reward_)
        internal
        pure
        returns (TaskState)
    {
        return TaskState.wrap(
            uint256(uint8(status_)) | (uint256(self.flags()) << FLAGS_SHIFT) | (uint256(attempt_) << ATTEMPT_SHIFT)
                | (uint256(claimant_) << CLAIMANT_SHIFT) | (uint256(timer_) << TIMER_SHIFT)
                | (uint256(reward_) << REWARD_SHIFT)
        );
    }

    /// @notice The same held state with a new status and timer (claimant, attempt and reward kept).
    /// @param self The state word.
    /// @param status_ The new status.
    /// @param timer_ The new timer.
    function withStatus(TaskState self, ITaskBoard.TaskStatus status_, uint40 timer_) internal pure returns (TaskState) {
        return self.pack(status_, self.attempt(), self.claimant(), timer_, self.lockedReward());
    }
}
