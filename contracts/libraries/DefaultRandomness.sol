// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/**
 * @title DefaultRandomness
 * @notice The randomness of a LeaderElection draw: `keccak256(blockhash(revealedAt), value, consumer,
 * group, epoch, round)`, where `value` is the randomness source's (0 without one) and `revealedAt` the
 * block in which it became available (without a source: the block of the draw's request).
 *
 * Who can bias it (read before trusting it with value):
 * - A member cannot. The draw is requested in one transaction and settled in a later block; its
 *   value is unknown until block `revealedAt` is sealed, and every weight change after that block
 *   first settles the pending draw over the weights as they were. Calling early, late, twice, or
 *   only when one would win changes nothing: the outcome is fixed once block `revealedAt` exists.
 * - The producer of block `revealedAt` (one block proposer or builder; on a rollup, the
 *   sequencer) can. It sees the hash before anyone else and may withhold the block (a withholding
 *   bit), and since it picks the block's contents it can try contents until the hash suits it.
 *   That is one party, once per draw, and it must know the group's weights; with a VRF or a
 *   commit-reveal {IRandomnessSource} the value is not its to choose, which leaves it the
 *   withholding bit.
 * - Liveness: the EVM serves the last 256 block hashes. A draw nobody settles within 256 blocks is
 *   re-bound to a new block by the next call that touches the group, so a draw can be re-rolled by
 *   a party able to keep every member (and the outgoing leader's heartbeats) away for 256 blocks.
 */
library DefaultRandomness {
    function value(bytes32 seedHash, uint256 sourceValue, address consumer, uint256 groupId, uint256 epoch, uint256 round)
        internal
        pure
        returns (uint256)
    {
        return uint256(keccak256(abi.encode(seedHash, sourceValue, consumer, groupId, epoch, round)));
    }
}
