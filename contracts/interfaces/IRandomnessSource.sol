// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/**
 * @title IRandomnessSource
 * @notice Where LeaderElection gets the randomness for a draw. The default,
 * {PrevrandaoRandomness}, needs no setup; a VRF or a commit-reveal beacon plugs in behind this same
 * function (for example a contract that returns the fulfilled VRF word recorded for
 * `(groupId, epoch, round)` and reverts until it exists).
 */
interface IRandomnessSource {
    /**
     * @notice A 256-bit random value for draw `round` of `epoch` in group `groupId`, as seen by the
     * calling contract.
     * @param groupId The group drawing.
     * @param epoch The epoch of the draw.
     * @param round Distinguishes draws within an epoch (term and attempt).
     * @return The random value.
     */
    function randomness(uint256 groupId, uint256 epoch, uint256 round) external view returns (uint256);
}
