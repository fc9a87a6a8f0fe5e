// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAgentErrors} from "./IAgentErrors.sol";
import {IStakeListener} from "./IStakeListener.sol";

/**
 * @title ILeaderElection
 * @notice Groups of agents that need one leader at a time. Once per epoch anyone may {elect}: the
 * leader is drawn with probability proportional to weight (active stake, see {weightUnit}). The
 * leader proves liveness with {heartbeat}; when it misses `heartbeatTimeout`, anyone may
 * {failover}: the leader is slashed, excluded for the rest of the epoch, and another is drawn.
 * `term` increases with every election and failover: it is the fencing token leaders attach to
 * their acts.
 */
interface ILeaderElection is IAgentErrors, IStakeListener {
    /// @notice Parameters of a group, fixed at creation.
    struct GroupParams {
        /// Length of an epoch in seconds; one election per epoch.
        uint64 epochDuration;
        /// Seconds a leader may stay silent before anyone can fail it over.
        uint64 heartbeatTimeout;
        /// Stake needed to join; a member whose stake falls below it has weight 0.
        uint128 minStake;
        /// Stake taken from a leader that is failed over.
        uint128 failoverSlash;
    }

    /**
     * @notice Emitted once, at deployment: the settings an indexer needs to derive weights.
     * @param stakeManager Where weights come from.
     * @param randomness The randomness source (zero: the inline default).
     * @param slashRecipient Who receives failover slashes.
     * @param weightUnit Stake per unit of weight.
     */
    event ElectionConfigured(address stakeManager, address randomness, address slashRecipient, uint256 weightUnit);

    /**
     * @notice Emitted when a group is created.
     * @param groupId The new group's id (from 1).
     * @param name Its name.
     * @param creator Who created it.
     * @param params Its parameters.
     * @param startTime When epoch 1 began (epoch n spans [start + (n-1)d, start + nd)).
     */
    event GroupCreated(uint256 indexed groupId, bytes32 name, address creator, GroupParams params, uint64 startTime);

    /**
     * @notice Emitted when an agent joins a group.
     * @param groupId The group.
     * @param agentId The agent.
     * @param weight Its weight (stake in weight units, 0 below the group's minimum stake).
     */
    event MemberJoined(uint256 indexed groupId, uint256 indexed agentId, uint64 weight);

    /**
     * @notice Emitted when an agent leaves a group.
     * @param groupId The group.
     * @param agentId The agent.
     */
    event MemberLeft(uint256 indexed groupId, uint256 indexed agentId);

    /**
     * @notice Emitted for every new term: each election and the redraw of each failover.
     * @param groupId The group.
     * @param epoch The epoch.
     * @param term The new term (the fencing token).
     * @param agentId The leader, or 0 when no eligible member was drawn.
     */
    event LeaderElected(uint256 indexed groupId, uint64 epoch, uint64 term, uint256 indexed agentId);

    /**
     * @notice Emitted when the leader proves liveness.
     * @param groupId The group.
     * @param agentId The leader.
     */
    event Heartbeat(uint256 indexed groupId, uint256 indexed agentId);

    /**
     * @notice Emitted when a silent leader is failed over (just before the redraw's {LeaderElected}).
     * @param groupId The group.
     * @param epoch The epoch.
     * @param term The term that ended.
     * @param agentId The failed leader, excluded for the rest of the epoch.
     * @param caller Who called {failover}.
     */
    event LeaderFailedOver(uint256 indexed groupId, uint64 epoch, uint64 term, uint256 indexed agentId, address caller);

    /**
     * @notice Thrown when no group has this id.
     * @param groupId The id that was passed.
     */
    error GroupNotFound(uint256 groupId);

    /**
     * @notice Thrown when group parameters are unusable.
     * @param reason Which rule failed.
     */
    error InvalidGroupParams(string reason);

    /**
     * @notice Thrown when joining after the current epoch's election: membership of an epoch is
     * fixed when it is drawn.
     * @param groupId The group.
     * @param nextEpochStart When joining opens again.
     */
    error JoinClosedUntilNextEpoch(uint256 groupId, uint256 nextEpochStart);

    /**
     * @notice Thrown when joining a group twice.
     * @param groupId The group.
     * @param agentId The agent.
     */
    error AlreadyMember(uint256 groupId, uint256 agentId);

    /**
     * @notice Thrown when acting as a member of a group one is not in.
     * @param groupId The group.
     * @param agentId The agent.
     */
    error NotMember(uint256 groupId, uint256 agentId);

    /**
     * @notice Thrown when an agent is already in as many groups as one stake change may update.
     * @param agentId The agent.
     * @param max The limit.
     */
    error TooManyGroups(uint256 agentId, uint256 max);

    /**
     * @notice Thrown when joining with less than the group's minimum stake.
     * @param groupId The group.
     * @param agentId The agent.
     * @param stake Its active stake.
     * @param minStake The group's minimum.
     */
    error StakeBelowMinimum(uint256 groupId, uint256 agentId, uint256 stake, uint256 minStake);

    /**
     * @notice Thrown when the current leader tries to leave (it must not dodge a failover slash).
     * @param groupId The group.
     * @param agentId The leader.
     */
    error LeaderCannotLeave(uint256 groupId, uint256 agentId);

