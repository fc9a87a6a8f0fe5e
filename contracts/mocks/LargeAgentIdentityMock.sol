// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @notice Test double: an identity registry where `owner` holds every agent id, however large,
/// so that registries can be tested with ids no real deployment reaches (above 2^48).
contract LargeAgentIdentityMock {
    address public immutable owner;

    constructor(address owner_) {
        owner = owner_;
    }

    function isAuthorized(address account, uint256) external view returns (bool) {
        return account == owner;
    }

    function exists(uint256) external pure returns (bool) {
        return true;
    }
}
