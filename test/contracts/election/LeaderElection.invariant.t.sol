// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {LeaderElection} from "../../../contracts/election/LeaderElection.sol";
import {IdentityRegistry} from "../../../contracts/identity/IdentityRegistry.sol";
import {ILeaderElection} from "../../../contracts/interfaces/ILeaderElection.sol";
import {IRandomnessSource} from "../../../contracts/interfaces/IRandomnessSource.sol";
import {StakeManager} from "../../../contracts/staking/StakeManager.sol";
import {StakeToken} from "../../../contracts/token/StakeToken.sol";
import {Test, Vm} from "../../utils/Test.sol";

/**
 * @notice The attacker's moves on LeaderElection, for the invariant fuzzer: a leader unstaking
 * everything, leaving, or going silent after withdrawing; stake moved right before a draw's
 * request (same block, same transaction) and right after its randomness exists; joins around
 * draws; failovers in the seed block of a draw; blocks mined past a draw's window; and the
 * ordinary moves (stake, unstake, withdraw, slashes by another slasher, elect, heartbeat). Each
 * action moves to a new block first unless it is about the same block. Ghosts count every
 * violation of the rules the invariants assert.
 */
contract ElectionAttackHandler {
    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));
    uint256 internal constant AGENTS = 5;
    uint256 internal constant GROUPS = 2;
    uint256 internal constant UNIT = 1e9;
    uint64 internal constant TIMEOUT = 5 minutes;

    IdentityRegistry public immutable identity;
    StakeToken public immutable token;
    StakeManager public immutable stakes;
    LeaderElection public immutable election;

    uint256[] public agents;
    mapping(uint256 agentId => address) public ownerOf;

    // Chain position, kept here (via-IR may cache block values across a roll).
    uint256 public blockNumber;
    uint256 public timestamp;

    // Per group: the seat as last observed, and what the seated leader can be made to pay.
    mapping(uint256 groupId => uint64) public maxTerm;
    mapping(uint256 groupId => uint256) public seatAgent;
    mapping(uint256 groupId => uint64) public seatTerm;
    mapping(uint256 groupId => uint256) public seatStake;
    mapping(uint256 groupId => uint256) public seatTaken; // slashed from the seated leader by others since
    mapping(uint256 groupId => uint256) public lastDrawBlock;
    mapping(uint256 groupId => mapping(uint256 agentId => uint256)) public joinBlock;
    mapping(uint256 groupId => mapping(uint64 epoch => mapping(uint256 agentId => bool))) public failedIn;

    // Ghosts: violations (each must stay 0) and activity counters.
    uint256 public leaderEscapes; // a leader's own unstake left it below what it owes
    uint256 public leaderLeft; // a leader left its group
    uint256 public shortSlashes; // a failover took less than the failed leader could be made to pay
    uint256 public lateJoinersSeated; // a member joined after a draw's request and was seated by it
    uint256 public failedReseated; // a leader failed over in an epoch was seated again in it
    uint256 public settledDraws;
    uint256 public failovers;

    constructor() {
        identity = new IdentityRegistry();
        token = new StakeToken();
        stakes = new StakeManager(identity, token, 1 days, address(this));
        election = new LeaderElection(identity, stakes, IRandomnessSource(address(0)), address(0xBEEF), UNIT);
        stakes.grantRole(stakes.SLASHER_ROLE(), address(election));
        stakes.grantRole(stakes.SLASHER_ROLE(), address(this)); // stands in for TaskBoard
        stakes.setStakeListener(election);
        // Group 1: the slash exceeds the minimum stake (a leader may owe more than it has).
        election.createGroup("g1", ILeaderElection.GroupParams(1 hours, TIMEOUT, 10e18, 20e18));
        election.createGroup("g2", ILeaderElection.GroupParams(30 minutes, TIMEOUT, 1e18, 5e18));
        for (uint256 i; i < AGENTS; ++i) {
            address owner = address(uint160(0xA000 + i));
            vm.prank(owner);
            uint256 agentId = identity.register();
            agents.push(agentId);
            ownerOf[agentId] = owner;
            token.faucet(owner, 1e30);
            vm.prank(owner);
            token.approve(address(stakes), type(uint256).max);
            vm.prank(owner);
            stakes.stake(agentId, 50e18 * (i + 1));
            for (uint256 g = 1; g <= GROUPS; ++g) {
                vm.prank(owner);
                election.join(g, agentId);
                joinBlock[g][agentId] = block.number;
            }
        }
        blockNumber = block.number;
        timestamp = block.timestamp;
    }

    // ---------------------------------------------------------------- stake

    function stake(uint256 seed, uint96 amount) external {
        _nextBlock(1);
        (uint256 agentId, address owner) = _agent(seed);
        vm.prank(owner);
        stakes.stake(agentId, 1 + uint256(amount) % 500e18);
        _observe();
    }

    function unstake(uint256 seed, uint96 amount) external {
        _nextBlock(1);
        (uint256 agentId,) = _agent(seed);
        uint256 active = stakes.stakeOf(agentId);
        if (active == 0) return;
        _tryUnstake(agentId, 1 + uint256(amount) % active);
        _observe();
    }

    /// @dev The F3 attack: the leader unstakes everything it has.
    function leaderUnstakesEverything(uint256 groupSeed) external {
        _nextBlock(1);
        (uint256 leader,,,) = election.currentLeader(_group(groupSeed));
        if (leader == 0 || stakes.stakeOf(leader) == 0) return;
        _tryUnstake(leader, stakes.stakeOf(leader));
        _observe();
    }

    function withdraw(uint256 seed) external {
        _nextBlock(1);
        (uint256 agentId, address owner) = _agent(seed);
        (uint256 amount, uint64 releaseAt) = stakes.unbondingOf(agentId);
        if (amount == 0 || timestamp < releaseAt) return;
        vm.prank(owner);
        stakes.withdraw(agentId);
        _observe();
    }

    /// @dev Another slasher (TaskBoard, say) takes stake: never refused, and what it takes from a
    /// leader lowers what that leader can still be made to pay.
    function slash(uint256 seed, uint96 amount) external {
        _nextBlock(1);
        (uint256 agentId,) = _agent(seed);
        uint256 slashed = stakes.slash(agentId, amount % 100e18, address(0xBEEF), "task");
        // A slash first settles a pending draw of the agent's groups, which may seat it: observe the
        // seats, then count the slash against every seat it holds (for a new seat, conservatively).
        _observe();
        _charge(agentId, slashed, 0);
    }

    // ---------------------------------------------------------------- membership

    function join(uint256 seed, uint256 groupSeed) external {
        _nextBlock(1);
        (uint256 agentId, address owner) = _agent(seed);
        uint256 groupId = _group(groupSeed);
        vm.prank(owner);
        try election.join(groupId, agentId) {
            joinBlock[groupId][agentId] = blockNumber;
        } catch {}
        _observe();
    }

    /// @dev Any member, the leader included, tries to leave.
    function leave(uint256 seed, uint256 groupSeed) external {
        _nextBlock(1);
        (uint256 agentId, address owner) = _agent(seed);
        uint256 groupId = _group(groupSeed);
        vm.prank(owner);
        try election.leave(groupId, agentId) {
            if (election.isLeader(groupId, agentId)) ++leaderLeft;
        } catch {}
        _observe();
    }

    // ---------------------------------------------------------------- draws

    function elect(uint256 groupSeed) external {
        _nextBlock(1);
        try election.elect(_group(groupSeed)) {} catch {}
        _observe();
    }

    /// @dev Stake shuffling in the draw's own block: a stake change, then the request.
    function stakeThenElect(uint256 seed, uint256 groupSeed, uint96 amount) external {
        _nextBlock(1);
        (uint256 agentId, address owner) = _agent(seed);
        vm.prank(owner);
        stakes.stake(agentId, 1 + uint256(amount) % 500e18);
        try election.elect(_group(groupSeed)) {} catch {}
        _observe();
    }

    /// @dev The request, then (same block) an unstake: before the randomness exists, so part of the draw.
    function electThenUnstake(uint256 seed, uint256 groupSeed) external {
        _nextBlock(1);
        try election.elect(_group(groupSeed)) {} catch {}
        (uint256 agentId,) = _agent(seed);
        uint256 active = stakes.stakeOf(agentId);
        if (active != 0) _tryUnstake(agentId, active / 2 + 1);
        _observe();
    }

    function heartbeat(uint256 groupSeed) external {
        _nextBlock(1);
        uint256 groupId = _group(groupSeed);
        (uint256 leader,,,) = election.currentLeader(groupId);
        if (leader == 0) return;
        vm.prank(ownerOf[leader]);
        election.heartbeat(groupId, leader);
        _observe();
    }

    /// @dev A silent leader is failed over (time is moved past its timeout).
    function failover(uint256 groupSeed) external {
        uint256 groupId = _group(groupSeed);
        (uint256 leader,,, uint64 lastHeartbeat) = election.currentLeader(groupId);
        _nextBlock(timestamp <= lastHeartbeat + TIMEOUT ? lastHeartbeat + TIMEOUT + 1 - timestamp : 1);
        _failover(groupId, leader);
    }

    /// @dev A failover in the seed block of a draw: the request, then the failover, in one block.
    function electThenFailover(uint256 groupSeed) external {
        uint256 groupId = _group(groupSeed);
        (uint256 leader,,, uint64 lastHeartbeat) = election.currentLeader(groupId);
        _nextBlock(timestamp <= lastHeartbeat + TIMEOUT ? lastHeartbeat + TIMEOUT + 1 - timestamp : 1);
        try election.elect(groupId) {} catch {}
        _observeDraws();
        _failover(groupId, election.isLeader(groupId, leader) ? leader : 0);
    }

    // ---------------------------------------------------------------- time

    function passTime(uint32 secondsAhead) external {
        _nextBlock(1 + secondsAhead % 2 days);
        _observe();
    }

    /// @dev Mines past a pending draw's window (or not), so expired requests get re-bound.
    function mineBlocks(uint16 count) external {
        blockNumber += 1 + count % 300;
        timestamp += 1;
        vm.roll(blockNumber);
        vm.warp(timestamp);
        _observe();
    }

    // ---------------------------------------------------------------- views for the invariants

    function agentCount() external view returns (uint256) {
        return agents.length;
    }

    /// @notice What `agentId` owes as a leader: the slashes of the groups whose seat it holds.
    function owed(uint256 agentId) public view returns (uint256 total) {
        for (uint256 g = 1; g <= GROUPS; ++g) {
            if (election.isLeader(g, agentId)) {
                (ILeaderElection.GroupParams memory p,) = election.groupParams(g);
                total += p.failoverSlash;
            }
        }
    }

    // ---------------------------------------------------------------- internals

    function _tryUnstake(uint256 agentId, uint256 amount) internal {
        vm.prank(ownerOf[agentId]);
        try stakes.requestUnstake(agentId, amount) {
            // Allowed only down to what a leader owes (the draw it may have just settled included).
            if (stakes.stakeOf(agentId) < owed(agentId)) ++leaderEscapes;
        } catch {}
    }

    function _failover(uint256 groupId, uint256 leader) internal {
        if (leader == 0) return _observe();
        (ILeaderElection.GroupParams memory p,) = election.groupParams(groupId);
        bool settles = _settleable(groupId);
        (uint256 unbonding,) = stakes.unbondingOf(leader);
        uint256 before = stakes.stakeOf(leader) + unbonding;
        uint64 epoch = election.currentEpoch(groupId);
        (uint256 drawBlock, uint64 drawEpoch,,) = election.pendingDraw(groupId);
        try election.failover(groupId) {} catch {}
        if (!settles && !election.isLeader(groupId, leader) && seatAgent[groupId] == leader) {
            ++failovers;
            failedIn[groupId][drawBlock != 0 ? drawEpoch : epoch][leader] = true;
            (uint256 unbondingAfter,) = stakes.unbondingOf(leader);
            uint256 taken = before - (stakes.stakeOf(leader) + unbondingAfter);
            // While it leads, a leader keeps at least min(slash, its stake when seated), less what
            // others took since (its own unstakes stop at what it owes, which includes this slash).
            uint256 kept = _min(p.failoverSlash, seatStake[groupId]);
            uint256 due = kept > seatTaken[groupId] ? kept - seatTaken[groupId] : 0;
            if (taken < due) ++shortSlashes;
            // The slash also lowers what this agent can pay for any other seat it holds.
            _charge(leader, taken, groupId);
        }
        _observe();
    }

    /// @dev Whether a call now would settle the group's pending draw (default source: the request's block).
    function _settleable(uint256 groupId) internal view returns (bool) {
        (uint256 drawBlock,,, uint256 revealedAt) = election.pendingDraw(groupId);
        return drawBlock != 0 && revealedAt != 0 && blockNumber > revealedAt && blockNumber <= revealedAt + 256;
    }

    /// @dev Records `amount` taken from `agentId` by someone else against every seat it holds (but `except`).
    function _charge(uint256 agentId, uint256 amount, uint256 except) internal {
        for (uint256 g = 1; g <= GROUPS; ++g) {
            if (g != except && seatAgent[g] == agentId && election.isLeader(g, agentId)) seatTaken[g] += amount;
        }
    }

    function _observeDraws() internal {
        for (uint256 g = 1; g <= GROUPS; ++g) {
            (uint256 drawBlock,,,) = election.pendingDraw(g);
            if (drawBlock != 0) lastDrawBlock[g] = drawBlock;
        }
    }

    /// @dev After every action: new seats (and the rules about who may take them), terms, draws.
    function _observe() internal {
        for (uint256 g = 1; g <= GROUPS; ++g) {
            (uint256 leader, uint64 term, uint64 epoch,) = election.currentLeader(g);
            if (term > maxTerm[g]) maxTerm[g] = term;
            if (term != seatTerm[g]) {
                ++settledDraws;
                seatTerm[g] = term;
                seatAgent[g] = leader;
                seatStake[g] = leader == 0 ? 0 : stakes.stakeOf(leader);
                seatTaken[g] = 0;
                if (leader != 0 && joinBlock[g][leader] > lastDrawBlock[g]) ++lateJoinersSeated;
                if (leader != 0 && failedIn[g][epoch][leader]) ++failedReseated;
            } else if (leader != seatAgent[g]) {
                // A failover vacated the seat (the term changes only when the redraw is settled).
                seatAgent[g] = leader;
            }
        }
        _observeDraws();
    }

    function _nextBlock(uint256 secondsAhead) internal {
        blockNumber += 1;
        timestamp += secondsAhead;
        vm.roll(blockNumber);
        vm.warp(timestamp);
    }

    function _agent(uint256 seed) internal view returns (uint256 agentId, address owner) {
        agentId = agents[seed % AGENTS];
        owner = ownerOf[agentId];
    }

    function _group(uint256 seed) internal pure returns (uint256) {
        return 1 + seed % GROUPS;
    }

    function _min(uint256 a, uint256 b) internal pure returns (uint256) {
        return a < b ? a : b;
    }
}

