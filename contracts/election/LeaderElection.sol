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
 * A draw is requested by one call and settled by a later one (see {ILeaderElection}). Its
 * randomness is the hash of the request's block (mixed with a source's value, see
 * {DefaultRandomness}), unknown to everyone but that block's producer until the block is sealed;
 * and everything a draw reads goes through {_beforeWeightChange} or {failover}, which settle a
 * pending draw before they change anything once its randomness exists.
 *
 * Defences (each has a test):
 * - Stake shuffling around a draw: weight changes made before the randomness exists are simply
 *   part of the draw (no veto: a same-block change never blocks anyone); those made after it
 *   exists settle the draw first, over the weights it was bound to.
 * - Choosing when to call: the outcome is fixed when the request's block is sealed; who settles
 *   it, and when, does not matter. The residual bias is the producer of that block's (see
 *   {DefaultRandomness}).
 * - Re-drawing an epoch: {elect} requests once per epoch; failover redraws need a timed-out leader
 *   and cost it `failoverSlash`.
 * - A silent leader: anyone can {failover} once its heartbeat is older than `heartbeatTimeout`.
 * - Escaping the slash: the leader cannot leave, cannot unstake below the failover slashes it owes
 *   while it holds the seat ({onStakeChanged} refuses), and unstaked tokens stay slashable while
 *   unbonding, which outlasts `heartbeatTimeout`.
 * - Joining after the draw to be drawn in a failover of that epoch: once an epoch's draw is
 *   requested, joins wait for the next epoch, so a redraw only ever sees the members the election
 *   saw (minus the leaders failed over in the epoch, whose weight the redraw excludes exactly).
 */
