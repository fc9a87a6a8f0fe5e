// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {PrevrandaoRandomness} from "../../../contracts/election/PrevrandaoRandomness.sol";
import {LeaderElection} from "../../../contracts/election/LeaderElection.sol";
import {IdentityRegistry} from "../../../contracts/identity/IdentityRegistry.sol";
import {ILeaderElection} from "../../../contracts/interfaces/ILeaderElection.sol";
import {ITaskBoard} from "../../../contracts/interfaces/ITaskBoard.sol";
import {LockManager} from "../../../contracts/locks/LockManager.sol";
import {ReputationRegistry} from "../../../contracts/reputation/ReputationRegistry.sol";
import {StakeManager} from "../../../contracts/staking/StakeManager.sol";
import {TaskBoard} from "../../../contracts/tasks/TaskBoard.sol";
import {StakeToken} from "../../../contracts/token/StakeToken.sol";
import {Test, Vm} from "../../utils/Test.sol";

/**
 * @notice The narrow set of actions the invariant fuzzer may take on the staking and consensus
 * contracts: stake, unstake, withdraw and be slashed; join and leave; elect, heartbeat and fail
 * over; take and release locks; let time pass. Every action is valid by construction or skipped,
 * so the fuzzer spends its depth on state, not on reverts.
 *
 * Work in the same system (TaskBoard, whose claims lock stake the other slashers also cut): post
 * (by a poster or by an agent's owner), claim, submit, abandon and reclaim, escalate and leave it
 * unanswered — and the attacker's moves, which may revert: unstaking everything and withdrawing
 * while holding a task, approving TaskBoard or a stranger, the poster's own agents claiming.
 */
