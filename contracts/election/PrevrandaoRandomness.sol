// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IRandomnessSource} from "../interfaces/IRandomnessSource.sol";
import {DefaultRandomness} from "../libraries/DefaultRandomness.sol";

/**
 * @title PrevrandaoRandomness
 * @notice {DefaultRandomness} behind {IRandomnessSource}, for consumers that take a source contract.
 * See {DefaultRandomness} for its bias limits.
 */
contract PrevrandaoRandomness is IRandomnessSource {
    /// @inheritdoc IRandomnessSource
    function randomness(uint256 groupId, uint256 epoch, uint256 round) external view returns (uint256) {
        return DefaultRandomness.value(msg.sender, groupId, epoch, round);
    }
}
