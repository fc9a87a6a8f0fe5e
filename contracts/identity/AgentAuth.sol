// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAgentErrors} from "../interfaces/IAgentErrors.sol";
import {IIdentityRegistry} from "../interfaces/IIdentityRegistry.sol";

/**
 * @title AgentAuth
 * @notice The DESIGN rule every agent-facing action follows: `msg.sender` must be the agent's owner,
 * an approved ERC-721 operator, or its verified agentWallet (`IdentityRegistry.isAuthorized`).
 */
abstract contract AgentAuth is IAgentErrors {
    /// @dev The identity registry agents are authorised against.
    IIdentityRegistry internal immutable _identity;

    constructor(IIdentityRegistry identity) {
        _identity = identity;
    }

    /// @dev Reverts with {AgentNotFound} or {NotAuthorizedForAgent} unless the caller may act for `agentId`.
    /// The success path costs one call; the existence check only runs on failure, to name the cause.
    function _requireAuthorized(uint256 agentId) internal view {
        if (!_identity.isAuthorized(msg.sender, agentId)) {
            if (!_identity.exists(agentId)) revert AgentNotFound(agentId);
            revert NotAuthorizedForAgent(msg.sender, agentId);
        }
    }
}
