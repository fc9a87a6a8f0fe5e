// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/**
 * @title IStakeListener
 * @notice What StakeManager calls after every change of an agent's active stake, so that weights
 * derived from stake (LeaderElection's trees) never drift from it.
 */
interface IStakeListener {
    /**
     * @notice The agent's active stake is now `newStake`.
     * @param agentId The agent.
     * @param newStake Its active stake after the change.
     */
    function onStakeChanged(uint256 agentId, uint256 newStake) external;
}
