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
     * @dev A listener may refuse (revert) only a change with `unstaking` set: the agent's own request
     * to unstake, which it refuses to keep stake the agent owes (a leader's failover slash).
     * Additions and slashes must always go through.
     * @param agentId The agent.
     * @param newStake Its active stake after the change.
     * @param unstaking Whether the change is the agent's own {IStakeManager-requestUnstake}.
     */
    function onStakeChanged(uint256 agentId, uint256 newStake, bool unstaking) external;
}
