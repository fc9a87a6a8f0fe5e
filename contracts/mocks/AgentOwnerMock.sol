// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC721Receiver} from "@openzeppelin/contracts/token/ERC721/IERC721Receiver.sol";
import {IIdentityRegistry} from "../interfaces/IIdentityRegistry.sol";

/// @notice Test double: a contract that registers agents for itself. With `acceptTokens` false it
/// does not implement the ERC-721 receiver hook correctly, so registration must revert.
contract AgentOwnerMock is IERC721Receiver {
    IIdentityRegistry public immutable registry;
    bool public immutable acceptTokens;
    uint256 public lastReceived;

    constructor(IIdentityRegistry registry_, bool acceptTokens_) {
        registry = registry_;
        acceptTokens = acceptTokens_;
    }

    function registerAgent(string calldata uri) external returns (uint256) {
        return registry.register(uri);
    }

    function onERC721Received(address, address, uint256 tokenId, bytes calldata) external returns (bytes4) {
        lastReceived = tokenId;
        return acceptTokens ? IERC721Receiver.onERC721Received.selector : bytes4(0xdeadbeef);
    }
}
