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
 * `term` increases with every draw (each election and the redraw of each failover): it is the
 * fencing token leaders attach to their acts.
 *
 * Draws take two steps. {elect} (or {failover}) *requests* a draw bound to the randomness of the
 * block it runs in (see {IRandomnessSource}); the draw is *settled* by whichever call comes first
 * from the next block on: another {elect}, a {heartbeat}, a {join} or {leave}, or any stake change
 * of a member. Every change to a draw's inputs (weights, members, exclusions) first settles the
 * pending draw, so the draw sees the group as it stood when its randomness became known, and
 * neither its caller nor its settler can steer it. A request left unsettled for {DRAW_WINDOW}
 * blocks is re-bound to a fresh block by the next such call.
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
     * @notice Emitted when a draw is requested (by {elect}, {failover}, or the re-binding of an
     * expired request); the draw is settled from block `drawBlock + 1` on.
     * @param groupId The group.
     * @param epoch The epoch the draw is for.
     * @param term The term it will start.
     * @param drawBlock The block whose hash seeds it (with the randomness source's value, if any).
     */
    event DrawRequested(uint256 indexed groupId, uint64 epoch, uint64 term, uint256 drawBlock);

    /**
     * @notice Emitted for every new term, when a draw is settled: each election and the redraw of
     * each failover.
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
     * @notice Emitted when a silent leader is failed over: the seat is vacant (leader 0) until the
     * redraw is settled ({LeaderElected}).
     * @param groupId The group.
     * @param epoch The epoch of the failed leader's term.
     * @param term The term that ended.
     * @param agentId The failed leader, excluded from the draw that fills the seat and for the rest
     * of that draw's epoch.
     * @param caller Who called {failover}.
     */
    event LeaderFailedOver(uint256 indexed groupId, uint64 epoch, uint64 term, uint256 indexed agentId, address caller);

    /**
     * @notice Thrown when no group has this id.
     * @param groupId The id that was passed.
     */
    error GroupNotFound(uint256 groupId);

    /// @notice Thrown when LeaderElection is deployed with a zero `weightUnit`.
    error ZeroWeightUnit();

    /**
     * @notice Thrown when a group's `epochDuration` is 0 or does not fit 32 bits.
     * @param epochDuration The value given.
     * @param max The largest value allowed (2^32 - 1).
     */
    error EpochDurationOutOfRange(uint256 epochDuration, uint256 max);

    /**
     * @notice Thrown when a group's `heartbeatTimeout` is 0 or not shorter than the StakeManager's
     * unbonding period (a leader could otherwise unbond and withdraw before it can be failed over).
     * @param heartbeatTimeout The value given.
     * @param unbondingPeriod The unbonding period it must stay below.
     */
    error HeartbeatTimeoutOutOfRange(uint256 heartbeatTimeout, uint256 unbondingPeriod);

    /**
     * @notice Thrown when joining once the current epoch's draw is requested: membership of an
     * epoch is fixed when it is drawn.
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
     * @notice Thrown (through StakeManager's `requestUnstake`) when a leader would unstake below the
     * failover slashes it owes: the sum of `failoverSlash` over the groups whose seat it holds.
     * Slashes and additions are never refused.
     * @param agentId The leader.
     * @param stakeAfter Its active stake after the requested unstake.
     * @param owed What it owes while it holds its seats.
     */
    error LeaderStakeLocked(uint256 agentId, uint256 stakeAfter, uint256 owed);

    /**
     * @notice Thrown when electing twice in one epoch (its draw is settled, or was requested and
     * is pending).
     * @param groupId The group.
     * @param epoch The current epoch, already elected.
     */
    error AlreadyElected(uint256 groupId, uint64 epoch);

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
     * @notice Thrown when asking for a group's total weight at a second not yet over.
     * @param timepoint The second asked about.
     * @param now_ The current block timestamp.
     */
    error FutureTimepoint(uint256 timepoint, uint256 now_);

    /**
     * @notice Thrown when asking for a group's total weight further back than it is kept: the end
     * of the second before the group's last weight change, and any later second.
     * @param groupId The group.
     * @param timepoint The second asked about.
     * @param oldest The earliest second that can be answered.
     */
    error WeightHistoryUnavailable(uint256 groupId, uint256 timepoint, uint256 oldest);

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
     * @notice Adds the agent to the group with weight equal to its stake. Settles a pending draw
     * first.
     * @dev Requirements: the group exists and the current epoch's draw has not been requested
     * yet; the caller is authorised for the agent; it is not a member and in fewer than
     * {MAX_GROUPS_PER_AGENT} groups; its stake is at least the minimum. Emits {MemberJoined}.
     * @param groupId The group.
     * @param agentId The agent.
     */
    function join(uint256 groupId, uint256 agentId) external;

    /**
     * @notice Removes the agent from the group. Settles a pending draw first.
     * @dev Requirements: the caller is authorised; the agent is a member and not the leader.
     * Emits {MemberLeft}.
     * @param groupId The group.
     * @param agentId The agent.
     */
    function leave(uint256 groupId, uint256 agentId) external;

    /**
     * @notice Moves the group's election on; anyone may call. With a draw pending it settles it
     * once its randomness exists (returning the leader drawn) and otherwise does nothing (returning
     * 0; a request older than {DRAW_WINDOW} blocks is re-bound). With none pending it requests the
     * current epoch's draw (returning 0): the leader is known from the next block on, when the next
     * call settles it.
     * @dev Requirements (request): the group exists; the epoch has no draw yet; the total weight
     * is positive. Emits {DrawRequested} or {LeaderElected}.
     * @return agentId The leader drawn, or 0 when this call drew none.
     * @param groupId The group.
     */
    function elect(uint256 groupId) external returns (uint256 agentId);

    /**
     * @notice The leader proves it is alive. Settles a pending draw first; if that draw seats
     * another agent the call records nothing and returns without reverting (the settlement stands).
     * @dev Requirements: `agentId` is the leader; the caller is authorised for it (checked on the
     * first heartbeat of a term from a given sender, then remembered for the term). Emits {Heartbeat}.
     * @param groupId The group.
     * @param agentId The leader.
     */
    function heartbeat(uint256 groupId, uint256 agentId) external;

    /**
     * @notice Replaces a silent leader: vacates the seat, slashes `failoverSlash` from the failed
     * leader and requests a redraw of the current epoch among the members not failed over in it
     * (weight-proportional), settled like any draw. Anyone may call. With a draw pending it settles
     * it first, and returns the leader that draw seated.
     * @dev Requirements: there is a leader (or a draw pending, then it returns 0) and its last
     * heartbeat is older than the timeout (or was sent by an address no longer authorised for it).
     * Emits {LeaderFailedOver} and {DrawRequested} (or {LeaderElected} when it settled a draw).
     * @return agentId The leader seated by a draw this call settled, or 0.
     * @param groupId The group.
     */
    function failover(uint256 groupId) external returns (uint256 agentId);

    /// @notice The leader (0 while the seat is vacant), its term, the epoch it was elected for and
    /// its last heartbeat. A draw in progress does not change it until it is settled.
    /// @param groupId The group.
    /// @return agentId The leader (0 while the seat is vacant).
    /// @return term Its term, the fencing token of its acts.
    /// @return epoch The epoch it was elected for.
    /// @return lastHeartbeat Its last heartbeat (its election, before any).
    function currentLeader(uint256 groupId)
        external
        view
        returns (uint256 agentId, uint64 term, uint64 epoch, uint64 lastHeartbeat);

    /// @notice Whether `agentId` is the group's leader.
    /// @param groupId The group.
    /// @param agentId The agent.
    function isLeader(uint256 groupId, uint256 agentId) external view returns (bool);

    /// @notice Whether `agentId` is a member of the group.
    /// @param groupId The group.
    /// @param agentId The agent.
    function isMember(uint256 groupId, uint256 agentId) external view returns (bool);

    /// @notice The group's parameters and start time.
    /// @param groupId The group.
    /// @return params Its parameters.
    /// @return startTime When its epoch 1 started.
    function groupParams(uint256 groupId) external view returns (GroupParams memory params, uint64 startTime);

    /// @notice The epoch the group is in now (from 1).
    /// @param groupId The group.
    function currentEpoch(uint256 groupId) external view returns (uint64);

    /// @notice The agent's weight in the group (0 if not a member).
    /// @param groupId The group.
    /// @param agentId The agent.
    function weightOf(uint256 groupId, uint256 agentId) external view returns (uint64);

    /// @notice The sum of the group's weights (the tree's root).
    /// @param groupId The group.
    function totalWeight(uint256 groupId) external view returns (uint256);

    /**
     * @notice The group's pending draw, if any. It can be settled in blocks `revealedAt + 1` to
     * `revealedAt + DRAW_WINDOW`: a transaction sent once block `revealedAt` is mined settles it.
     * @return drawBlock The block of its request (0: no draw pending).
     * @return epoch The epoch it is for.
     * @return term The term it will start.
     * @return revealedAt The block whose hash it mixes in: the request's own block without a
     * randomness source; with one, the block its value was revealed in (0 until then).
     * @param groupId The group.
     */
    function pendingDraw(uint256 groupId)
        external
        view
        returns (uint256 drawBlock, uint64 epoch, uint64 term, uint256 revealedAt);

    /**
     * @notice The group's total weight at the end of second `timepoint` (Governance's quorum base).
     * @dev Requirements: `timepoint` < block.timestamp and not before the second preceding the
     * group's last weight change (the end of the previous second is always available).
     * @param groupId The group.
     * @param timepoint A past second (unix time).
     */
    function totalWeightAt(uint256 groupId, uint48 timepoint) external view returns (uint256);

    /**
     * @notice Whether the agent was a member at the end of second `timepoint`, and its weight then
     * (its stake at that second by the group's rule; 0 when it was not a member). Over the members
     * at a second, the weights sum to {totalWeightAt} that second.
     * @dev Requirements: `timepoint` < block.timestamp. A member that left and joined again counts
     * from its latest join only.
     * @param groupId The group.
     * @param agentId The agent.
     * @param timepoint A past second (unix time).
     * @return member Whether it was a member then.
     * @return weight Its weight then (0 if not a member).
     */
    function memberWeightAt(uint256 groupId, uint256 agentId, uint48 timepoint)
        external
        view
        returns (bool member, uint64 weight);

    /// @notice The groups the agent is a member of.
    /// @param agentId The agent.
    /// @return groupIds Its groups.
    function groupsOf(uint256 agentId) external view returns (uint256[] memory groupIds);

    /// @notice Stake per weight unit: weight = stake / weightUnit (rounded down), 0 below the minimum.
    function weightUnit() external view returns (uint256);

    /// @notice Number of groups created.
    function groupCount() external view returns (uint256);
}
