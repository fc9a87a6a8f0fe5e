// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IdentityRegistry} from "../../../contracts/identity/IdentityRegistry.sol";
import {ITaskBoard} from "../../../contracts/interfaces/ITaskBoard.sol";
import {ReputationRegistry} from "../../../contracts/reputation/ReputationRegistry.sol";
import {StakeManager} from "../../../contracts/staking/StakeManager.sol";
import {TaskBoard} from "../../../contracts/tasks/TaskBoard.sol";
import {StakeToken} from "../../../contracts/token/StakeToken.sol";
import {Test, Vm} from "../../utils/Test.sol";

/**
 * @notice The narrow set of actions the invariant fuzzer may take on TaskBoard: post (ETH or token,
 * with or without bond, flat or rising reward), claim (by any agent, whatever the task's status),
 * renew, submit, hand off, escalate and resolve, accept, reject, reclaim, cancel, expire, withdraw,
 * and let time pass. Ghost variables record what the properties need.
 */
contract TaskBoardHandler {
    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));
    bytes32 internal constant CAP = keccak256("work");
    uint256 internal constant AGENTS = 3;
    address public constant POSTER = address(0xB0B);
    address public constant TREASURY = address(0x7EA5);

    IdentityRegistry public immutable identity;
    StakeToken public immutable token;
    StakeManager public immutable stakes;
    TaskBoard public immutable board;

    uint256[] public agents;
    mapping(uint256 agentId => address) public ownerOf;

    // Ghosts.
    uint256 public doubleClaims;
    uint256 public escrowedEver; // maxReward of every task posted
    uint256 public rewardsPaid; // lockedReward of every accepted task
    uint256 public overpaid; // accepted tasks whose locked reward exceeded their maxReward

    constructor() {
        identity = new IdentityRegistry();
        token = new StakeToken();
        stakes = new StakeManager(identity, token, 1 days, address(this));
        ReputationRegistry reputation = new ReputationRegistry(identity);
        board = new TaskBoard(identity, stakes, reputation, TREASURY);
        stakes.grantRole(stakes.SLASHER_ROLE(), address(board));
        bytes32[] memory caps = new bytes32[](1);
        caps[0] = CAP;
        for (uint256 i; i < AGENTS; ++i) {
            address owner = address(uint160(0xA000 + i));
            vm.startPrank(owner);
            uint256 agentId = identity.register();
            identity.setCapabilities(agentId, caps);
            vm.stopPrank();
            token.faucet(owner, 1_000e18);
            vm.prank(owner);
            token.approve(address(stakes), type(uint256).max);
            vm.prank(owner);
            stakes.stake(agentId, 100e18);
            vm.prank(owner);
            token.approve(address(board), type(uint256).max);
            vm.deal(owner, 1_000 ether);
            agents.push(agentId);
            ownerOf[agentId] = owner;
        }
        token.faucet(POSTER, 1_000_000e18);
        vm.prank(POSTER);
        token.approve(address(board), type(uint256).max);
        vm.deal(POSTER, 1_000_000 ether);
    }

    function agentCount() external view returns (uint256) {
        return agents.length;
    }

    function _task(uint256 seed) internal view returns (uint256 taskId) {
        uint256 count = board.taskCount();
        return count == 0 ? 0 : 1 + seed % count;
    }

    function post(uint64 reward, uint64 extra, uint64 bond, bool useToken, uint32 window) external {
        ITaskBoard.TaskSpec memory spec;
        spec.capability = CAP;
        spec.specURI = "ipfs://fuzz";
        spec.rewardToken = useToken ? address(token) : address(0);
        spec.reward = reward;
        spec.maxReward = uint256(reward) + extra % 1e18;
        spec.claimBond = bond % 1e17;
        spec.minStake = 1e18;
        spec.abandonSlash = bond % 3 == 0 ? 1e18 : 0;
        spec.leaseDuration = 600;
        spec.deadline = uint64(block.timestamp) + 60 + window % 7 days;
        spec.reviewWindow = 300;
        vm.prank(POSTER);
        board.postTask{value: useToken ? 0 : spec.maxReward}(spec);
        escrowedEver += spec.maxReward;
    }

    function claim(uint256 taskSeed, uint256 agentSeed) external {
        uint256 taskId = _task(taskSeed);
        if (taskId == 0) return;
        uint256 agentId = agents[agentSeed % AGENTS];
        ITaskBoard.TaskView memory before = board.getTask(taskId);
        uint256 value = before.rewardToken == address(0) ? before.claimBond : 0;
        vm.prank(ownerOf[agentId]);
        try board.claim{value: value}(taskId, agentId) {
            // A claim may only ever succeed on an open task.
            if (before.status != 1) ++doubleClaims;
        } catch {}
    }

    function _claimant(uint256 taskId) internal view returns (ITaskBoard.TaskView memory t, address owner) {
        t = board.getTask(taskId);
        owner = ownerOf[t.claimant];
    }

    function renew(uint256 taskSeed) external {
        uint256 taskId = _task(taskSeed);
        if (taskId == 0) return;
        (ITaskBoard.TaskView memory t, address owner) = _claimant(taskId);
        vm.prank(owner);
        try board.renewLease(taskId, t.attempt) {} catch {}
    }

    function submit(uint256 taskSeed) external {
        uint256 taskId = _task(taskSeed);
        if (taskId == 0) return;
        (ITaskBoard.TaskView memory t, address owner) = _claimant(taskId);
        vm.prank(owner);
        try board.submit(taskId, t.attempt, "ipfs://result", bytes32(0)) {} catch {}
    }

    function handoff(uint256 taskSeed, uint256 agentSeed) external {
        uint256 taskId = _task(taskSeed);
        if (taskId == 0) return;
        (ITaskBoard.TaskView memory t, address owner) = _claimant(taskId);
        vm.prank(owner);
        try board.handoff(taskId, t.attempt, agents[agentSeed % AGENTS], "") {} catch {}
    }

    function acceptHandoff(uint256 taskSeed) external {
        uint256 taskId = _task(taskSeed);
        if (taskId == 0) return;
        uint256 to = board.pendingHandoff(taskId);
        if (to == 0) return;
        ITaskBoard.TaskView memory t = board.getTask(taskId);
        vm.prank(ownerOf[to]);
        try board.acceptHandoff{value: t.rewardToken == address(0) ? t.claimBond : 0}(taskId, to) {} catch {}
    }

    function escalate(uint256 taskSeed) external {
        uint256 taskId = _task(taskSeed);
        if (taskId == 0) return;
        (ITaskBoard.TaskView memory t, address owner) = _claimant(taskId);
        vm.prank(owner);
        try board.escalate(taskId, t.attempt, "ipfs://question") {} catch {}
    }

    function resolve(uint256 taskSeed, bool resume) external {
        uint256 taskId = _task(taskSeed);
        if (taskId == 0) return;
        vm.prank(POSTER);
        try board.resolveEscalation(taskId, "ipfs://answer", resume) {} catch {}
    }

    function accept(uint256 taskSeed, bool byPoster) external {
        uint256 taskId = _task(taskSeed);
        if (taskId == 0) return;
        ITaskBoard.TaskView memory t = board.getTask(taskId);
        vm.prank(byPoster ? POSTER : address(0xCAFE));
        try board.accept(taskId) {
            rewardsPaid += t.lockedReward;
            if (t.lockedReward > t.maxReward) ++overpaid;
        } catch {}
    }

    function reject(uint256 taskSeed) external {
        uint256 taskId = _task(taskSeed);
        if (taskId == 0) return;
        vm.prank(POSTER);
        try board.reject(taskId, "ipfs://why") {} catch {}
    }

    function reclaim(uint256 taskSeed) external {
        uint256 taskId = _task(taskSeed);
        if (taskId == 0) return;
        try board.reclaim(taskId) {} catch {}
    }

    function cancel(uint256 taskSeed) external {
        uint256 taskId = _task(taskSeed);
        if (taskId == 0) return;
        vm.prank(POSTER);
        try board.cancel(taskId) {} catch {}
    }

    function expire(uint256 taskSeed) external {
        uint256 taskId = _task(taskSeed);
        if (taskId == 0) return;
        try board.expire(taskId) {} catch {}
    }

    function withdraw(uint256 accountSeed, bool useToken) external {
        uint256 i = accountSeed % (AGENTS + 1);
        address account = i == AGENTS ? POSTER : ownerOf[agents[i]];
        vm.prank(account);
        try board.withdrawCredit(useToken ? address(token) : address(0)) {} catch {}
    }

    function passTime(uint32 secondsAhead) external {
        vm.warp(block.timestamp + secondsAhead % 2 hours);
    }
}