    /**
     * @notice Thrown when electing twice in one epoch.
     * @param groupId The group.
     * @param epoch The current epoch, already elected.
     */
    error AlreadyElected(uint256 groupId, uint64 epoch);

    /**
     * @notice Thrown when drawing in a block in which the group's weights changed: the draw's
     * randomness was already known when they changed (see {PrevrandaoRandomness}). Retry next block.
     * @param groupId The group.
     */
    error WeightsChangedThisBlock(uint256 groupId);

    /**
     * @notice Thrown when electing in a group whose members all have weight 0.
     * @param groupId The group.
     */
    error NoEligibleMembers(uint256 groupId);

    /**
     * @notice Thrown when an agent that is not the leader sends a heartbeat.
     * @param groupId The group.
     * @param agentId The agent.
     * @param leader The current leader (0 if none).
     */
    error NotLeader(uint256 groupId, uint256 agentId, uint256 leader);

    /**
     * @notice Thrown when failing over a group that has no leader.
     * @param groupId The group.
     */
    error NoLeader(uint256 groupId);

    /**
     * @notice Thrown when failing over a leader whose heartbeat has not timed out.
     * @param groupId The group.
     * @param leader The leader.
     * @param deadline The last second its latest heartbeat covers.
     */
    error LeaderAlive(uint256 groupId, uint256 leader, uint64 deadline);

    /// @notice Thrown when a stake hook comes from anyone but the StakeManager.
    error OnlyStakeManager(address caller);

    /**
     * @notice Creates a group; anyone may.
     * @dev Requirements: epochDuration > 0; 0 < heartbeatTimeout < the StakeManager's unbonding
     * period (so a silent leader cannot withdraw before it is slashed). Emits {GroupCreated}.
     * @param name A label.
     * @param params The group's parameters.
     * @return groupId The new group's id.
     */
    function createGroup(bytes32 name, GroupParams calldata params) external returns (uint256 groupId);

    /**
     * @notice Adds the agent to the group with weight equal to its stake.
     * @dev Requirements: the group exists and has not held the current epoch's election yet; the
     * caller is authorised for the agent; it is not a member and in fewer than
     * {MAX_GROUPS_PER_AGENT} groups; its stake is at least the minimum. Emits {MemberJoined}.
     */
    function join(uint256 groupId, uint256 agentId) external;

    /**
     * @notice Removes the agent from the group.
     * @dev Requirements: the caller is authorised; the agent is a member and not the leader.
     * Emits {MemberLeft}.
     */
    function leave(uint256 groupId, uint256 agentId) external;

    /**
     * @notice Draws the leader of the current epoch; anyone may call, once per epoch.
     * @dev Requirements: the group exists; the epoch has no election yet; weights did not change in
     * this block; the total weight is positive. Emits {LeaderElected}.
     * @return agentId The leader.
     */
    function elect(uint256 groupId) external returns (uint256 agentId);

    /**
     * @notice The leader proves it is alive.
     * @dev Requirements: `agentId` is the leader; the caller is authorised for it (checked on the
     * first heartbeat of a term from a given sender, then remembered for the term). Emits {Heartbeat}.
     */
    function heartbeat(uint256 groupId, uint256 agentId) external;

    /**
     * @notice Replaces a silent leader: excludes it for the rest of the epoch, draws another member
     * (weight-proportional among those not failed over in this epoch) and slashes `failoverSlash`
     * from the failed leader. Anyone may call.
     * @dev Requirements: there is a leader and its last heartbeat is older than the timeout (or
     * was sent by an address no longer authorised for it); weights did not change in this block.
     * Emits {LeaderFailedOver} and {LeaderElected} (leader 0 if no eligible member was drawn).
     * @return agentId The new leader, or 0.
     */
    function failover(uint256 groupId) external returns (uint256 agentId);

    /// @notice The leader, its term, the epoch it was elected for and its last heartbeat.
    function currentLeader(uint256 groupId)
        external
        view
        returns (uint256 agentId, uint64 term, uint64 epoch, uint64 lastHeartbeat);

    /// @notice Whether `agentId` is the group's leader.
    function isLeader(uint256 groupId, uint256 agentId) external view returns (bool);

    /// @notice Whether `agentId` is a member of the group.
    function isMember(uint256 groupId, uint256 agentId) external view returns (bool);

    /// @notice The group's parameters and start time.
    function groupParams(uint256 groupId) external view returns (GroupParams memory params, uint64 startTime);

    /// @notice The epoch the group is in now (from 1).
    function currentEpoch(uint256 groupId) external view returns (uint64);

    /// @notice The agent's weight in the group (0 if not a member).
    function weightOf(uint256 groupId, uint256 agentId) external view returns (uint64);

    /// @notice The sum of the group's weights (the tree's root).
    function totalWeight(uint256 groupId) external view returns (uint256);

    /// @notice The groups the agent is a member of.
    function groupsOf(uint256 agentId) external view returns (uint256[] memory groupIds);

    /// @notice Stake per weight unit: weight = stake / weightUnit (rounded down), 0 below the minimum.
    function weightUnit() external view returns (uint256);

    /// @notice Number of groups created.
    function groupCount() external view returns (uint256);
}
