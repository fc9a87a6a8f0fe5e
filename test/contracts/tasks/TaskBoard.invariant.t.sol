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
 * with or without bond and slash, flat or rising reward), claim (by any agent, whatever the task's
 * status), renew, submit, hand off, escalate and resolve, accept, reject, reclaim, cancel, expire,
 * withdraw, and let time pass — and the attacker's moves: ERC-721 approvals of TaskBoard, of a
 * stranger and of the poster (and their revocation), the poster made an agent's wallet, a handoff
 * ping-pong between two agents of one owner, unstaking and withdrawing while holding a task,
 * escalations left unanswered (and expired), and the poster's own agent trying to claim. Ghost
 * variables record what the properties need.
 */
contract TaskBoardHandler {
    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));
    bytes32 internal constant CAP = keccak256("work");
    uint256 internal constant POSTER_KEY = 0xB0B;
    address public constant TREASURY = address(0x7EA5);
    address public constant STRANGER = address(0x5757);
    ITaskBoard.TaskStatus internal constant OPEN = ITaskBoard.TaskStatus.Open; // 1;
    ITaskBoard.TaskStatus internal constant CLAIMED = ITaskBoard.TaskStatus.Claimed; // 2;
    ITaskBoard.TaskStatus internal constant SUBMITTED = ITaskBoard.TaskStatus.Submitted; // 3;
    ITaskBoard.TaskStatus internal constant ESCALATED = ITaskBoard.TaskStatus.Escalated; // 4;

    address public immutable POSTER;
    IdentityRegistry public immutable identity;
    StakeToken public immutable token;
    StakeManager public immutable stakes;
    TaskBoard public immutable board;

    /// @dev Agents 0-2 have distinct owners, agent 3 is a second agent of agent 0's owner, agent 4 is the poster's own.
    uint256[] public agents;
    mapping(uint256 agentId => address) public ownerOf;

    // Ghosts.
    uint256 public doubleClaims;
    uint256 public escrowedEver; // maxReward of every task posted
    uint256 public rewardsPaid; // lockedReward of every accepted task
    uint256 public overpaid; // accepted tasks whose locked reward exceeded their maxReward
    uint256 public ownAgentClaims; // claims that landed for an agent the poster is a key of
    uint256 public paidDespiteTimelyReject; // accepted attempts whose poster tried to reject in time
    uint256 public slashShortfalls; // reclaims that slashed less than the task's abandonSlash
    mapping(uint256 taskId => mapping(uint32 attempt => bool)) public rejectRefused;
    mapping(uint256 taskId => uint256) public lastResumedAt;

    constructor() {
        POSTER = vm.addr(POSTER_KEY);
        identity = new IdentityRegistry();
        token = new StakeToken();
        stakes = new StakeManager(identity, token, 1 days, address(this));
        ReputationRegistry reputation = new ReputationRegistry(identity);
        board = new TaskBoard(identity, stakes, reputation, TREASURY);
        stakes.grantRole(stakes.SLASHER_ROLE(), address(board));
        address[5] memory owners = [address(0xA000), address(0xA001), address(0xA002), address(0xA000), POSTER];
        for (uint256 i; i < owners.length; ++i) {
            agents.push(_agent(owners[i]));
        }
        token.faucet(POSTER, 1_000_000e18);
        vm.prank(POSTER);
        token.approve(address(board), type(uint256).max);
        vm.deal(POSTER, 1_000_000 ether);
    }

    function _agent(address owner) internal returns (uint256 agentId) {
        bytes32[] memory caps = new bytes32[](1);
        caps[0] = CAP;
        vm.startPrank(owner);
        agentId = identity.register();
        identity.setCapabilities(agentId, caps);
        vm.stopPrank();
        token.faucet(owner, 1_000e18);
        vm.startPrank(owner);
        token.approve(address(stakes), type(uint256).max);
        stakes.stake(agentId, 100e18);
        token.approve(address(board), type(uint256).max);
        vm.stopPrank();
        vm.deal(owner, 1_000 ether);
        ownerOf[agentId] = owner;
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
        spec.abandonSlash = bond % 3 == 0 ? 30e18 : 0;
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
        uint256 agentId = agents[agentSeed % agents.length];
        ITaskBoard.TaskView memory before = board.getTask(taskId);
        uint256 value = before.rewardToken == address(0) ? before.claimBond : 0;
        bool own = identity.isAuthorized(POSTER, agentId);
        vm.prank(ownerOf[agentId]);
        try board.claim{value: value}(taskId, agentId) {
            // A claim may only ever succeed on an open task.
            if (before.status != OPEN) ++doubleClaims;
            if (own) ++ownAgentClaims;
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
        try board.handoff(taskId, t.attempt, agents[agentSeed % agents.length], "") {} catch {}
    }

    function acceptHandoff(uint256 taskSeed) external {
        uint256 taskId = _task(taskSeed);
        if (taskId == 0) return;
        uint256 to = board.pendingHandoff(taskId);
        if (to == 0) return;
        ITaskBoard.TaskView memory t = board.getTask(taskId);
        bool own = identity.isAuthorized(POSTER, to);
        vm.prank(ownerOf[to]);
        try board.acceptHandoff{value: t.rewardToken == address(0) ? t.claimBond : 0}(taskId, to) {
            if (own) ++ownAgentClaims;
        } catch {}
    }

    /// @dev The attacker's loop: the task handed back and forth between two agents of one owner,
    /// `rounds` times, half a lease apart.
    function pingPong(uint256 taskSeed, uint8 rounds) external {
        uint256 taskId = _task(taskSeed);
        if (taskId == 0) return;
        (uint256 a, uint256 b) = (agents[0], agents[3]);
        for (uint256 i; i < rounds % 16; ++i) {
            ITaskBoard.TaskView memory t = board.getTask(taskId);
            if (t.status != CLAIMED || (t.claimant != a && t.claimant != b)) return;
            uint256 next = t.claimant == a ? b : a;
            vm.startPrank(ownerOf[a]);
            try board.handoff(taskId, t.attempt, next, "") {} catch {}
            try board.acceptHandoff{value: t.rewardToken == address(0) ? t.claimBond : 0}(taskId, next) {} catch {}
            vm.stopPrank();
            vm.warp(block.timestamp + 300);
        }
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
        try board.resolveEscalation(taskId, "ipfs://answer", resume) {
            if (resume) lastResumedAt[taskId] = block.timestamp;
        } catch {}
    }

    /// @dev An escalation left unanswered, ended by anyone.
    function expireEscalation(uint256 taskSeed) external {
        uint256 taskId = _task(taskSeed);
        if (taskId == 0) return;
        vm.prank(STRANGER);
        try board.expireEscalation(taskId) {} catch {}
    }

    function accept(uint256 taskSeed, bool byPoster) external {
        uint256 taskId = _task(taskSeed);
        if (taskId == 0) return;
        ITaskBoard.TaskView memory t = board.getTask(taskId);
        // By the poster or, after the window, by anyone: the claimant's own owner included.
        vm.prank(byPoster ? POSTER : ownerOf[t.claimant] == address(0) ? STRANGER : ownerOf[t.claimant]);
        try board.accept(taskId) {
            rewardsPaid += t.lockedReward;
            if (t.lockedReward > t.maxReward) ++overpaid;
            if (rejectRefused[taskId][t.attempt]) ++paidDespiteTimelyReject;
        } catch {}
    }

    function reject(uint256 taskSeed) external {
        uint256 taskId = _task(taskSeed);
        if (taskId == 0) return;
        ITaskBoard.TaskView memory t = board.getTask(taskId);
        vm.prank(POSTER);
        try board.reject(taskId, "ipfs://why") {}
        catch {
            // The poster rejected a submission in time and was refused: it must never be paid.
            if (t.status == SUBMITTED && block.timestamp < t.timer) rejectRefused[taskId][t.attempt] = true;
        }
    }

    function reclaim(uint256 taskSeed) external {
        uint256 taskId = _task(taskSeed);
        if (taskId == 0) return;
        ITaskBoard.TaskView memory t = board.getTask(taskId);
        uint256 before = token.balanceOf(TREASURY);
        vm.prank(STRANGER);
        try board.reclaim(taskId) {
            if (token.balanceOf(TREASURY) - before != t.abandonSlash) ++slashShortfalls;
        } catch {}
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
        uint256 i = accountSeed % (agents.length + 1);
        address account = i == agents.length ? POSTER : ownerOf[agents[i]];
        vm.prank(account);
        try board.withdrawCredit(useToken ? address(token) : address(0)) {} catch {}
    }

    // ---------------------------------------------------------------- the attacker's ERC-721 moves

    /// @dev An owner tries to make TaskBoard its agent's key (token approval or operator).
    function approveBoard(uint256 agentSeed, bool all) external {
        _approve(agentSeed, address(board), all, false);
    }

    /// @dev An owner approves, or revokes, a stranger.
    function approveStranger(uint256 agentSeed, bool all, bool revoke) external {
        _approve(agentSeed, STRANGER, all, revoke);
    }

    /// @dev An owner approves, or revokes, the poster: its agent becomes (or stops being) the poster's own.
    function approvePoster(uint256 agentSeed, bool all, bool revoke) external {
        _approve(agentSeed, POSTER, all, revoke);
    }

    function _approve(uint256 agentSeed, address to, bool all, bool revoke) internal {
        uint256 agentId = agents[agentSeed % agents.length];
        vm.startPrank(ownerOf[agentId]);
        if (all) {
            try identity.setApprovalForAll(to, !revoke) {} catch {}
        } else {
            try identity.approve(revoke ? address(0) : to, agentId) {} catch {}
        }
        vm.stopPrank();
    }

    /// @dev The poster becomes an agent's wallet (its own agent then), or the wallet is unset.
    function walletPoster(uint256 agentSeed, bool unset) external {
        uint256 agentId = agents[agentSeed % agents.length];
        address owner = ownerOf[agentId];
        vm.startPrank(owner);
        if (unset) {
            try identity.unsetAgentWallet(agentId) {} catch {}
        } else {
            uint256 deadline = block.timestamp + 60;
            bytes32 structHash = keccak256(abi.encode(identity.AGENT_WALLET_SET_TYPEHASH(), agentId, POSTER, owner, deadline));
            (, string memory name, string memory version, uint256 chainId, address verifying,,) = identity.eip712Domain();
            bytes32 domain = keccak256(
                abi.encode(
                    keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"),
                    keccak256(bytes(name)),
                    keccak256(bytes(version)),
                    chainId,
                    verifying
                )
            );
            (uint8 v, bytes32 r, bytes32 s) = vm.sign(POSTER_KEY, keccak256(abi.encodePacked("\x19\x01", domain, structHash)));
            try identity.setAgentWallet(agentId, POSTER, deadline, abi.encodePacked(r, s, v)) {} catch {}
        }
        vm.stopPrank();
    }

    // ---------------------------------------------------------------- leaving with stake

    /// @dev A claimant unstakes (all or part) while it may hold tasks.
    function unstake(uint256 agentSeed, uint96 amount) external {
        uint256 agentId = agents[agentSeed % agents.length];
        uint256 active = stakes.stakeOf(agentId);
        if (active == 0) return;
        vm.prank(ownerOf[agentId]);
        try stakes.requestUnstake(agentId, 1 + uint256(amount) % active) {} catch {}
    }

    function withdrawStake(uint256 agentSeed) external {
        uint256 agentId = agents[agentSeed % agents.length];
        vm.prank(ownerOf[agentId]);
        try stakes.withdraw(agentId) {} catch {}
    }

    function passTime(uint32 secondsAhead) external {
        vm.warp(block.timestamp + secondsAhead % 2 hours);
    }

    /// @dev Long silences: review windows, escalations and deadlines run out.
    function passLongTime(uint32 secondsAhead) external {
        vm.warp(block.timestamp + secondsAhead % 3 days);
    }
}

