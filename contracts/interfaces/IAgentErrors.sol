// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/**
 * @title IAgentErrors
 * @notice Errors shared by every contract that acts on behalf of an `agentId`.
 */
interface IAgentErrors {
    /**
     * @notice Thrown when an `agentId` is not registered in the IdentityRegistry.
     * @param agentId The id that was passed.
     */
    error AgentNotFound(uint256 agentId);

    /**
     * @notice Thrown when the caller is neither the agent's owner, an approved ERC-721 operator,
     * nor its verified agentWallet.
     * @param caller The address that called.
     * @param agentId The agent it tried to act for.
     */
    error NotAuthorizedForAgent(address caller, uint256 agentId);
}
