// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/**
 * @title IRandomnessSource
 * @notice Where LeaderElection gets the randomness of a draw, in two steps: it calls
 * {requestRandomness} when a draw is requested, then reads {randomness} until the value exists.
 *
 * LeaderElection never uses the value on its own: it mixes it with the hash of the block in which
 * the value became available (`revealedAt`) and settles the draw only in a later block, over the
 * weights as they stood at the end of block `revealedAt` (every weight change after that first
 * settles the pending draw). So seeing a VRF fulfilment or a reveal in the mempool does not let
 * anyone move weights in time: the block hash it is mixed with is unknown until that block is
 * sealed. Without a source (the default), the value is empty and `revealedAt` is the request's
 * own block.
 *
 * A VRF plugs in by requesting a word in {requestRandomness} and recording the fulfilled word with
 * its block; a commit-reveal beacon by recording the reveal and its block. {PrevrandaoRandomness}
 * is the smallest example.
 */
interface IRandomnessSource {
    /**
     * @notice A draw needs a value: the one for draw `round` of `epoch` in group `groupId`, as seen by
     * the calling contract. Called once per draw request (again if a request expires unsettled).
     * @param groupId The group drawing.
     * @param epoch The epoch of the draw.
     * @param round Distinguishes draws within an epoch (the term being drawn).
     */
    function requestRandomness(uint256 groupId, uint256 epoch, uint256 round) external;

    /**
     * @notice The value for a requested draw, once it exists.
     * @param groupId The group drawing.
     * @param epoch The epoch of the draw.
     * @param round The term being drawn.
     * @return value The random value (anything, once revealed).
     * @return revealedAt The block in which the value became available; 0 while it does not exist.
     */
    function randomness(uint256 groupId, uint256 epoch, uint256 round) external view returns (uint256 value, uint256 revealedAt);
}
