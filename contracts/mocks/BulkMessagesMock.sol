// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC721Receiver} from "@openzeppelin/contracts/token/ERC721/IERC721Receiver.sol";
import {IIdentityRegistry} from "../interfaces/IIdentityRegistry.sol";
import {IMessageBus} from "../interfaces/IMessageBus.sol";

/// @notice Benchmark helper: an agent (owned by this contract) that posts many real MessageBus
/// messages per transaction, to build indexer backfills of tens of thousands of events quickly.
contract BulkMessagesMock is IERC721Receiver {
    IMessageBus public immutable bus;
    uint256 public immutable agentId;

    constructor(IIdentityRegistry identity, IMessageBus bus_) {
        bus = bus_;
        agentId = identity.register("ipfs://bulk-messages");
    }

    function postMany(bytes32 channel, uint256 count, bytes calldata payload) external {
        for (uint256 i; i < count; ++i) {
            bus.post(agentId, channel, payload);
        }
    }

    function onERC721Received(address, address, uint256, bytes calldata) external pure returns (bytes4) {
        return IERC721Receiver.onERC721Received.selector;
    }
}
