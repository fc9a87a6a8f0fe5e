// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {AgentAuth} from "../identity/AgentAuth.sol";
import {IIdentityRegistry} from "../interfaces/IIdentityRegistry.sol";
import {IReputationRegistry} from "../interfaces/IReputationRegistry.sol";
import {IStakeManager} from "../interfaces/IStakeManager.sol";
import {ITaskBoard} from "../interfaces/ITaskBoard.sol";
import {PackedBytes} from "../libraries/PackedBytes.sol";
import {TaskState, TaskStateLib} from "./TaskState.sol";

/**
 * @title TaskBoard
 * @notice Work claims with escrow, leases, handoffs, escalation and schedules. Every status change
 * goes through {_setState}, which writes the task's one hot word; events follow the write, and
 * external calls (tokens, stake, reputation) come last.
 *
 * Money: a task escrows `maxReward` (and holds each claimant's bond); it leaves only as credits
 * that accounts pull with {withdrawCredit}. For every token, this contract's balance equals
 * {totalEscrowed} + {totalCredits}. Fee-on-transfer and rebasing tokens are rejected at the
 * transfer that would lose the difference.
 *
 * Defences (see SECURITY.md): settlement never depends on the reputation write ({_feedback});
 * TaskBoard registers itself in the IdentityRegistry as a protocol contract, so it is never an
 * agent's key; a claim locks the claimant's `abandonSlash` in the StakeManager until the claim
 * ends; a poster's own agents cannot claim its tasks; a handoff never extends a task past its
 * deadline; an escalation lasts at most the approver's window; leases last at least
 * {MIN_LEASE_DURATION}; abandonment slashes go to the treasury, not to the poster.
 */
