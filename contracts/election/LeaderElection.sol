// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {AgentAuth} from "../identity/AgentAuth.sol";
import {IIdentityRegistry} from "../interfaces/IIdentityRegistry.sol";
import {ILeaderElection} from "../interfaces/ILeaderElection.sol";
import {IRandomnessSource} from "../interfaces/IRandomnessSource.sol";
import {IStakeListener} from "../interfaces/IStakeListener.sol";
import {IStakeManager} from "../interfaces/IStakeManager.sol";
import {DefaultRandomness} from "../libraries/DefaultRandomness.sol";
import {WeightTree} from "../libraries/WeightTree.sol";

/**
 * @title LeaderElection
 * @notice Stake-weighted leaders with failover. Each group keeps a {WeightTree} whose leaves are its
 * members' weights; StakeManager calls {onStakeChanged} on every stake change, so weights equal
 * stake (in {weightUnit}s; 0 below the group's minimum) at all times.
 *
 * Defences (each has a test):
 * - Stake shuffling before a draw: a draw reverts in any block in which the group's weights
 *   changed, so weights are fixed before the draw's randomness is known (see {PrevrandaoRandomness}
 *   for what remains to block proposers).
 * - Re-drawing an epoch: {elect} runs once per epoch; failover redraws need a timed-out leader and
 *   cost it `failoverSlash`.
 * - A silent leader: anyone can {failover} once its heartbeat is older than `heartbeatTimeout`.
 * - Leaving before a slash lands: the leader cannot leave; unstaked tokens stay slashable while
 *   unbonding, and groups require `heartbeatTimeout` < the unbonding period.
 * - Joining after the draw to be drawn in a failover of that epoch: once an epoch has its election,
 *   joins wait for the next epoch, so a redraw only ever sees the members the election saw (minus
 *   the leaders failed over in the epoch, whose weight the redraw excludes exactly).
 */