/// @notice TaskBoard's money and claim properties, one per invariant.
contract TaskBoardInvariantTest is Test {
    TaskBoardHandler internal handler;
    TaskBoard internal board;

    function setUp() public {
        handler = new TaskBoardHandler();
        board = handler.board();
        targetContract(address(handler));
    }

    /// @dev For every token, the balance equals escrow (rewards and bonds) plus unwithdrawn credits.
    function invariant_balanceEqualsEscrowPlusCredits() public view {
        assertEq(address(board).balance, board.totalEscrowed(address(0)) + board.totalCredits(address(0)), "ETH");
        address token = address(handler.token());
        assertEq(
            handler.token().balanceOf(address(board)), board.totalEscrowed(token) + board.totalCredits(token), "ERC-20"
        );
    }

    /// @dev The escrow equals what live tasks hold: maxReward per unsettled task and a bond per claim.
    function invariant_escrowMatchesTheTasks() public view {
        uint256 eth;
        uint256 tok;
        uint256 count = board.taskCount();
        for (uint256 id = 1; id <= count; ++id) {
            ITaskBoard.TaskView memory t = board.getTask(id);
            if (t.status >= 5) continue; // accepted, cancelled, expired: settled
            uint256 held = t.maxReward;
            if (t.status >= 2 && t.status <= 4) held += t.claimBond;
            if (t.rewardToken == address(0)) eth += held;
            else tok += held;
        }
        assertEq(board.totalEscrowed(address(0)), eth, "ETH escrow");
        assertEq(board.totalEscrowed(address(handler.token())), tok, "token escrow");
    }

    /// @dev A task never has two claimants: no claim ever succeeds on a task that is not open, and a
    /// claimant is recorded exactly while the task is claimed, submitted or escalated.
    function invariant_neverTwoClaimants() public view {
        assertEq(handler.doubleClaims(), 0, "a claim succeeded on a task that was not open");
        uint256 count = board.taskCount();
        for (uint256 id = 1; id <= count; ++id) {
            ITaskBoard.TaskView memory t = board.getTask(id);
            bool held = t.status >= 2 && t.status <= 4;
            assertTrue(held == (t.claimant != 0) || (t.status == 5 && t.claimant != 0), "claimant out of step with status");
        }
    }

    /// @dev Rewards paid never exceed rewards escrowed, in total and per task.
    function invariant_rewardsPaidNeverExceedEscrowed() public view {
        assertTrue(handler.rewardsPaid() <= handler.escrowedEver(), "paid more than escrowed");
        assertEq(handler.overpaid(), 0, "a task paid more than its maxReward");
    }
}