contract LeaderElection is ILeaderElection, AgentAuth {
    using WeightTree for WeightTree.Tree;

    /// @notice Most groups one agent may be in (bounds the gas of a stake change).
    uint256 public constant MAX_GROUPS_PER_AGENT = 8;
    /// @notice The reason code of failover slashes.
    bytes32 public constant FAILOVER_SLASH_REASON = "failover";
    /// @notice Blocks after its seed block during which a draw can be settled: the EVM serves the
    /// hashes of the last 256 blocks. Past it, the next call re-binds the draw to a fresh block.
    uint256 public constant DRAW_WINDOW = 256;

    /**
     * @dev Read by elect, join, failover and every settlement, in one slot:
     * `| 40 unused | 16 excludedCount | 32 exclusionsEpoch | 32 epoch | 32 term | 40 startTime |
     *  32 heartbeatTimeout | 32 epochDuration |`.
     * `epoch` and `term` are those of the current leader. The first `excludedCount` entries of
     * `_excluded` are the leaves failed over in `exclusionsEpoch`; a new epoch empties the list
     * just by differing from it.
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

    /// @dev Read by join, failover and a leader's unstaking.
    struct StakeRules {
        uint128 minStake;
        uint128 failoverSlash;
    }

    /// @dev The hot slot, read and written by every heartbeat:
    /// `| 32 lastHeartbeat | 8 drawPending | 56 leader | 160 heartbeatKey |`. `heartbeatKey` is the
    /// sender whose authorisation was checked this term; it is cleared with every new term.
    /// `drawPending` mirrors {Clock.drawBlock} != 0, so a steady heartbeat reads one slot.
    struct Leadership {
        address heartbeatKey;
        uint56 leader;
        bool drawPending;
        uint32 lastHeartbeat;
    }

    /// @dev Read first by every change to a draw's inputs, in one slot:
    /// `| 64 unused | 80 totalBefore | 40 changedAt | 32 drawEpoch | 40 drawBlock |`.
    /// `drawBlock` is the seed block of the pending draw (0: none) and `drawEpoch` its epoch.
    /// `changedAt` is the last second in which a weight changed and `totalBefore` the total weight
    /// at the end of the second before it: with the tree's total, the total at the end of any
    /// second from `changedAt - 1` on (the quorum base of a proposal made now).
    struct Clock {
        uint40 drawBlock;
        uint32 drawEpoch;
        uint40 changedAt;
        uint80 totalBefore;
    }

    /// @dev `leafPlusOne` is 0 for non-members; `listIndex` is the position in `_agentGroups`.
    /// `joinedAt` is the second of the latest join and `leftAt` that of the leave after it (0 while
    /// a member): the membership interval snapshot votes read.
    struct Member {
        uint32 leafPlusOne;
        uint8 listIndex;
        uint40 joinedAt;
        uint40 leftAt;
    }

    IStakeManager private immutable _stakes;
    IRandomnessSource private immutable _randomness;
    address private immutable _slashRecipient;
    uint256 private immutable _weightUnit;

    uint256 private _groupCount;
    mapping(uint256 groupId => GroupState) private _groups;
    mapping(uint256 groupId => StakeRules) private _rules;
    mapping(uint256 groupId => Leadership) private _leadership;
    mapping(uint256 groupId => Clock) private _clocks;
    mapping(uint256 groupId => WeightTree.Tree) private _trees;
    mapping(uint256 groupId => mapping(uint256 leaf => uint256 agentId)) private _leafAgent;
    mapping(uint256 groupId => mapping(uint256 agentId => Member)) private _members;
    mapping(uint256 groupId => mapping(uint256 index => uint256 leaf)) private _excluded;
    /// @dev Per agent, one word per group at indices 0 .. count - 1:
    /// `| 32 count (index 0 only) | 128 minStake | 32 leaf | 64 groupId |`, everything a stake
    /// change needs without reading the group. The count rides in the first word, so a stake
    /// change of an agent in one group reads one slot here.
    mapping(uint256 agentId => mapping(uint256 index => uint256 entry)) private _agentGroups;

    uint256 private constant COUNT_SHIFT = 224;
    uint256 private constant ENTRY_MASK = (1 << COUNT_SHIFT) - 1;

    /**
     * @notice Deploys the elections and emits {ElectionConfigured}.
     * @param identity The IdentityRegistry.
     * @param stakes The StakeManager (weights come from it; failovers slash through it).
     * @param randomness The randomness source of draws; the zero address uses the request block's
     * hash alone (see {DefaultRandomness}), with no call.
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
        if (weightUnit_ == 0) revert ZeroWeightUnit();
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
            revert EpochDurationOutOfRange(params.epochDuration, type(uint32).max);
        }
        uint256 unbondingPeriod = _stakes.unbondingPeriod();
        if (params.heartbeatTimeout == 0 || params.heartbeatTimeout >= unbondingPeriod) {
            revert HeartbeatTimeoutOutOfRange(params.heartbeatTimeout, unbondingPeriod);
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
        // Non-zero slots from the start: the first election and weight change write them as
        // cheaply as later ones.
        _leadership[groupId] = Leadership(address(0), 0, false, uint32(startTime));
        _clocks[groupId] = Clock(0, 0, startTime, 0);
        emit GroupCreated(groupId, name, msg.sender, params, startTime);
    }

    /// @inheritdoc ILeaderElection
    function join(uint256 groupId, uint256 agentId) external {
        // First, so that a settled draw is seen below (on an unknown group it is rolled back).
        Clock storage clock = _beforeWeightChange(groupId);
        GroupState memory group = _requireGroup(groupId);
        // Membership of an epoch is fixed by its draw: nobody joins a draw already requested.
        uint256 epoch = _epochAt(group);
        if (group.epoch == epoch || (clock.drawBlock != 0 && clock.drawEpoch == epoch)) {
            revert JoinClosedUntilNextEpoch(groupId, group.startTime + epoch * group.epochDuration);
        }
        _requireAuthorized(agentId);
        SafeCast.toUint56(agentId); // leaders are stored in 56 bits
        if (_members[groupId][agentId].leafPlusOne != 0) revert AlreadyMember(groupId, agentId);
        mapping(uint256 => uint256) storage entries = _agentGroups[agentId];
        uint256 first = entries[0];
        uint256 count = first >> COUNT_SHIFT;
        if (count >= MAX_GROUPS_PER_AGENT) revert TooManyGroups(agentId, MAX_GROUPS_PER_AGENT);
        uint256 minStake = _rules[groupId].minStake;
        uint256 stake = _stakes.stakeOf(agentId);
        if (stake < minStake) revert StakeBelowMinimum(groupId, agentId, stake, minStake);

        uint64 weight = _weight(stake, minStake);
        uint256 leaf = _trees[groupId].insert(weight);
        _leafAgent[groupId][leaf] = agentId;
        _members[groupId][agentId] = Member(uint32(leaf + 1), uint8(count), uint40(block.timestamp), 0);
        uint256 entry = (minStake << 96) | (leaf << 64) | groupId;
        if (count == 0) {
            entries[0] = entry | (1 << COUNT_SHIFT);
        } else {
            entries[count] = entry;
            entries[0] = first + (1 << COUNT_SHIFT);
        }
        emit MemberJoined(groupId, agentId, weight);
    }

    /// @inheritdoc ILeaderElection
    function leave(uint256 groupId, uint256 agentId) external {
        _requireAuthorized(agentId);
        Member memory member = _members[groupId][agentId];
        if (member.leafPlusOne == 0) revert NotMember(groupId, agentId);
        _beforeWeightChange(groupId);
        if (_leadership[groupId].leader == agentId) revert LeaderCannotLeave(groupId, agentId);

        _trees[groupId].remove(member.leafPlusOne - 1);
        // Swap-and-pop the group out of the agent's list, keeping the count in the first word.
        mapping(uint256 => uint256) storage entries = _agentGroups[agentId];
        uint256 first = entries[0];
        uint256 last = (first >> COUNT_SHIFT) - 1;
        uint256 index = member.listIndex;
        if (index != last) {
            // index < last, so the moved word is not the first one and carries no count.
            uint256 moved = entries[last];
            _members[uint64(moved)][agentId].listIndex = uint8(index);
            if (index == 0) first = (first & ~ENTRY_MASK) | moved;
            else entries[index] = moved;
        }
        if (last != 0) delete entries[last];
        entries[0] = last == 0 ? 0 : first - (1 << COUNT_SHIFT);
        _members[groupId][agentId] = Member(0, 0, member.joinedAt, uint40(block.timestamp));
        emit MemberLeft(groupId, agentId);
    }

    /// @inheritdoc IStakeListener
    function onStakeChanged(uint256 agentId, uint256 newStake, bool unstaking) external {
        if (msg.sender != address(_stakes)) revert OnlyStakeManager(msg.sender);
        mapping(uint256 => uint256) storage entries = _agentGroups[agentId];
        uint256 entry = entries[0];
        uint256 count = entry >> COUNT_SHIFT;
        uint256 owed;
        for (uint256 i; i < count; ++i) {
            if (i != 0) entry = entries[i];
            uint256 groupId = uint64(entry);
            _beforeWeightChange(groupId);
            // Read after the settlement above: a draw it settles may have just seated this agent.
            if (unstaking && _leadership[groupId].leader == agentId) owed += _rules[groupId].failoverSlash;
            _trees[groupId].set(uint32(entry >> 64), _weight(newStake, uint128(entry >> 96)));
        }
        if (newStake < owed) revert LeaderStakeLocked(agentId, newStake, owed);
    }

    // ---------------------------------------------------------------- leadership

    /// @inheritdoc ILeaderElection
    function elect(uint256 groupId) external returns (uint256 agentId) {
        GroupState memory group = _requireGroup(groupId);
        Clock memory clock = _clocks[groupId];
        if (clock.drawBlock != 0) {
            (, agentId) = _advanceDraw(groupId, clock);
            return agentId;
        }
        uint256 epoch = _epochAt(group);
        if (group.epoch >= epoch) revert AlreadyElected(groupId, uint64(epoch));
        if (_trees[groupId].total() == 0) revert NoEligibleMembers(groupId);
        _leadership[groupId].drawPending = true;
        _requestDraw(groupId, clock, group.term, epoch);
    }

    /// @inheritdoc ILeaderElection
    function heartbeat(uint256 groupId, uint256 agentId) external {
        Leadership storage slot = _leadership[groupId];
        if (slot.drawPending) {
            (bool settled,) = _advanceDraw(groupId, _clocks[groupId]);
            // The draw seated someone else: its settlement stands; there is nothing to record.
            if (settled && slot.leader != agentId) return;
        }
        uint256 leader = slot.leader;
        if (agentId == 0 || leader != agentId) revert NotLeader(groupId, agentId, leader);
        // Authorisation is checked once per term and sender; later heartbeats from the same sender
        // cost no call (a sender that loses authorisation is caught by failover, below).
        if (msg.sender != slot.heartbeatKey) {
            _requireAuthorized(agentId);
            slot.heartbeatKey = msg.sender;
        }
        slot.lastHeartbeat = uint32(block.timestamp);
        emit Heartbeat(groupId, agentId);
    }

    /// @inheritdoc ILeaderElection
    function failover(uint256 groupId) external returns (uint256 agentId) {
        GroupState memory group = _requireGroup(groupId);
        Clock memory clock = _clocks[groupId];
        if (clock.drawBlock != 0) {
            bool settled;
            (settled, agentId) = _advanceDraw(groupId, clock);
            // A freshly settled seat has a fresh heartbeat: nothing to fail over.
            if (settled) return agentId;
            clock = _clocks[groupId]; // possibly re-bound
        }
        Leadership memory current = _leadership[groupId];
        uint256 failed = current.leader;
        if (failed == 0) {
            // A vacant seat with its draw pending: that draw fills it.
            if (clock.drawBlock != 0) return 0;
            revert NoLeader(groupId);
        }
        uint64 deadline = uint64(current.lastHeartbeat) + group.heartbeatTimeout;
        if (
            block.timestamp <= deadline
                && (current.heartbeatKey == address(0) || _identity.isAuthorized(current.heartbeatKey, failed))
        ) revert LeaderAlive(groupId, failed, deadline);

        // Exclude the failed leader from the draw that fills the seat (a pending one, or the
        // current epoch's redraw) for the rest of its epoch, with those failed over before it.
        uint256 epoch = clock.drawBlock != 0 ? clock.drawEpoch : _epochAt(group);
        uint256 count = group.exclusionsEpoch == epoch ? group.excludedCount : 0;
        _excluded[groupId][count] = _members[groupId][failed].leafPlusOne - 1;
        group.exclusionsEpoch = SafeCast.toUint32(epoch);
        // Each failover needs a leader, and each excludes one, so there are at most as many as members.
        group.excludedCount = SafeCast.toUint16(count + 1);
        _groups[groupId] = group;
        emit LeaderFailedOver(groupId, group.epoch, group.term, failed, msg.sender);
        _leadership[groupId] = Leadership(address(0), 0, true, uint32(block.timestamp));
        if (clock.drawBlock == 0) _requestDraw(groupId, clock, group.term, epoch);

        // Last, after every write and event: the slash calls back into onStakeChanged (which finds
        // the redraw pending but not settleable in this block).
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
    function pendingDraw(uint256 groupId)
        external
        view
        returns (uint256 drawBlock, uint64 epoch, uint64 term, uint256 revealedAt)
    {
        Clock memory clock = _clocks[groupId];
        if (clock.drawBlock == 0) return (0, 0, 0, 0);
        term = uint64(_groups[groupId].term) + 1;
        (revealedAt,) = _reveal(groupId, clock, term);
        return (clock.drawBlock, clock.drawEpoch, term, revealedAt);
    }

    /// @inheritdoc ILeaderElection
    function totalWeightAt(uint256 groupId, uint48 timepoint) external view returns (uint256) {
        if (timepoint >= block.timestamp) revert FutureTimepoint(timepoint, block.timestamp);
        Clock memory clock = _clocks[groupId];
        if (timepoint >= clock.changedAt) return _trees[groupId].total();
        if (timepoint + 1 == clock.changedAt) return clock.totalBefore;
        revert WeightHistoryUnavailable(groupId, timepoint, clock.changedAt - 1);
    }

    /// @inheritdoc ILeaderElection
    function memberWeightAt(uint256 groupId, uint256 agentId, uint48 timepoint)
        external
        view
        returns (bool member, uint64 weight)
    {
        if (timepoint >= block.timestamp) revert FutureTimepoint(timepoint, block.timestamp);
        Member memory m = _members[groupId][agentId];
        member = m.joinedAt != 0 && m.joinedAt <= timepoint && (m.leafPlusOne != 0 || timepoint < m.leftAt);
        if (member) weight = _weight(_stakes.stakeAt(agentId, timepoint), _rules[groupId].minStake);
    }

    /// @inheritdoc ILeaderElection
    function groupsOf(uint256 agentId) external view returns (uint256[] memory groupIds) {
        mapping(uint256 => uint256) storage entries = _agentGroups[agentId];
        groupIds = new uint256[](entries[0] >> COUNT_SHIFT);
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

    /// @notice The randomness source of draws (the zero address: the request block's hash alone).
    function randomnessSource() external view returns (IRandomnessSource) {
        return _randomness;
    }

    // ---------------------------------------------------------------- draws

    /**
     * @dev The one gate before anything a draw reads changes (a weight, a member): settles the
     * group's pending draw if its randomness exists (re-binds it if expired), then notes the total
     * weight at the start of this second for snapshot votes. Returns the clock as stored.
     */
    function _beforeWeightChange(uint256 groupId) private returns (Clock storage clock) {
        clock = _clocks[groupId];
        if (clock.drawBlock != 0) _advanceDraw(groupId, clock);
        if (clock.changedAt != block.timestamp) {
            // The tree's lanes are 64-bit sums, so its three-lane total fits in 80 bits.
            (clock.changedAt, clock.totalBefore) = (uint40(block.timestamp), uint80(_trees[groupId].total()));
        }
    }

    /**
     * @notice Moves a pending draw on: settles it when its randomness exists, re-binds it to this
     * block when its window passed unsettled, and otherwise leaves it.
     * @param groupId The group.
     * @param clock The block's time and epoch.
     * @return settled Whether it was settled here.
     * @return agentId The leader it seated (0 if none, or if not settled).
     */
    function _advanceDraw(uint256 groupId, Clock memory clock) private returns (bool settled, uint256 agentId) {
        uint256 term = uint256(_groups[groupId].term) + 1;
        (bool ready, bool expired, uint256 random) = _drawRandomness(groupId, clock, term);
        if (ready) return (true, _settle(groupId, clock, term, random));
        if (expired) _requestDraw(groupId, clock, term - 1, _epochAt(_groups[groupId]));
    }

    /**
     * @dev Whether the pending draw's randomness exists (and the value), or expired unsettled. The
     * value exists from the block after the one it was revealed in (the request's own block without
     * a source) until that block's hash leaves the EVM's window.
     */
    function _drawRandomness(uint256 groupId, Clock memory clock, uint256 term)
        private
        view
        returns (bool ready, bool expired, uint256 random)
    {
        (uint256 revealedAt, uint256 sourceValue) = _reveal(groupId, clock, term);
        // Not yet revealed: wait, up to the window after the request.
        if (revealedAt == 0) return (false, block.number > clock.drawBlock + DRAW_WINDOW, 0);
        if (block.number <= revealedAt) return (false, false, 0);
        if (block.number > revealedAt + DRAW_WINDOW) return (false, true, 0);
        random = DefaultRandomness.value(blockhash(revealedAt), sourceValue, address(this), groupId, clock.drawEpoch, term);
        ready = true;
    }

    /// @dev The block whose hash the pending draw mixes in (0 while the source has no value) and the
    /// source's value: without a source, the request's own block and 0.
    function _reveal(uint256 groupId, Clock memory clock, uint256 term)
        private
        view
        returns (uint256 revealedAt, uint256 sourceValue)
    {
        revealedAt = clock.drawBlock;
        IRandomnessSource source = _randomness;
        if (address(source) != address(0)) {
            uint256 sourceReveal;
            (sourceValue, sourceReveal) = source.randomness(groupId, clock.drawEpoch, term);
            // A value revealed before the request is only as fresh as the request's block.
            if (sourceReveal == 0 || sourceReveal > revealedAt) revealedAt = sourceReveal;
        }
    }

    /// @dev Records a draw request for `epoch` (starting term `term + 1`) bound to this block.
    function _requestDraw(uint256 groupId, Clock memory clock, uint256 term, uint256 epoch) private {
        // Epochs and terms are counted in 32 bits: 2^32 epochs of even one second is 136 years.
        clock.drawBlock = uint40(block.number);
        clock.drawEpoch = SafeCast.toUint32(epoch);
        _clocks[groupId] = clock;
        IRandomnessSource source = _randomness;
        if (address(source) != address(0)) source.requestRandomness(groupId, epoch, term + 1);
        emit DrawRequested(groupId, uint64(epoch), uint64(term + 1), block.number);
    }

    /// @dev Settles the pending draw: the leader among the group's weights now (which are those at
    /// the end of the draw's seed block), the epoch's failed leaders excluded. Starts term `term`.
    function _settle(uint256 groupId, Clock memory clock, uint256 term, uint256 random)
        private
        returns (uint256 agentId)
    {
        GroupState memory group = _groups[groupId];
        uint256 epoch = clock.drawEpoch;
        uint256 count = group.exclusionsEpoch == epoch ? group.excludedCount : 0;
        uint256[] memory excluded = new uint256[](count);
        for (uint256 i; i < count; ++i) {
            excluded[i] = _excluded[groupId][i];
        }
        uint256 leaf = _trees[groupId].drawExcluding(random, excluded);
        agentId = leaf == WeightTree.NO_LEAF ? 0 : _leafAgent[groupId][leaf];

        group.term = SafeCast.toUint32(term);
        group.epoch = uint32(epoch);
        _groups[groupId] = group;
        clock.drawBlock = 0;
        clock.drawEpoch = 0;
        _clocks[groupId] = clock;
        // Members' ids fit 56 bits (checked at join).
        _leadership[groupId] = Leadership(address(0), uint56(agentId), false, uint32(block.timestamp));
        emit LeaderElected(groupId, uint64(epoch), uint64(term), agentId);
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
}
