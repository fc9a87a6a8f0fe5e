// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IRandomnessSource} from "../interfaces/IRandomnessSource.sol";

/// @notice Test double of a VRF or commit-reveal source: requests are recorded, and a value exists
/// only once the test fulfils it (in the block of the fulfilment, or a block it names).
contract ManualRandomnessMock is IRandomnessSource {
    struct Word {
        uint256 value;
        uint256 revealedAt;
    }

    mapping(bytes32 key => Word) private _words;
    uint256 public requests;

    event Requested(address consumer, uint256 groupId, uint256 epoch, uint256 round);

    function requestRandomness(uint256 groupId, uint256 epoch, uint256 round) external {
        ++requests;
        delete _words[_key(msg.sender, groupId, epoch, round)];
        emit Requested(msg.sender, groupId, epoch, round);
    }

    function fulfil(address consumer, uint256 groupId, uint256 epoch, uint256 round, uint256 value) external {
        _words[_key(consumer, groupId, epoch, round)] = Word(value, block.number);
    }

    function fulfilAt(address consumer, uint256 groupId, uint256 epoch, uint256 round, uint256 value, uint256 revealedAt)
        external
    {
        _words[_key(consumer, groupId, epoch, round)] = Word(value, revealedAt);
    }

    function randomness(uint256 groupId, uint256 epoch, uint256 round) external view returns (uint256, uint256) {
        Word storage w = _words[_key(msg.sender, groupId, epoch, round)];
        return (w.value, w.revealedAt);
    }

    function _key(address consumer, uint256 groupId, uint256 epoch, uint256 round) private pure returns (bytes32) {
        return keccak256(abi.encode(consumer, groupId, epoch, round));
    }
}