contract CoordinationHandler {
    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));
    uint256 internal constant AGENTS = 6;
    uint256 internal constant GROUP = 1;
    bytes32 internal constant KEY_A = "key-a";
    bytes32 internal constant KEY_B = "key-b";

    IdentityRegistry public immutable identity;
    StakeToken public immutable token;
    StakeManager public immutable stakes;
    LeaderElection public immutable election;
    LockManager public immutable locks;
    TaskBoard public immutable board;
    address public constant POSTER = address(0xB0B);
    address public constant STRANGER = address(0x5757);

    uint256[] public agents;
    mapping(uint256 agentId => address) public ownerOf;

    // Ghosts: the largest values ever observed, so a decrease is visible to the invariants.
    uint64 public maxTermSeen;
    mapping(bytes32 key => uint256) public maxTokenSeen;
    uint256 public calls;
    /// Unstakes or withdrawals that left an agent with less stake than it owed (its lock, or all it had).
    uint256 public escapedObligations;
    /// Claims that landed for an agent its task's poster is a key of.
    uint256 public ownAgentClaims;

    constructor() {
        identity = new IdentityRegistry();
        token = new StakeToken();
        stakes = new StakeManager(identity, token, 1 days, address(this));
        election = new LeaderElection(identity, stakes, new PrevrandaoRandomness(), address(0xBEEF), 1e9);
        stakes.grantRole(stakes.SLASHER_ROLE(), address(election));
        stakes.grantRole(stakes.SLASHER_ROLE(), address(this));
        stakes.setStakeListener(election);
        locks = new LockManager(identity);
        board = new TaskBoard(identity, stakes, new ReputationRegistry(identity), address(0xBEEF));
        stakes.grantRole(stakes.SLASHER_ROLE(), address(board));
        election.createGroup("g", ILeaderElection.GroupParams(1 hours, 5 minutes, 1e18, 2e18));
        for (uint256 i; i < AGENTS; ++i) {
            address owner = address(uint160(0xA000 + i));
            vm.prank(owner);
            uint256 agentId = identity.register();
            agents.push(agentId);
            ownerOf[agentId] = owner;
            vm.deal(owner, 1_000 ether);
        }
        vm.deal(POSTER, 1_000 ether);
    }

    function agentCount() external view returns (uint256) {
        return agents.length;
    }

    function _agent(uint256 seed) internal view returns (uint256 agentId, address owner) {
        agentId = agents[seed % AGENTS];
        owner = ownerOf[agentId];
    }

    function stake(uint256 seed, uint96 amount) external {
        (uint256 agentId, address owner) = _agent(seed);
        uint256 value = 1 + uint256(amount) % 1_000e18;
        token.faucet(owner, value);
        vm.startPrank(owner);
        token.approve(address(stakes), value);
        stakes.stake(agentId, value);
        vm.stopPrank();
        _observe();
    }

    function requestUnstake(uint256 seed, uint96 amount) external {
        (uint256 agentId, address owner) = _agent(seed);
        uint256 active = stakes.stakeOf(agentId);
        uint256 locked = stakes.lockedOf(agentId);
        if (active <= locked) return;
        (uint256 owed, uint256 had) = _obligation(agentId);
        vm.prank(owner);
        stakes.requestUnstake(agentId, 1 + uint256(amount) % (active - locked));
        _checkObligation(agentId, owed, had);
        _observe();
    }

    function withdraw(uint256 seed) external {
        (uint256 agentId, address owner) = _agent(seed);
        (uint256 amount, uint64 releaseAt) = stakes.unbondingOf(agentId);
        if (amount == 0 || block.timestamp < releaseAt) return;
        uint256 active = stakes.stakeOf(agentId);
        uint256 locked = stakes.lockedOf(agentId);
        if (locked >= active + amount) return; // all of it is held back for the lock
        (uint256 owed, uint256 had) = _obligation(agentId);
        vm.prank(owner);
        stakes.withdraw(agentId);
        _checkObligation(agentId, owed, had);
        _observe();
    }

    /// @dev What the agent owes (its locked stake) and all the stake it has (active and unbonding).
    function _obligation(uint256 agentId) internal view returns (uint256 owed, uint256 had) {
        (uint256 unbonding,) = stakes.unbondingOf(agentId);
        return (stakes.lockedOf(agentId), stakes.stakeOf(agentId) + unbonding);
    }

    /// @dev Counts an escape: after leaving, less stake stays than the agent owed (or had).
    function _checkObligation(uint256 agentId, uint256 owed, uint256 had) internal {
        (, uint256 left) = _obligation(agentId);
        if (left < (owed < had ? owed : had)) ++escapedObligations;
    }

    // ---------------------------------------------------------------- work (TaskBoard)

    /// @dev A task with an abandonment slash (or none), posted by the poster or by an agent's owner.
    function postTask(uint256 posterSeed, bool slashes, uint32 window) external {
        address poster = posterSeed % 3 == 0 ? ownerOf[agents[posterSeed % AGENTS]] : POSTER;
        ITaskBoard.TaskSpec memory spec;
        spec.specURI = "ipfs://work";
        spec.reward = 1 ether;
        spec.maxReward = 1 ether;
        spec.abandonSlash = slashes ? 3e18 : 0;
        spec.leaseDuration = 600;
        spec.deadline = uint64(block.timestamp) + 60 + window % 2 days;
        spec.reviewWindow = 300;
        vm.prank(poster);
        board.postTask{value: 1 ether}(spec);
        _observe();
    }

    function _task(uint256 seed) internal view returns (uint256 taskId, ITaskBoard.TaskView memory t) {
        uint256 count = board.taskCount();
        if (count == 0) return (0, t);
        taskId = 1 + seed % count;
        t = board.getTask(taskId);
    }

    /// @dev Any agent tries any task; the poster's own agents among them.
    function claimTask(uint256 taskSeed, uint256 agentSeed) external {
        (uint256 taskId, ITaskBoard.TaskView memory t) = _task(taskSeed);
        if (taskId == 0) return;
        (uint256 agentId, address owner) = _agent(agentSeed);
        bool own = identity.isAuthorized(t.poster, agentId);
        vm.prank(owner);
        try board.claim(taskId, agentId) {
            if (own) ++ownAgentClaims;
        } catch {}
        _observe();
    }

    function submitTask(uint256 taskSeed) external {
        (uint256 taskId, ITaskBoard.TaskView memory t) = _task(taskSeed);
        if (taskId == 0 || uint8(t.status) != 2) return;
        vm.prank(ownerOf[t.claimant]);
        try board.submit(taskId, t.attempt, "ipfs://done", bytes32(0)) {} catch {}
        _observe();
    }

    function escalateTask(uint256 taskSeed) external {
        (uint256 taskId, ITaskBoard.TaskView memory t) = _task(taskSeed);
        if (taskId == 0 || uint8(t.status) != 2) return;
        vm.prank(ownerOf[t.claimant]);
        try board.escalate(taskId, t.attempt, "ipfs://question") {} catch {}
        _observe();
    }

    /// @dev Anyone moves a task on: an unanswered escalation expired, a lapsed lease reclaimed, a
    /// silent review accepted, a past-deadline task expired.
    function moveTaskOn(uint256 taskSeed) external {
        (uint256 taskId,) = _task(taskSeed);
        if (taskId == 0) return;
        vm.startPrank(STRANGER);
        try board.expireEscalation(taskId) {} catch {}
        try board.reclaim(taskId) {} catch {}
        try board.accept(taskId) {} catch {}
        try board.expire(taskId) {} catch {}
        vm.stopPrank();
        _observe();
    }

    /// @dev The attacker: unstake everything, wait out the unbonding period, withdraw — whatever it holds.
    function unstakeEverything(uint256 seed) external {
        (uint256 agentId, address owner) = _agent(seed);
        uint256 active = stakes.stakeOf(agentId);
        (uint256 owed, uint256 had) = _obligation(agentId);
        vm.startPrank(owner);
        if (active != 0) try stakes.requestUnstake(agentId, active) {} catch {}
        vm.warp(block.timestamp + 1 days);
        vm.roll(block.number + 1);
        try stakes.withdraw(agentId) {} catch {}
        vm.stopPrank();
        _checkObligation(agentId, owed, had);
        _observe();
    }

    /// @dev The attacker: make TaskBoard, or a stranger, an agent's key (or revoke the stranger).
    function approve(uint256 seed, bool board_, bool all, bool revoke) external {
        (uint256 agentId, address owner) = _agent(seed);
        address to = board_ ? address(board) : STRANGER;
        vm.startPrank(owner);
        if (all) try identity.setApprovalForAll(to, !revoke) {} catch {}
        else try identity.approve(revoke ? address(0) : to, agentId) {} catch {}
        vm.stopPrank();
        _observe();
    }

    function slash(uint256 seed, uint96 amount) external {
        (uint256 agentId,) = _agent(seed);
        stakes.slash(agentId, amount, address(0xBEEF), "fuzz");
        _observe();
    }

    function join(uint256 seed) external {
        (uint256 agentId, address owner) = _agent(seed);
        (ILeaderElection.GroupParams memory params,) = election.groupParams(GROUP);
        (, , uint64 electedEpoch,) = election.currentLeader(GROUP);
        if (election.isMember(GROUP, agentId) || stakes.stakeOf(agentId) < params.minStake) return;
        if (electedEpoch == election.currentEpoch(GROUP)) return; // joins wait for the next epoch
        vm.prank(owner);
        election.join(GROUP, agentId);
        _observe();
    }

    function leave(uint256 seed) external {
        (uint256 agentId, address owner) = _agent(seed);
        if (!election.isMember(GROUP, agentId) || election.isLeader(GROUP, agentId)) return;
        vm.prank(owner);
        election.leave(GROUP, agentId);
        _observe();
    }

    function elect() external {
        (, , uint64 epoch,) = election.currentLeader(GROUP);
        if (epoch == election.currentEpoch(GROUP) || election.totalWeight(GROUP) == 0) return;
        vm.roll(block.number + 1); // a draw never shares a block with a weight change
        election.elect(GROUP);
        _observe();
    }

    function heartbeat() external {
        (uint256 leader,,,) = election.currentLeader(GROUP);
        if (leader == 0) return;
        vm.prank(ownerOf[leader]);
        election.heartbeat(GROUP, leader);
        _observe();
    }

    function failover() external {
        (uint256 leader,,, uint64 lastHeartbeat) = election.currentLeader(GROUP);
        if (leader == 0) return;
        if (block.timestamp <= lastHeartbeat + 5 minutes) vm.warp(lastHeartbeat + 5 minutes + 1);
        vm.roll(block.number + 1);
        election.failover(GROUP);
        _observe();
    }

    function acquire(uint256 seed, bool keyB, uint32 ttl) external {
        (uint256 agentId, address owner) = _agent(seed);
        bytes32 key = keyB ? KEY_B : KEY_A;
        (uint256 holder,,) = locks.holderOf(key);
        if (holder != 0 && holder != agentId) return;
        vm.prank(owner);
        locks.acquire(key, agentId, 1 + uint64(ttl) % 1 days);
        _observe();
    }

    function release(bool keyB) external {
        bytes32 key = keyB ? KEY_B : KEY_A;
        (uint256 holder, uint256 fencingToken,) = locks.holderOf(key);
        if (holder == 0) return;
        vm.prank(ownerOf[holder]);
        locks.release(key, fencingToken);
        _observe();
    }

    function passTime(uint32 secondsAhead) external {
        vm.warp(block.timestamp + secondsAhead % 2 days);
        vm.roll(block.number + 1);
        _observe();
    }

    /// @dev Records the largest term and fencing tokens seen after every action.
    function _observe() internal {
        ++calls;
        (, uint64 term,,) = election.currentLeader(GROUP);
        if (term > maxTermSeen) maxTermSeen = term;
        for (uint256 k; k < 2; ++k) {
            bytes32 key = k == 0 ? KEY_A : KEY_B;
            (, uint256 fencingToken,) = locks.holderOf(key);
            if (fencingToken > maxTokenSeen[key]) maxTokenSeen[key] = fencingToken;
        }
    }
}

