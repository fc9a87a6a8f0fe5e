// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/**
 * @title DefaultRandomness
 * @notice The default draw randomness: `keccak256(prevrandao, previous block hash, consumer, group,
 * epoch, round)`. LeaderElection uses it inline (no call) when deployed without a randomness source;
 * {PrevrandaoRandomness} exposes the same value behind {IRandomnessSource}.
 *
 * Bias limits (read before trusting it with value):
 * - Anyone can compute the value once the previous block is known, so a draw is only fair if the
 *   weights it draws over were fixed before that. LeaderElection enforces this by refusing to draw
 *   in a block in which the group's weights changed; a stake change made one block earlier was
 *   made before this block's `prevrandao` was known, except by the proposer of that earlier block.
 * - The block proposer knows `prevrandao` in advance and can choose to include or omit the draw
 *   (one bit of influence per block it proposes), and a proposer of consecutive blocks can combine
 *   that with stake changes. On a rollup the sequencer plays this role and may control
 *   `prevrandao` outright.
 * - Where that matters, deploy LeaderElection with a VRF-backed or commit-reveal
 *   {IRandomnessSource}; nothing else changes.
 */
library DefaultRandomness {
    function value(address consumer, uint256 groupId, uint256 epoch, uint256 round) internal view returns (uint256) {
        return uint256(keccak256(abi.encode(block.prevrandao, blockhash(block.number - 1), consumer, groupId, epoch, round)));
    }
}