/// @notice TaskBoard's money, claim and obligation properties, one per invariant.
contract TaskBoardInvariantTest is Test {
    /// @dev Carries a recovery probe's verdict out of the reverted call that made it.
    error Recovered(bool ok, uint8 status);

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
            if (uint8(t.status) >= 5) continue; // accepted, cancelled, expired: settled
            uint256 held = t.maxReward;
            if (uint8(t.status) >= 2 && uint8(t.status) <= 4) held += t.claimBond;
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
            bool held = uint8(t.status) >= 2 && uint8(t.status) <= 4;
            assertTrue(held == (t.claimant != 0) || (uint8(t.status) == 5 && t.claimant != 0), "claimant out of step with status");
        }
    }

    /// @dev Rewards paid never exceed rewards escrowed, in total and per task.
    function invariant_rewardsPaidNeverExceedEscrowed() public view {
        assertTrue(handler.rewardsPaid() <= handler.escrowedEver(), "paid more than escrowed");
        assertEq(handler.overpaid(), 0, "a task paid more than its maxReward");
    }

    /// @dev TaskBoard is never an agent's key, whatever approvals the owners tried (F1).
    function invariant_taskBoardIsNoAgentsKey() public view {
        for (uint256 i; i < handler.agentCount(); ++i) {
            assertTrue(!handler.identity().isAuthorized(address(board), handler.agents(i)), "TaskBoard is an agent's key");
        }
    }

    /// @dev No claimant is paid for an attempt its poster tried to reject within the review window (F1).
    function invariant_noClaimantPaidForATimelyRejection() public view {
        assertEq(handler.paidDespiteTimelyReject(), 0, "paid for a submission its poster rejected in time");
    }

    /// @dev The claimant's own acts (renewals, handoffs) never keep a lease past the deadline by more
    /// than one lease: only the approver's resumption restarts the clock (F2).
    function invariant_leaseBoundedByTheDeadline() public view {
        uint256 count = board.taskCount();
        for (uint256 id = 1; id <= count; ++id) {
            ITaskBoard.TaskView memory t = board.getTask(id);
            if (uint8(t.status) != 2) continue;
            uint256 from = t.deadline > handler.lastResumedAt(id) ? t.deadline : handler.lastResumedAt(id);
            assertTrue(t.timer <= from + t.leaseDuration, "a lease runs past the deadline");
        }
    }

    /// @dev Every unsettled task's escrow can be recovered by a stranger alone once the deadline (or
    /// the approver's last resumption), a lease, an escalation window and a review window have
    /// passed: expireEscalation, reclaim, accept and expire settle it (F1, F2, F7).
    function invariant_escrowRecoverableByAStranger() public {
        uint256 now_ = block.timestamp;
        uint256 count = board.taskCount();
        for (uint256 id = 1; id <= count; ++id) {
            if (uint8(board.getTask(id).status) >= 5) continue;
            try this.probeRecovery(id) {}
            catch (bytes memory result) {
                vm.warp(now_);
                if (bytes4(result) != Recovered.selector) revert AssertionFailed("recovery probe failed");
                (bool ok, uint8 status) = abi.decode(_tail(result), (bool, uint8));
                if (!ok) revert NotEqualUint("escrow of a task stuck in status", status, 7);
            }
        }
    }

    /// @dev Runs the stranger's recovery of `id` far enough in the future, then reverts with the
    /// verdict (so that nothing it did persists).
    function probeRecovery(uint256 id) external {
        ITaskBoard.TaskView memory t = board.getTask(id);
        uint256 from = t.deadline > handler.lastResumedAt(id) ? t.deadline : handler.lastResumedAt(id);
        uint256 window = t.reviewWindow > 1 hours ? t.reviewWindow : 1 hours;
        uint256 at = from + t.leaseDuration + window + t.reviewWindow + 1;
        if (block.timestamp < at) vm.warp(at);
        vm.startPrank(handler.STRANGER());
        if (uint8(board.getTask(id).status) == 4) try board.expireEscalation(id) {} catch {}
        if (uint8(board.getTask(id).status) == 2) try board.reclaim(id) {} catch {}
        if (uint8(board.getTask(id).status) == 3) try board.accept(id) {} catch {}
        if (uint8(board.getTask(id).status) == 1) try board.expire(id) {} catch {}
        vm.stopPrank();
        uint8 status = uint8(board.getTask(id).status);
        revert Recovered(status == 5 || status == 7, status);
    }

    /// @dev No claim (or handoff) ever lands for an agent the poster is a key of (F5).
    function invariant_noClaimByThePostersOwnAgent() public view {
        assertEq(handler.ownAgentClaims(), 0, "the poster's own agent claimed its task");
    }

    /// @dev No claimant leaves with stake it owes: each agent's locked stake is the abandonSlash of
    /// the tasks it holds (claimed or escalated), its active stake covers it, and every reclaim
    /// slashed the whole abandonSlash (F3).
    function invariant_noClaimantLeavesWithStakeItOwes() public view {
        assertEq(handler.slashShortfalls(), 0, "a reclaim slashed less than the abandonSlash");
        StakeManager stakes = handler.stakes();
        uint256 count = board.taskCount();
        for (uint256 i; i < handler.agentCount(); ++i) {
            uint256 agentId = handler.agents(i);
            uint256 owed;
            for (uint256 id = 1; id <= count; ++id) {
                ITaskBoard.TaskView memory t = board.getTask(id);
                if ((uint8(t.status) == 2 || uint8(t.status) == 4) && t.claimant == agentId) owed += t.abandonSlash;
            }
            assertEq(stakes.lockedOf(agentId), owed, "locked stake != abandonSlash of held tasks");
            assertTrue(stakes.stakeOf(agentId) >= owed, "active stake below what the agent owes");
        }
    }

    function _tail(bytes memory data) private pure returns (bytes memory out) {
        out = new bytes(data.length - 4);
        for (uint256 i; i < out.length; ++i) {
            out[i] = data[i + 4];
        }
    }
}