contract LeaderElection is ILeaderElection, AgentAuth {
    using WeightTree for WeightTree.Tree;

    /// @notice Most groups one agent may be in (bounds the gas of a stake change).
    uint256 public constant MAX_GROUPS_PER_AGENT = 8;
    /// @notice The reason code of failover slashes.
    bytes32 public constant FAILOVER_SLASH_REASON = "failover";

    /**
     * @dev Everything elect, join and failover read, in one slot:
     * `| 40 unused | 16 excludedCount | 32 exclusionsEpoch | 32 epoch | 32 term | 40 startTime |
     *  32 heartbeatTimeout | 32 epochDuration |`.
     * `epoch` and `term` are those of the current leader. The first `excludedCount` entries of
     * `_excluded` are the leaves failed over in `exclusionsEpoch`; a new epoch empties the list
     * just by differing from it. The slot is non-zero from creation, so the first election
     * pays no more than later ones.
     */
    struct GroupState {
        uint32 epochDuration;
        uint32 heartbeatTimeout;
        uint40 startTime;
        uint32 term;
        uint32 epoch;
        uint32 exclusionsEpoch;
        uint16 excludedCount;
    }

    /// @dev Read by join and failover.
    struct StakeRules {
        uint128 minStake;
        uint128 failoverSlash;
    }

    /// @dev The hot slot, read and written by every heartbeat:
    /// `| 32 lastHeartbeat | 64 leader | 160 heartbeatKey |`. `heartbeatKey` is the sender whose
    /// authorisation was checked this term; it is cleared with every new term.
    struct Leadership {
        address heartbeatKey;
        uint64 leader;
        uint32 lastHeartbeat;
    }


    /// @dev `leafPlusOne` is 0 for non-members; `listIndex` is the position in `_agentGroups`.
    struct Member {
        uint32 leafPlusOne;
        uint8 listIndex;
    }

    IStakeManager private immutable _stakes;
    IRandomnessSource private immutable _randomness;
    address private immutable _slashRecipient;
    uint256 private immutable _weightUnit;

    uint256 private _groupCount;
    mapping(uint256 groupId => GroupState) private _groups;
    mapping(uint256 groupId => StakeRules) private _rules;
    mapping(uint256 groupId => Leadership) private _leadership;
    mapping(uint256 groupId => WeightTree.Tree) private _trees;
    mapping(uint256 groupId => mapping(uint256 leaf => uint256 agentId)) private _leafAgent;
    mapping(uint256 groupId => mapping(uint256 agentId => Member)) private _members;
    mapping(uint256 groupId => mapping(uint256 index => uint256 leaf)) private _excluded;
    /// @dev Per agent, one word per group: `| 32 unused | 128 minStake | 32 leaf | 64 groupId |`,
    /// everything a stake change needs without reading the group.
    mapping(uint256 agentId => uint256[]) private _agentGroups;

    /**
     * @param identity The IdentityRegistry.
     * @param stakes The StakeManager (weights come from it; failovers slash through it).
     * @param randomness The randomness source of draws; the zero address uses {DefaultRandomness}
     * inline (no call).
     * @param slashRecipient Who receives failover slashes (a treasury; not the caller, so a leader
     * cannot fail itself over to recover its own slash).
     * @param weightUnit_ Stake per unit of weight; pick it so the stake of a whole group stays
     * below 2^64 units (1e9 for an 18-decimal token: 18 billion tokens per group).
     */
    constructor(
        IIdentityRegistry identity,
        IStakeManager stakes,
        IRandomnessSource randomness,
        address slashRecipient,
        uint256 weightUnit_
    ) AgentAuth(identity) {
        if (weightUnit_ == 0) revert InvalidGroupParams("weightUnit is 0");
        _stakes = stakes;
        _randomness = randomness;
        _slashRecipient = slashRecipient;
        _weightUnit = weightUnit_;
        emit ElectionConfigured(address(stakes), address(randomness), slashRecipient, weightUnit_);
    }

    // ---------------------------------------------------------------- groups and members

    /// @inheritdoc ILeaderElection
    function createGroup(bytes32 name, GroupParams calldata params) external returns (uint256 groupId) {
        if (params.epochDuration == 0 || params.epochDuration > type(uint32).max) {
            revert InvalidGroupParams("epochDuration must be between 1 and 2^32 - 1 seconds");
        }
        if (params.heartbeatTimeout == 0) revert InvalidGroupParams("heartbeatTimeout is 0");
        if (params.heartbeatTimeout >= _stakes.unbondingPeriod()) {
            revert InvalidGroupParams("heartbeatTimeout must be shorter than the unbonding period");
        }
        groupId = ++_groupCount;
        uint40 startTime = uint40(block.timestamp);
        // heartbeatTimeout < unbondingPeriod (a uint64) and is checked below 2^32 by the cast.
        _groups[groupId] = GroupState({
            epochDuration: uint32(params.epochDuration),
            heartbeatTimeout: SafeCast.toUint32(params.heartbeatTimeout),
            startTime: startTime,
            term: 0,
            epoch: 0,
            exclusionsEpoch: 0,
            excludedCount: 0
        });
        _rules[groupId] = StakeRules(params.minStake, params.failoverSlash);
        // A non-zero leadership slot from the start: the first election writes it as cheaply as later ones.
        _leadership[groupId] = Leadership(address(0), 0, uint32(startTime));
        emit GroupCreated(groupId, name, msg.sender, params, startTime);
    }

    /// @inheritdoc ILeaderElection
    function join(uint256 groupId, uint256 agentId) external {
        GroupState memory group = _requireGroup(groupId);
        // Membership of an epoch is fixed by its election: nobody joins a draw already made.
        uint256 epoch = _epochAt(group);
        if (group.epoch == epoch) {
            revert JoinClosedUntilNextEpoch(groupId, group.startTime + epoch * group.epochDuration);
        }
        _requireAuthorized(agentId);
        SafeCast.toUint64(agentId); // leaders are stored in 64 bits
        if (_members[groupId][agentId].leafPlusOne != 0) revert AlreadyMember(groupId, agentId);
        uint256[] storage entries = _agentGroups[agentId];
        uint256 count = entries.length;
        if (count >= MAX_GROUPS_PER_AGENT) revert TooManyGroups(agentId, MAX_GROUPS_PER_AGENT);
        uint256 minStake = _rules[groupId].minStake;
        uint256 stake = _stakes.stakeOf(agentId);
        if (stake < minStake) revert StakeBelowMinimum(groupId, agentId, stake, minStake);

        uint64 weight = _weight(stake, minStake);
        uint256 leaf = _trees[groupId].insert(weight);
        _leafAgent[groupId][leaf] = agentId;
        _members[groupId][agentId] = Member(uint32(leaf + 1), uint8(count));
        entries.push((minStake << 96) | (leaf << 64) | groupId);
        emit MemberJoined(groupId, agentId, weight);
    }

    /// @inheritdoc ILeaderElection
    function leave(uint256 groupId, uint256 agentId) external {
        _requireAuthorized(agentId);
        Member memory member = _members[groupId][agentId];
        if (member.leafPlusOne == 0) revert NotMember(groupId, agentId);
        if (_leadership[groupId].leader == agentId) revert LeaderCannotLeave(groupId, agentId);

        _trees[groupId].remove(member.leafPlusOne - 1);
        uint256[] storage entries = _agentGroups[agentId];
        uint256 last = entries.length - 1;
        if (member.listIndex != last) {
            uint256 moved = entries[last];
            entries[member.listIndex] = moved;
            _members[uint64(moved)][agentId].listIndex = member.listIndex;
        }
        entries.pop();
        delete _members[groupId][agentId];
        emit MemberLeft(groupId, agentId);
    }

    /// @inheritdoc IStakeListener
    function onStakeChanged(uint256 agentId, uint256 newStake) external {
        if (msg.sender != address(_stakes)) revert OnlyStakeManager(msg.sender);
        uint256[] storage entries = _agentGroups[agentId];
        uint256 count = entries.length;
        for (uint256 i; i < count; ++i) {
            uint256 entry = entries[i];
            _trees[uint64(entry)].set(uint32(entry >> 64), _weight(newStake, entry >> 96));
        }
    }

    // ---------------------------------------------------------------- leadership

    /// @inheritdoc ILeaderElection
    function elect(uint256 groupId) external returns (uint256 agentId) {
        GroupState memory group = _requireGroup(groupId);
        uint256 epoch = _epochAt(group);
        if (group.epoch >= epoch) revert AlreadyElected(groupId, uint64(epoch));
        WeightTree.Tree storage tree = _trees[groupId];
        if (tree.lastChange() >= block.number) revert WeightsChangedThisBlock(groupId);
        if (tree.total() == 0) revert NoEligibleMembers(groupId);

        uint256 term = uint256(group.term) + 1;
        agentId = _leafAgent[groupId][tree.draw(_random(groupId, epoch, term))];
        // Epochs and terms are counted in 32 bits: 2^32 epochs of even one second is 136 years.
        group.term = SafeCast.toUint32(term);
        group.epoch = SafeCast.toUint32(epoch);
        _groups[groupId] = group;
        _leadership[groupId] = Leadership(address(0), uint64(agentId), uint32(block.timestamp));
        emit LeaderElected(groupId, uint64(epoch), uint64(term), agentId);
    }

    /// @inheritdoc ILeaderElection
    function heartbeat(uint256 groupId, uint256 agentId) external {
        Leadership memory current = _leadership[groupId];
        if (agentId == 0 || current.leader != agentId) revert NotLeader(groupId, agentId, current.leader);
        // Authorisation is checked once per term and sender; later heartbeats from the same sender
        // cost no call (a sender that loses authorisation is caught by failover, below).
        if (msg.sender != current.heartbeatKey) _requireAuthorized(agentId);
        _leadership[groupId] = Leadership(msg.sender, current.leader, uint32(block.timestamp));
        emit Heartbeat(groupId, agentId);
    }

    /// @inheritdoc ILeaderElection
    function failover(uint256 groupId) external returns (uint256 agentId) {
        GroupState memory group = _requireGroup(groupId);
        Leadership memory current = _leadership[groupId];
        uint256 failed = current.leader;
        if (failed == 0) revert NoLeader(groupId);
        uint64 deadline = uint64(current.lastHeartbeat) + group.heartbeatTimeout;
        if (
            block.timestamp <= deadline
                && (current.heartbeatKey == address(0) || _identity.isAuthorized(current.heartbeatKey, failed))
        ) revert LeaderAlive(groupId, failed, deadline);
        WeightTree.Tree storage tree = _trees[groupId];
        if (tree.lastChange() >= block.number) revert WeightsChangedThisBlock(groupId);

        // Exclude the failed leader for the rest of the epoch, with those failed before it.
        uint256 count = group.exclusionsEpoch == group.epoch ? group.excludedCount : 0;
        _excluded[groupId][count] = _members[groupId][failed].leafPlusOne - 1;
        uint256[] memory excluded = new uint256[](count + 1);
        for (uint256 i; i <= count; ++i) {
            excluded[i] = _excluded[groupId][i];
        }
        uint256 term = uint256(group.term) + 1;
        uint256 leaf = tree.drawExcluding(_random(groupId, group.epoch, term), excluded);
        agentId = leaf == type(uint256).max ? 0 : _leafAgent[groupId][leaf];

        emit LeaderFailedOver(groupId, group.epoch, group.term, failed, msg.sender);
        group.term = SafeCast.toUint32(term);
        group.exclusionsEpoch = group.epoch;
        // Each failover needs a leader, and each excludes one, so there are at most as many as members.
        group.excludedCount = SafeCast.toUint16(count + 1);
        _groups[groupId] = group;
        _leadership[groupId] = Leadership(address(0), uint64(agentId), uint32(block.timestamp));
        emit LeaderElected(groupId, group.epoch, uint64(term), agentId);

        // Last, after every write and event: the slash calls back into onStakeChanged.
        uint256 slash = _rules[groupId].failoverSlash;
        if (slash != 0) _stakes.slash(failed, slash, _slashRecipient, FAILOVER_SLASH_REASON);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc ILeaderElection
    function currentLeader(uint256 groupId)
        external
        view
        returns (uint256 agentId, uint64 term, uint64 epoch, uint64 lastHeartbeat)
    {
        Leadership memory current = _leadership[groupId];
        GroupState memory group = _groups[groupId];
        return (current.leader, group.term, group.epoch, current.leader == 0 ? 0 : current.lastHeartbeat);
    }

    /// @inheritdoc ILeaderElection
    function isLeader(uint256 groupId, uint256 agentId) external view returns (bool) {
        return agentId != 0 && _leadership[groupId].leader == agentId;
    }

    /// @inheritdoc ILeaderElection
    function isMember(uint256 groupId, uint256 agentId) external view returns (bool) {
        return _members[groupId][agentId].leafPlusOne != 0;
    }

    /// @inheritdoc ILeaderElection
    function groupParams(uint256 groupId) external view returns (GroupParams memory params, uint64 startTime) {
        GroupState memory group = _requireGroup(groupId);
        StakeRules memory rules = _rules[groupId];
        params = GroupParams(group.epochDuration, group.heartbeatTimeout, rules.minStake, rules.failoverSlash);
        startTime = group.startTime;
    }

    /// @inheritdoc ILeaderElection
    function currentEpoch(uint256 groupId) external view returns (uint64) {
        return uint64(_epochAt(_requireGroup(groupId)));
    }

    /// @inheritdoc ILeaderElection
    function weightOf(uint256 groupId, uint256 agentId) external view returns (uint64) {
        uint256 leafPlusOne = _members[groupId][agentId].leafPlusOne;
        return leafPlusOne == 0 ? 0 : _trees[groupId].weightOf(leafPlusOne - 1);
    }

    /// @inheritdoc ILeaderElection
    function totalWeight(uint256 groupId) external view returns (uint256) {
        return _trees[groupId].total();
    }

    /// @inheritdoc ILeaderElection
    function groupsOf(uint256 agentId) external view returns (uint256[] memory groupIds) {
        uint256[] storage entries = _agentGroups[agentId];
        groupIds = new uint256[](entries.length);
        for (uint256 i; i < groupIds.length; ++i) {
            groupIds[i] = uint64(entries[i]);
        }
    }

    /// @inheritdoc ILeaderElection
    function weightUnit() external view returns (uint256) {
        return _weightUnit;
    }

    /// @inheritdoc ILeaderElection
    function groupCount() external view returns (uint256) {
        return _groupCount;
    }

    /// @notice The randomness source of draws (the zero address: {DefaultRandomness}, inline).
    function randomnessSource() external view returns (IRandomnessSource) {
        return _randomness;
    }

    // ---------------------------------------------------------------- internals

    function _requireGroup(uint256 groupId) private view returns (GroupState memory group) {
        group = _groups[groupId];
        if (group.epochDuration == 0) revert GroupNotFound(groupId);
    }

    /// @dev Epochs count from 1: epoch n spans [start + (n - 1) * duration, start + n * duration).
    function _epochAt(GroupState memory group) private view returns (uint256) {
        return (block.timestamp - group.startTime) / group.epochDuration + 1;
    }

    /// @dev weight = stake / unit, or 0 below the group's minimum stake.
    function _weight(uint256 stake, uint256 minStake) private view returns (uint64) {
        if (stake < minStake) return 0;
        return SafeCast.toUint64(stake / _weightUnit);
    }

    /// @dev Every draw of a group has its own (epoch, term), so the randomness of two draws differs.
    function _random(uint256 groupId, uint256 epoch, uint256 term) private view returns (uint256) {
        IRandomnessSource source = _randomness;
        if (address(source) == address(0)) return DefaultRandomness.value(address(this), groupId, epoch, term);
        return source.randomness(groupId, epoch, term);
    }
}