/// @notice Invariants of LeaderElection under attack, one property each.
contract LeaderElectionInvariantTest is Test {
    ElectionAttackHandler internal handler;

    function setUp() public {
        handler = new ElectionAttackHandler();
        targetContract(address(handler));
    }

    /// @dev No leader's own unstake ever leaves it below the failover slashes it owes.
    function invariant_noLeaderUnstakesWhatItOwes() public view {
        assertEq(handler.leaderEscapes(), 0, "a leader unstaked below what it owes");
    }

    /// @dev A failover always takes the slash, up to what the leader had when seated, less what
    /// others (other slashers, its other seats' failovers) took since.
    function invariant_failoverSlashIsAlwaysCollectable() public view {
        assertEq(handler.shortSlashes(), 0, "a failover collected less than the leader owed");
    }

    /// @dev The leader never leaves, and is always a member.
    function invariant_leaderNeverLeaves() public view {
        assertEq(handler.leaderLeft(), 0, "a leader left its group");
        LeaderElection election = handler.election();
        for (uint256 g = 1; g <= 2; ++g) {
            (uint256 leader,,,) = election.currentLeader(g);
            if (leader != 0) assertTrue(election.isMember(g, leader), "the leader is not a member");
        }
    }

    /// @dev Tree weights equal stake (in units; 0 below the minimum), and the root is their sum.
    function invariant_treeWeightsEqualStake() public view {
        LeaderElection election = handler.election();
        for (uint256 g = 1; g <= 2; ++g) {
            (ILeaderElection.GroupParams memory p,) = election.groupParams(g);
            uint256 sum;
            for (uint256 i; i < handler.agentCount(); ++i) {
                uint256 agentId = handler.agents(i);
                uint256 weight = election.weightOf(g, agentId);
                sum += weight;
                if (!election.isMember(g, agentId)) continue;
                uint256 stake = handler.stakes().stakeOf(agentId);
                assertEq(weight, stake < p.minStake ? 0 : stake / 1e9, "weight != stake");
            }
            assertEq(election.totalWeight(g), sum, "root != sum of weights");
        }
    }

    /// @dev Over the members at the end of the previous second, snapshot weights sum to the snapshot total.
    function invariant_snapshotWeightsSumToSnapshotTotal() public view {
        LeaderElection election = handler.election();
        uint48 t = uint48(block.timestamp - 1);
        for (uint256 g = 1; g <= 2; ++g) {
            uint256 sum;
            for (uint256 i; i < handler.agentCount(); ++i) {
                (, uint64 weight) = election.memberWeightAt(g, handler.agents(i), t);
                sum += weight;
            }
            assertEq(election.totalWeightAt(g, t), sum, "snapshot total != sum of snapshot weights");
        }
    }

    /// @dev Terms only increase.
    function invariant_termOnlyIncreases() public view {
        for (uint256 g = 1; g <= 2; ++g) {
            (, uint64 term,,) = handler.election().currentLeader(g);
            assertEq(term, handler.maxTerm(g), "term decreased");
        }
    }

    /// @dev A draw never seats a member that joined after it was requested.
    function invariant_noLateJoinerIsSeated() public view {
        assertEq(handler.lateJoinersSeated(), 0, "a member that joined after the request was seated");
    }

    /// @dev A leader failed over in an epoch is not seated again in that epoch.
    function invariant_failedLeaderNotReseatedInItsEpoch() public view {
        assertEq(handler.failedReseated(), 0, "a failed leader was seated again in its epoch");
    }
}