contract TaskBoard is ITaskBoard, AgentAuth, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;
    using PackedBytes for PackedBytes.Bytes;

    /// @notice Longest lease, review window or schedule round window.
    uint64 public constant MAX_DURATION = 365 days;
    /// @notice Shortest lease: long enough for a renewal to land on any chain (no trap leases).
    uint64 public constant MIN_LEASE_DURATION = 30 seconds;
    /// @notice Shortest time an approver has to answer an escalation (otherwise its review window).
    uint64 public constant MIN_ESCALATION_WINDOW = 1 hours;
    /// @notice Most rounds in one schedule.
    uint32 public constant MAX_ROUNDS = 10_000;
    /// @notice Gas the reputation write may use; a settlement never depends on more.
    uint256 public constant FEEDBACK_GAS = 250_000;

    bytes32 private constant ABANDONED = "abandoned";

    /**
     * @dev A task. Slot 1 is the hot word (an open task's claim window and lease are in it); a claim
     * also reads slot 6 (poster and minimum stake), slot 4 only when the task needs a capability,
     * slot 5 only when it takes a bond or slashes, slot 3 only when its reward rises.
     */
    struct Task {
        // slot 1
        TaskState state;
        // slot 2: | 72 unused | 40 answerBy | 32 reviewWindow | 32 leaseDuration | 40 deadline | 40 notBefore |
        uint40 notBefore;
        uint40 deadline;
        uint32 leaseDuration;
        uint32 reviewWindow;
        /// The current escalation's answer deadline (meaningful while Escalated).
        uint40 answerBy;
        // slot 3: | 24 unused | 40 postedAt | 96 maxReward | 96 reward |
        uint96 reward;
        uint96 maxReward;
        uint40 postedAt;
        // slot 4
        bytes32 capability;
        // slot 5: | 24 unused | 104 abandonSlash | 128 claimBond |
        uint128 claimBond;
        uint104 abandonSlash;
        // slot 6: | 96 minStake | 160 poster |
        address poster;
        uint96 minStake;
        // slots 7-8
        address rewardToken;
        address approver;
    }

    /// @dev A schedule; its template is a {Task} (times relative: `deadline` is the round's window).
    struct Schedule {
        address poster;
        uint40 firstAt;
        uint40 interval;
        uint32 count;
        uint32 spawned;
        bool cancelled;
    }

    IStakeManager private immutable _stakes;
    IReputationRegistry private immutable _reputation;
    address private immutable _treasury;

    uint256 private _taskCount;
    uint256 private _scheduleCount;
    mapping(uint256 taskId => Task) private _tasks;
    /// @dev A pending handoff: `(attempt << 64) | toAgentId`, valid only while that attempt is current.
    mapping(uint256 taskId => uint256 offer) private _handoffs;
    mapping(uint256 scheduleId => Schedule) private _schedules;
    mapping(uint256 scheduleId => Task) private _templates;
    mapping(uint256 scheduleId => PackedBytes.Bytes) private _templateURIs;
    mapping(uint256 scheduleId => bytes32) private _templateHashes;
    mapping(uint256 scheduleId => mapping(uint32 round => uint256 taskId)) private _rounds;
    mapping(address account => mapping(address token => uint256)) private _credits;
    mapping(address token => uint256) private _escrowed;
    mapping(address token => uint256) private _creditTotals;

    /**
     * @notice Deploys the board and registers it in `identity` as a protocol contract.
     * @param identity The IdentityRegistry agents are authorised against; TaskBoard registers itself
     * there as a protocol contract, so no approval can make it an agent's key.
     * @param stakes The StakeManager (TaskBoard needs its slasher role).
     * @param reputation The ReputationRegistry TaskBoard writes feedback to as a client.
     * @param treasury Receiver of abandonment slashes.
     */
    constructor(IIdentityRegistry identity, IStakeManager stakes, IReputationRegistry reputation, address treasury)
        AgentAuth(identity)
    {
        if (treasury == address(0)) revert ZeroTreasury();
        _stakes = stakes;
        _reputation = reputation;
        _treasury = treasury;
        identity.registerProtocolContract();
    }

    // ================================================================ posting

    /// @inheritdoc ITaskBoard
    function postTask(TaskSpec calldata spec) external payable nonReentrant returns (uint256 taskId) {
        uint64 notBefore = spec.notBefore == 0 ? uint64(block.timestamp) : spec.notBefore;
        uint64 earliest = notBefore > block.timestamp ? notBefore : uint64(block.timestamp);
        if (spec.deadline <= earliest) revert DeadlineTooEarly(spec.deadline, earliest);
        _validate(spec);
        taskId = ++_taskCount;
        Task storage task = _tasks[taskId];
        _store(task, spec, msg.sender);
        task.notBefore = uint40(notBefore);
        task.deadline = uint40(spec.deadline);
        task.postedAt = uint40(block.timestamp);
        // The lease fits 32 bits (at most MAX_DURATION), the deadline 40 (checked in _validate).
        task.state = TaskStateLib.open(
            _flags(spec), 0, uint40(notBefore), uint40(spec.deadline), uint32(spec.leaseDuration), uint96(spec.reward)
        );
        emit TaskPosted(taskId, msg.sender, spec.capability, _absolute(spec, notBefore, spec.deadline), 0, 0);
        _collect(spec.rewardToken, spec.maxReward);
    }

    /// @inheritdoc ITaskBoard
    function createSchedule(TaskSpec calldata template, uint64 firstAt, uint64 interval, uint32 count)
        external
        payable
        nonReentrant
        returns (uint256 scheduleId)
    {
        if (count == 0 || count > MAX_ROUNDS) revert TermOutOfRange(Term.Count, count, 1, MAX_ROUNDS);
        if (interval > MAX_DURATION || (count > 1 && interval == 0)) {
            revert TermOutOfRange(Term.Interval, interval, count > 1 ? 1 : 0, MAX_DURATION);
        }
        // span <= MAX_DURATION * MAX_ROUNDS < 2^40: the subtraction cannot underflow.
        uint256 latest = type(uint40).max - uint256(interval) * count;
        if (firstAt > latest) revert TermOutOfRange(Term.FirstAt, firstAt, 0, latest);
        if (template.deadline == 0 || template.deadline > MAX_DURATION) {
            revert TermOutOfRange(Term.Window, template.deadline, 1, MAX_DURATION);
        }
        _validate(template);
        scheduleId = ++_scheduleCount;
        _schedules[scheduleId] = Schedule(msg.sender, uint40(firstAt), uint40(interval), count, 0, false);
        Task storage stored = _templates[scheduleId];
        _store(stored, template, msg.sender);
        stored.deadline = uint40(template.deadline); // the round window, relative
        stored.state = TaskStateLib.open(_flags(template), 0, 0, 0, 0, 0); // only its flags are read
        _templateURIs[scheduleId].store(bytes(template.specURI));
        _templateHashes[scheduleId] = template.specHash;
        emit ScheduleCreated(scheduleId, msg.sender, template, firstAt, interval, count);
        _collect(template.rewardToken, template.maxReward * count);
    }

    // ================================================================ claims

    /// @inheritdoc ITaskBoard
    /// @dev Not behind the reentrancy guard (it is the hot path): the claim is written before the only
    /// external call that could re-enter, the bond's transfer, and every other entry point is guarded.
    function claim(uint256 taskId, uint256 agentId) external payable {
        Task storage task = _tasks[taskId];
        TaskState state = task.state;
        if (state.status() != TaskStateLib.OPEN) _revertNotOpen(taskId, state);
        uint40 deadline = state.deadline();
        if (block.timestamp < state.notBefore()) revert TaskNotYetClaimable(taskId, state.notBefore());
        if (block.timestamp >= deadline) revert TaskPastDeadline(taskId, deadline);
        uint256 reward = state.has(TaskStateLib.FLAG_RAMP) ? _rewardAt(task, deadline) : state.lockedReward();
        _startClaim(taskId, task, state, agentId, reward, uint40(block.timestamp) + state.leaseDuration());
    }

    /// @inheritdoc ITaskBoard
    function claimScheduled(uint256 scheduleId, uint32 round, uint256 agentId)
        external
        payable
        nonReentrant
        returns (uint256 taskId)
    {
        Schedule storage schedule = _schedules[scheduleId];
        if (schedule.poster == address(0)) revert ScheduleNotFound(scheduleId);
        if (schedule.cancelled) revert ScheduleIsCancelled(scheduleId);
        if (round >= schedule.count) revert RoundOutOfRange(scheduleId, round, schedule.count);
        uint64 dueAt = uint64(schedule.firstAt) + uint64(schedule.interval) * round;
        if (block.timestamp < dueAt) revert RoundNotDue(scheduleId, round, dueAt);
        uint256 existing = _rounds[scheduleId][round];
        if (existing != 0) revert RoundAlreadySpawned(scheduleId, round, existing);

        Task storage template = _templates[scheduleId];
        uint64 deadline = dueAt + template.deadline;
        if (block.timestamp >= deadline) revert TaskPastDeadline(0, deadline);
        taskId = ++_taskCount;
        _rounds[scheduleId][round] = taskId;
        ++schedule.spawned;
        Task storage task = _tasks[taskId];
        _spawn(task, template, dueAt, deadline);
        emit TaskPosted(taskId, template.poster, template.capability, _specOf(scheduleId, task), scheduleId, round);
        TaskState state = task.state;
        uint256 reward = state.has(TaskStateLib.FLAG_RAMP) ? _rewardAt(task, uint40(deadline)) : state.lockedReward();
        _startClaim(taskId, task, state, agentId, reward, uint40(block.timestamp) + state.leaseDuration());
    }

    /// @inheritdoc ITaskBoard
    function acceptHandoff(uint256 taskId, uint256 agentId) external payable nonReentrant {
        Task storage task = _tasks[taskId];
        TaskState state = _requireStatus(taskId, task, TaskStateLib.CLAIMED);
        uint256 offer = _handoffs[taskId];
        uint256 offeredTo = uint64(offer);
        if (offer >> 64 != state.attempt() || offeredTo != agentId) revert HandoffNotOffered(taskId, agentId, offeredTo);
        uint40 leaseExpiry = state.timer();
        if (block.timestamp > leaseExpiry) revert LeaseExpired(taskId, leaseExpiry);
        delete _handoffs[taskId];
        // A handoff never extends the task past its deadline: the taker gets a fresh lease cut at
        // the deadline, or keeps the lease it takes over when that one already runs longer.
        uint40 fresh = uint40(block.timestamp) + task.leaseDuration;
        uint40 deadline = task.deadline;
        if (fresh > deadline) fresh = deadline;
        if (fresh > leaseExpiry) leaseExpiry = fresh;
        uint256 previous = state.claimant();
        uint256 bond = state.has(TaskStateLib.FLAG_BOND) ? task.claimBond : 0;
        _startClaim(taskId, task, state, agentId, state.lockedReward(), leaseExpiry);
        // The new claimant's bond and stake lock replace the old ones, which are released.
        _unlock(task, state, previous);
        if (bond != 0) _release(task.rewardToken, _payee(previous), bond, taskId);
    }

    // ================================================================ the claimant's acts

    /// @inheritdoc ITaskBoard
    function renewLease(uint256 taskId, uint32 attempt) external {
        (Task storage task, TaskState state) = _claimantAct(taskId, attempt);
        uint40 deadline = task.deadline;
        if (block.timestamp >= deadline) revert RenewalPastDeadline(taskId, deadline);
        uint40 leaseExpiry = uint40(block.timestamp) + task.leaseDuration;
        _setState(task, state.withStatus(TaskStateLib.CLAIMED, leaseExpiry));
        emit LeaseRenewed(taskId, state.claimant(), attempt, leaseExpiry);
    }

    /// @inheritdoc ITaskBoard
    function submit(uint256 taskId, uint32 attempt, string calldata resultURI, bytes32 resultHash) external {
        (Task storage task, TaskState state) = _claimantAct(taskId, attempt);
        uint40 reviewDeadline = uint40(block.timestamp) + task.reviewWindow;
        _setState(task, state.withStatus(TaskStateLib.SUBMITTED, reviewDeadline));
        emit TaskSubmitted(taskId, state.claimant(), attempt, resultURI, resultHash, reviewDeadline);
        // A submitted task can no longer be abandoned: its slash is no longer owed.
        _unlock(task, state, state.claimant());
    }

    /// @inheritdoc ITaskBoard
    function handoff(uint256 taskId, uint32 attempt, uint256 toAgentId, string calldata contextURI) external {
        (, TaskState state) = _claimantAct(taskId, attempt);
        uint256 from = state.claimant();
        if (toAgentId == from) revert HandoffToSelf(taskId, toAgentId);
        if (!_identity.exists(toAgentId)) revert AgentNotFound(toAgentId);
        _handoffs[taskId] = (uint256(attempt) << 64) | uint64(toAgentId);
        emit TaskHandedOff(taskId, from, toAgentId, attempt, contextURI);
    }

    /// @inheritdoc ITaskBoard
    function escalate(uint256 taskId, uint32 attempt, string calldata questionURI) external {
        (Task storage task, TaskState state) = _claimantAct(taskId, attempt);
        // The lease clock stops: keep the seconds left, restart them on resolution. The approver has
        // the task's review window (at least MIN_ESCALATION_WINDOW) to answer.
        uint40 remaining = state.timer() - uint40(block.timestamp);
        uint40 window = task.reviewWindow;
        if (window < MIN_ESCALATION_WINDOW) window = uint40(MIN_ESCALATION_WINDOW);
        uint40 answerBy = uint40(block.timestamp) + window;
        task.answerBy = answerBy;
        _setState(task, state.withStatus(TaskStateLib.ESCALATED, remaining));
        emit TaskEscalated(taskId, state.claimant(), attempt, questionURI, remaining, answerBy);
    }

    // ================================================================ the poster's and approver's acts

    /// @inheritdoc ITaskBoard
    function accept(uint256 taskId) external nonReentrant {
        Task storage task = _tasks[taskId];
        TaskState state = _requireStatus(taskId, task, TaskStateLib.SUBMITTED);
        bool byPoster = msg.sender == task.poster;
        if (!byPoster && block.timestamp < state.timer()) revert ReviewWindowOpen(taskId, state.timer());
        _setState(task, state.withStatus(TaskStateLib.ACCEPTED, 0));

        uint256 agentId = state.claimant();
        address token = task.rewardToken;
        uint256 reward = state.lockedReward();
        uint256 bond = state.has(TaskStateLib.FLAG_BOND) ? task.claimBond : 0;
        uint256 refund = task.maxReward - reward;
        address payee = _payee(agentId);
        emit TaskAccepted(taskId, agentId, state.attempt(), payee, reward, bond, refund, byPoster);
        _escrowed[token] -= task.maxReward + bond;
        _credit(payee, token, reward + bond, taskId);
        _credit(task.poster, token, refund, taskId);
        _feedback(taskId, agentId, 100, "accepted");
    }

    /// @inheritdoc ITaskBoard
    function reject(uint256 taskId, string calldata reasonURI) external nonReentrant {
        Task storage task = _tasks[taskId];
        TaskState state = _requireStatus(taskId, task, TaskStateLib.SUBMITTED);
        if (msg.sender != task.poster) revert NotPoster(taskId, msg.sender);
        if (block.timestamp >= state.timer()) revert ReviewWindowClosed(taskId, state.timer());
        uint256 agentId = _reopen(taskId, task, state);
        emit TaskRejected(taskId, agentId, state.attempt(), reasonURI);
        _feedback(taskId, agentId, 0, "rejected");
    }

    /// @inheritdoc ITaskBoard
    function resolveEscalation(uint256 taskId, string calldata answerURI, bool resume) external nonReentrant {
        Task storage task = _tasks[taskId];
        TaskState state = _requireStatus(taskId, task, TaskStateLib.ESCALATED);
        address approver = task.approver == address(0) ? task.poster : task.approver;
        if (msg.sender != approver) revert NotApprover(taskId, msg.sender);
        if (resume) {
            uint40 leaseExpiry = uint40(block.timestamp) + state.timer();
            _setState(task, state.withStatus(TaskStateLib.CLAIMED, leaseExpiry));
            emit EscalationResolved(taskId, answerURI, true, leaseExpiry);
        } else {
            uint256 agentId = _reopen(taskId, task, state);
            emit EscalationResolved(taskId, answerURI, false, 0);
            _unlock(task, state, agentId);
        }
    }

    /// @inheritdoc ITaskBoard
    function cancel(uint256 taskId) external nonReentrant {
        Task storage task = _tasks[taskId];
        TaskState state = _requireStatus(taskId, task, TaskStateLib.OPEN);
        if (msg.sender != task.poster) revert NotPoster(taskId, msg.sender);
        _setState(task, state.pack(TaskStateLib.CANCELLED, state.attempt(), 0, 0, state.lockedReward()));
        emit TaskCancelled(taskId, task.maxReward);
        _release(task.rewardToken, task.poster, task.maxReward, taskId);
    }

    /// @inheritdoc ITaskBoard
    function cancelSchedule(uint256 scheduleId) external nonReentrant {
        Schedule storage schedule = _schedules[scheduleId];
        if (schedule.poster == address(0)) revert ScheduleNotFound(scheduleId);
        if (msg.sender != schedule.poster) revert NotPoster(0, msg.sender);
        if (schedule.cancelled) revert ScheduleIsCancelled(scheduleId);
        schedule.cancelled = true;
        Task storage template = _templates[scheduleId];
        uint256 refund = uint256(template.maxReward) * (schedule.count - schedule.spawned);
        emit ScheduleCancelled(scheduleId, refund, schedule.spawned);
        _release(template.rewardToken, schedule.poster, refund, 0);
    }

    // ================================================================ anyone's acts

    /// @inheritdoc ITaskBoard
    function reclaim(uint256 taskId) external nonReentrant {
        Task storage task = _tasks[taskId];
        TaskState state = _requireStatus(taskId, task, TaskStateLib.CLAIMED);
        if (block.timestamp <= state.timer()) revert LeaseActive(taskId, state.timer());
        uint256 agentId = state.claimant();
        _setState(task, _reopened(task, state));

        uint256 bond = state.has(TaskStateLib.FLAG_BOND) ? task.claimBond : 0;
        uint256 slashed;
        if (state.has(TaskStateLib.FLAG_SLASH)) {
            // The slash goes to the treasury: no poster profits from a claimant's failure.
            uint256 slash = task.abandonSlash;
            slashed = _stakes.slash(agentId, slash, _treasury, ABANDONED);
            _stakes.unlock(agentId, slash);
        }
        emit TaskReclaimed(taskId, agentId, state.attempt(), bond, slashed, msg.sender);
        if (bond != 0) _release(task.rewardToken, task.poster, bond, taskId);
        _feedback(taskId, agentId, 0, "abandoned");
    }

    /// @inheritdoc ITaskBoard
    function expireEscalation(uint256 taskId) external nonReentrant {
        Task storage task = _tasks[taskId];
        TaskState state = _requireStatus(taskId, task, TaskStateLib.ESCALATED);
        uint40 answerBy = task.answerBy;
        if (block.timestamp < answerBy) revert EscalationActive(taskId, answerBy);
        // The approver never answered: the claimant is released without penalty, the task reopens.
        uint256 agentId = _reopen(taskId, task, state);
        emit EscalationExpired(taskId, agentId, state.attempt(), msg.sender);
        _unlock(task, state, agentId);
    }

    /// @inheritdoc ITaskBoard
    function expire(uint256 taskId) external nonReentrant {
        Task storage task = _tasks[taskId];
        TaskState state = _requireStatus(taskId, task, TaskStateLib.OPEN);
        if (block.timestamp < state.deadline()) revert DeadlineNotReached(taskId, state.deadline());
        _setState(task, state.pack(TaskStateLib.EXPIRED, state.attempt(), 0, 0, state.lockedReward()));
        emit TaskExpired(taskId, task.maxReward);
        _release(task.rewardToken, task.poster, task.maxReward, taskId);
    }

    /// @inheritdoc ITaskBoard
    function withdrawCredit(address token) external nonReentrant {
        uint256 amount = _credits[msg.sender][token];
        if (amount == 0) revert NothingToWithdraw(msg.sender, token);
        _credits[msg.sender][token] = 0;
        _creditTotals[token] -= amount;
        emit CreditWithdrawn(msg.sender, token, amount);
        if (token == address(0)) {
            (bool ok,) = msg.sender.call{value: amount}("");
            if (!ok) revert EthTransferFailed(msg.sender, amount);
        } else {
            IERC20(token).safeTransfer(msg.sender, amount);
        }
    }

    // ================================================================ views

    /// @inheritdoc ITaskBoard
    function getTask(uint256 taskId) external view returns (TaskView memory view_) {
        Task storage task = _tasks[taskId];
        TaskState state = task.state;
        uint8 status = state.status();
        if (status == TaskStateLib.NONE) revert TaskNotFound(taskId);
        view_.status = status;
        view_.attempt = state.attempt();
        if (status != TaskStateLib.OPEN) {
            view_.claimant = state.claimant();
            view_.timer = state.timer();
        }
        view_.lockedReward = state.lockedReward();
        view_.poster = task.poster;
        view_.rewardToken = task.rewardToken;
        view_.approver = task.approver;
        view_.capability = task.capability;
        view_.reward = task.reward;
        view_.maxReward = task.maxReward;
        view_.claimBond = task.claimBond;
        view_.minStake = task.minStake;
        view_.abandonSlash = task.abandonSlash;
        view_.postedAt = task.postedAt;
        view_.notBefore = task.notBefore;
        view_.deadline = task.deadline;
        view_.leaseDuration = task.leaseDuration;
        view_.reviewWindow = task.reviewWindow;
    }

    /// @inheritdoc ITaskBoard
    function payableReward(uint256 taskId) external view returns (uint256) {
        Task storage task = _tasks[taskId];
        if (task.state.status() == TaskStateLib.NONE) revert TaskNotFound(taskId);
        return _rewardAt(task, task.deadline);
    }

    /// @inheritdoc ITaskBoard
    function getSchedule(uint256 scheduleId) external view returns (ScheduleView memory) {
        Schedule storage s = _schedules[scheduleId];
        if (s.poster == address(0)) revert ScheduleNotFound(scheduleId);
        return ScheduleView(s.poster, s.firstAt, s.interval, s.count, s.spawned, s.cancelled);
    }

    /// @inheritdoc ITaskBoard
    function roundTask(uint256 scheduleId, uint32 round) external view returns (uint256) {
        return _rounds[scheduleId][round];
    }

    /// @inheritdoc ITaskBoard
    function creditOf(address account, address token) external view returns (uint256) {
        return _credits[account][token];
    }

    /// @inheritdoc ITaskBoard
    function totalEscrowed(address token) external view returns (uint256) {
        return _escrowed[token];
    }

    /// @inheritdoc ITaskBoard
    function totalCredits(address token) external view returns (uint256) {
        return _creditTotals[token];
    }

    /// @inheritdoc ITaskBoard
    function taskCount() external view returns (uint256) {
        return _taskCount;
    }

    /// @inheritdoc ITaskBoard
    function scheduleCount() external view returns (uint256) {
        return _scheduleCount;
    }

    /// @inheritdoc ITaskBoard
    function pendingHandoff(uint256 taskId) external view returns (uint256) {
        uint256 offer = _handoffs[taskId];
        TaskState state = _tasks[taskId].state;
        return state.status() == TaskStateLib.CLAIMED && offer >> 64 == state.attempt() ? uint64(offer) : 0;
    }

    /// @inheritdoc ITaskBoard
    function escalationDeadline(uint256 taskId) external view returns (uint64) {
        Task storage task = _tasks[taskId];
        return task.state.status() == TaskStateLib.ESCALATED ? task.answerBy : 0;
    }

    /// @inheritdoc ITaskBoard
    function treasury() external view returns (address) {
        return _treasury;
    }

    // ================================================================ internals: claims

    /**
     * @dev Checks eligibility, locks the stake an abandonment would slash, then writes the claim
     * (claimant, next attempt, lease, reward) in one store of the hot word, emits, and takes the
     * bond last.
     */
    function _startClaim(
        uint256 taskId,
        Task storage task,
        TaskState state,
        uint256 agentId,
        uint256 reward,
        uint40 leaseExpiry
    ) private {
        // Authorisation, capability and "not the poster's own agent" in one call; the cause of a
        // failure is worked out only then.
        address poster = task.poster;
        uint256 minStake = task.minStake;
        bytes32 capability = state.has(TaskStateLib.FLAG_CAPABILITY) ? task.capability : bytes32(0);
        if (!_identity.isEligible(msg.sender, agentId, capability, poster)) {
            _revertIneligible(taskId, agentId, capability, poster);
        }
        if (state.has(TaskStateLib.FLAG_SLASH)) {
            // The stake an abandonment would slash stays locked until the claim ends (no unstaking away).
            uint256 stake = _stakes.lock(agentId, task.abandonSlash);
            if (stake < minStake) revert StakeTooLow(taskId, agentId, stake, minStake);
        } else if (minStake != 0) {
            uint256 stake = _stakes.stakeOf(agentId);
            if (stake < minStake) revert StakeTooLow(taskId, agentId, stake, minStake);
        }
        uint32 attempt = state.attempt() + 1;
        // agentId < 2^64 (ids are sequential) and reward <= maxReward < 2^96 (checked at posting).
        _setState(task, state.pack(TaskStateLib.CLAIMED, attempt, uint64(agentId), leaseExpiry, uint96(reward)));
        emit TaskClaimed(taskId, agentId, attempt, leaseExpiry, reward);
        if (state.has(TaskStateLib.FLAG_BOND)) {
            uint256 bond = task.claimBond;
            _collect(task.rewardToken, bond);
        } else if (msg.value != 0) {
            revert WrongPayment(0, msg.value);
        }
    }

    /// @dev The reward payable now: linear from `reward` at posting to `maxReward` at the deadline.
    function _rewardAt(Task storage task, uint40 deadline) private view returns (uint256) {
        uint256 reward = task.reward;
        uint256 maxReward = task.maxReward;
        if (maxReward == reward) return reward;
        uint256 postedAt = task.postedAt;
        if (block.timestamp >= deadline) return maxReward;
        if (block.timestamp <= postedAt) return reward;
        return reward + ((maxReward - reward) * (block.timestamp - postedAt)) / (deadline - postedAt);
    }

    /// @dev The claimant's act: the task is claimed, the attempt current, the lease alive, the caller authorised.
    function _claimantAct(uint256 taskId, uint32 attempt) private view returns (Task storage task, TaskState state) {
        task = _tasks[taskId];
        state = _requireStatus(taskId, task, TaskStateLib.CLAIMED);
        if (attempt != state.attempt()) revert StaleAttempt(taskId, attempt, state.attempt());
        if (block.timestamp > state.timer()) revert LeaseExpired(taskId, state.timer());
        _requireAuthorized(state.claimant());
    }

    /// @dev Names why `agentId` may not claim: unknown, not the caller's, lacking the capability, or the poster's own.
    function _revertIneligible(uint256 taskId, uint256 agentId, bytes32 capability, address poster) private view {
        _requireAuthorized(agentId);
        if (capability != bytes32(0) && !_identity.hasCapability(agentId, capability)) {
            revert MissingCapability(taskId, agentId, capability);
        }
        revert AgentOfPoster(taskId, agentId, poster);
    }

    /// @dev Ends the claim without penalty: bond back to the claimant, task open again. Returns the claimant.
    function _reopen(uint256 taskId, Task storage task, TaskState state) private returns (uint256 agentId) {
        agentId = state.claimant();
        _setState(task, _reopened(task, state));
        if (state.has(TaskStateLib.FLAG_BOND)) _release(task.rewardToken, _payee(agentId), task.claimBond, taskId);
    }

    /// @dev The open word of a task leaving a claim: its terms again, the attempt kept, the base reward.
    function _reopened(Task storage task, TaskState state) private view returns (TaskState) {
        return TaskStateLib.open(state.flags(), state.attempt(), task.notBefore, task.deadline, task.leaseDuration, task.reward);
    }

    /// @dev Releases the stake `agentId` locked for this task's abandonSlash (when the task slashes).
    function _unlock(Task storage task, TaskState state, uint256 agentId) private {
        if (state.has(TaskStateLib.FLAG_SLASH)) _stakes.unlock(agentId, task.abandonSlash);
    }

    // ================================================================ internals: state

    /// @dev The one write of a task's hot word.
    function _setState(Task storage task, TaskState state) private {
        task.state = state;
    }

    function _requireStatus(uint256 taskId, Task storage task, uint8 status) private view returns (TaskState state) {
        state = task.state;
        uint8 current = state.status();
        if (current != status) {
            if (current == TaskStateLib.NONE) revert TaskNotFound(taskId);
            revert WrongStatus(taskId, current);
        }
    }

    function _revertNotOpen(uint256 taskId, TaskState state) private pure {
        if (state.status() == TaskStateLib.NONE) revert TaskNotFound(taskId);
        revert TaskNotOpen(taskId, state.status(), state.claimant(), state.attempt());
    }

    /// @dev Checks what every spec needs (times are checked by the caller: absolute or relative).
    function _validate(TaskSpec calldata spec) private pure {
        if (spec.reward > spec.maxReward) revert RewardAboveMax(spec.reward, spec.maxReward);
        if (spec.maxReward > type(uint96).max) revert TermOutOfRange(Term.MaxReward, spec.maxReward, 0, type(uint96).max);
        if (spec.claimBond > type(uint128).max) revert TermOutOfRange(Term.ClaimBond, spec.claimBond, 0, type(uint128).max);
        if (spec.minStake > type(uint96).max) revert TermOutOfRange(Term.MinStake, spec.minStake, 0, type(uint96).max);
        if (spec.abandonSlash > type(uint104).max) {
            revert TermOutOfRange(Term.AbandonSlash, spec.abandonSlash, 0, type(uint104).max);
        }
        if (spec.leaseDuration < MIN_LEASE_DURATION || spec.leaseDuration > MAX_DURATION) {
            revert TermOutOfRange(Term.LeaseDuration, spec.leaseDuration, MIN_LEASE_DURATION, MAX_DURATION);
        }
        if (spec.reviewWindow > MAX_DURATION) revert TermOutOfRange(Term.ReviewWindow, spec.reviewWindow, 0, MAX_DURATION);
        if (spec.deadline > type(uint40).max) revert TermOutOfRange(Term.Deadline, spec.deadline, 0, type(uint40).max);
    }

    function _flags(TaskSpec calldata spec) private pure returns (uint8 flags) {
        if (spec.capability != bytes32(0)) flags |= TaskStateLib.FLAG_CAPABILITY;
        if (spec.claimBond != 0) flags |= TaskStateLib.FLAG_BOND;
        if (spec.rewardToken != address(0)) flags |= TaskStateLib.FLAG_TOKEN;
        if (spec.maxReward != spec.reward) flags |= TaskStateLib.FLAG_RAMP;
        if (spec.abandonSlash != 0) flags |= TaskStateLib.FLAG_SLASH;
    }

    /// @dev Stores the spec's fields except the claim window (set by the caller).
    function _store(Task storage task, TaskSpec calldata spec, address poster) private {
        task.leaseDuration = uint32(spec.leaseDuration);
        task.minStake = uint96(spec.minStake);
        task.reward = uint96(spec.reward);
        task.maxReward = uint96(spec.maxReward);
        task.reviewWindow = uint32(spec.reviewWindow);
        if (spec.capability != bytes32(0)) task.capability = spec.capability;
        if (spec.claimBond != 0 || spec.abandonSlash != 0) {
            task.claimBond = uint128(spec.claimBond);
            task.abandonSlash = uint104(spec.abandonSlash);
        }
        task.poster = poster;
        if (spec.rewardToken != address(0)) task.rewardToken = spec.rewardToken;
        if (spec.approver != address(0)) task.approver = spec.approver;
    }

    /// @dev A schedule round's task: the template with the round's times.
    function _spawn(Task storage task, Task storage template, uint64 dueAt, uint64 deadline) private {
        task.notBefore = uint40(dueAt);
        task.deadline = uint40(deadline);
        task.postedAt = uint40(dueAt);
        task.leaseDuration = template.leaseDuration;
        task.minStake = template.minStake;
        task.reward = template.reward;
        task.maxReward = template.maxReward;
        task.reviewWindow = template.reviewWindow;
        TaskState state = template.state;
        if (state.has(TaskStateLib.FLAG_CAPABILITY)) task.capability = template.capability;
        if (template.claimBond != 0 || template.abandonSlash != 0) {
            task.claimBond = template.claimBond;
            task.abandonSlash = template.abandonSlash;
        }
        task.poster = template.poster;
        if (state.has(TaskStateLib.FLAG_TOKEN)) task.rewardToken = template.rewardToken;
        if (template.approver != address(0)) task.approver = template.approver;
        task.state = TaskStateLib.open(state.flags(), 0, uint40(dueAt), uint40(deadline), template.leaseDuration, template.reward);
    }

    /// @dev The spec as posted, with absolute times (for {TaskPosted}).
    function _absolute(TaskSpec calldata spec, uint64 notBefore, uint64 deadline) private pure returns (TaskSpec memory out) {
        out = spec;
        out.notBefore = notBefore;
        out.deadline = deadline;
    }

    /// @dev A spawned task's spec, rebuilt from storage (for {TaskPosted}).
    function _specOf(uint256 scheduleId, Task storage task) private view returns (TaskSpec memory spec) {
        spec.capability = task.capability;
        spec.specURI = string(_templateURIs[scheduleId].load());
        spec.specHash = _templateHashes[scheduleId];
        spec.rewardToken = task.rewardToken;
        spec.reward = task.reward;
        spec.maxReward = task.maxReward;
        spec.claimBond = task.claimBond;
        spec.minStake = task.minStake;
        spec.abandonSlash = task.abandonSlash;
        spec.leaseDuration = task.leaseDuration;
        spec.notBefore = task.notBefore;
        spec.deadline = task.deadline;
        spec.reviewWindow = task.reviewWindow;
        spec.approver = task.approver;
    }

    // ================================================================ internals: money

    /**
     * @dev Takes `amount` into escrow from the caller: ETH must be sent exactly; an ERC-20 is pulled
     * and must arrive in full.
     */
    function _collect(address token, uint256 amount) private {
        if (token == address(0)) {
            if (msg.value != amount) revert WrongPayment(amount, msg.value);
        } else {
            if (msg.value != 0) revert WrongPayment(0, msg.value);
            if (amount != 0) {
                uint256 before = IERC20(token).balanceOf(address(this));
                IERC20(token).safeTransferFrom(msg.sender, address(this), amount);
                uint256 received = IERC20(token).balanceOf(address(this)) - before;
                if (received != amount) revert UnsupportedToken(token, amount, received);
            }
        }
        _escrowed[token] += amount;
    }

    /// @dev Moves `amount` from escrow to `account`'s credit.
    function _release(address token, address account, uint256 amount, uint256 taskId) private {
        _escrowed[token] -= amount;
        _credit(account, token, amount, taskId);
    }

    function _credit(address account, address token, uint256 amount, uint256 taskId) private {
        if (amount == 0) return;
        _credits[account][token] += amount;
        _creditTotals[token] += amount;
        emit Credited(account, token, amount, taskId);
    }

    /// @dev Where an agent is paid: its agentWallet, or its owner when it has none.
    function _payee(uint256 agentId) private view returns (address) {
        address wallet = _identity.getAgentWallet(agentId);
        return wallet != address(0) ? wallet : _identity.ownerOf(agentId);
    }

    /**
     * @dev Protocol-attested reputation: TaskBoard is the client; tag1 "task", tag2 the outcome,
     * feedbackHash the task id. The settlement that calls this is already final: the write gets at
     * most FEEDBACK_GAS and its failure is reported ({FeedbackFailed}), never propagated. A caller
     * cannot make it fail on purpose by sending too little gas: if the call may have run out of
     * gas because of the caller's limit (less than FEEDBACK_GAS / 63 left, EIP-150), the whole
     * settlement reverts instead.
     */
    function _feedback(uint256 taskId, uint256 agentId, int128 value, string memory outcome) private {
        // solhint: a success needs nothing more; only a failure is recorded
        // solhint-disable-next-line no-empty-blocks
        try _reputation.giveFeedback{gas: FEEDBACK_GAS}(agentId, value, 0, "task", outcome, "", "", bytes32(taskId)) {}
        catch {
            if (gasleft() < FEEDBACK_GAS / 63) revert FeedbackOutOfGas(taskId);
            emit FeedbackFailed(taskId, agentId, outcome);
        }
    }
}