/// @notice Invariants of stake, election weights, terms and fencing tokens, one property each.
contract CoordinationInvariantTest is Test {
    CoordinationHandler internal handler;

    function setUp() public {
        handler = new CoordinationHandler();
        targetContract(address(handler));
    }

    /// @dev The stake token balance of StakeManager equals active plus unbonding stake, in total and
    /// as the sum over agents.
    function invariant_stakeBalanceEqualsActivePlusUnbonding() public view {
        StakeManager stakes = handler.stakes();
        uint256 balance = handler.token().balanceOf(address(stakes));
        assertEq(balance, stakes.totalStake() + stakes.totalUnbonding(), "balance != active + unbonding");
        uint256 sum;
        for (uint256 i; i < handler.agentCount(); ++i) {
            uint256 agentId = handler.agents(i);
            (uint256 unbonding,) = stakes.unbondingOf(agentId);
            sum += stakes.stakeOf(agentId) + unbonding;
        }
        assertEq(balance, sum, "balance != sum over agents");
    }

    /// @dev The tree root equals the sum of member weights, and each weight equals stake in units
    /// (0 below the minimum stake).
    function invariant_treeRootEqualsSumOfMemberWeights() public view {
        LeaderElection election = handler.election();
        StakeManager stakes = handler.stakes();
        uint256 sum;
        for (uint256 i; i < handler.agentCount(); ++i) {
            uint256 agentId = handler.agents(i);
            uint256 weight = election.weightOf(1, agentId);
            sum += weight;
            if (!election.isMember(1, agentId)) continue;
            uint256 stake = stakes.stakeOf(agentId);
            assertEq(weight, stake < 1e18 ? 0 : stake / 1e9, "weight != stake");
        }
        assertEq(election.totalWeight(1), sum, "root != sum of member weights");
    }

    /// @dev Terms never decrease.
    function invariant_termNeverDecreases() public view {
        (, uint64 term,,) = handler.election().currentLeader(1);
        assertEq(term, handler.maxTermSeen(), "term decreased");
    }

    /// @dev A lock's fencing token never decreases.
    function invariant_fencingTokensNeverDecrease() public view {
        LockManager locks = handler.locks();
        (, uint256 tokenA,) = locks.holderOf("key-a");
        (, uint256 tokenB,) = locks.holderOf("key-b");
        assertEq(tokenA, handler.maxTokenSeen("key-a"), "key-a token decreased");
        assertEq(tokenB, handler.maxTokenSeen("key-b"), "key-b token decreased");
    }

    /// @dev The leader, when there is one, is a member.
    function invariant_leaderIsMember() public view {
        (uint256 leader,,,) = handler.election().currentLeader(1);
        if (leader != 0) assertTrue(handler.election().isMember(1, leader), "leader is not a member");
    }

    /// @dev Each agent's locked stake is exactly the abandonSlash of the tasks it holds (claimed or
    /// escalated): every claim's lock is released when its claim ends, whatever else slashed it.
    function invariant_lockedStakeIsTheHeldTasksSlash() public view {
        TaskBoard board = handler.board();
        uint256 count = board.taskCount();
        for (uint256 i; i < handler.agentCount(); ++i) {
            uint256 agentId = handler.agents(i);
            uint256 owed;
            for (uint256 id = 1; id <= count; ++id) {
                ITaskBoard.TaskView memory t = board.getTask(id);
                if ((uint8(t.status) == 2 || uint8(t.status) == 4) && t.claimant == agentId) owed += t.abandonSlash;
            }
            assertEq(handler.stakes().lockedOf(agentId), owed, "locked != abandonSlash of held tasks");
        }
    }

    /// @dev No agent ever unstakes and withdraws its way out of what it owes: after any attempt it
    /// keeps at least its locked stake (or all it had, when less).
    function invariant_noAgentLeavesWithStakeItOwes() public view {
        assertEq(handler.escapedObligations(), 0, "an agent left with stake it owed");
    }

    /// @dev No claim lands for an agent its task's poster is a key of, and TaskBoard is no agent's key.
    function invariant_noSelfDealing() public view {
        assertEq(handler.ownAgentClaims(), 0, "the poster's own agent claimed its task");
        for (uint256 i; i < handler.agentCount(); ++i) {
            assertTrue(!handler.identity().isAuthorized(address(handler.board()), handler.agents(i)), "TaskBoard is an agent's key");
        }
    }
}
