// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IRandomnessSource} from "../interfaces/IRandomnessSource.sol";

/**
 * @title PrevrandaoRandomness
 * @notice The smallest {IRandomnessSource}: a draw's value is the request block's `prevrandao`,
 * revealed in that block. LeaderElection mixes it with that block's hash, so it adds nothing the
 * default (no source) lacks on a chain whose block hash commits to `prevrandao`; it is the example
 * of the interface and what tests plug in. The bias limits are those of the default (see
 * {DefaultRandomness}).
 */
contract PrevrandaoRandomness is IRandomnessSource {
    /// @dev The value recorded for each (consumer, group, epoch, round), with its block.
    struct Draw {
        uint256 value;
        uint256 revealedAt;
    }

    mapping(bytes32 key => Draw) private _draws;

    /// @inheritdoc IRandomnessSource
    function requestRandomness(uint256 groupId, uint256 epoch, uint256 round) external {
        _draws[_key(msg.sender, groupId, epoch, round)] = Draw(block.prevrandao, block.number);
    }

    /// @inheritdoc IRandomnessSource
    function randomness(uint256 groupId, uint256 epoch, uint256 round) external view returns (uint256 value, uint256 revealedAt) {
        Draw storage d = _draws[_key(msg.sender, groupId, epoch, round)];
        return (d.value, d.revealedAt);
    }

    function _key(address consumer, uint256 groupId, uint256 epoch, uint256 round) private pure returns (bytes32) {
        return keccak256(abi.encode(consumer, groupId, epoch, round));
    }
}
