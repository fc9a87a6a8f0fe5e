// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IIdentityRegistry} from "../interfaces/IIdentityRegistry.sol";
import {IReputationRegistry} from "../interfaces/IReputationRegistry.sol";
import {IStakeManager} from "../interfaces/IStakeManager.sol";
import {ITaskBoard} from "../interfaces/ITaskBoard.sol";
import {TaskBoardBase} from "./TaskBoardBase.sol";
import {TaskSchedules} from "./TaskSchedules.sol";
import {TaskState, TaskStateLib} from "./TaskState.sol";

/**
 * @title TaskBoard
 * @notice Work claims with escrow, leases, handoffs, escalation and schedules: a task's life, one
 * external function per act. The parts live beside it, over one storage layout:
 * {TaskBoardBase} (the layout, the one chokepoint {_update} that writes a task's state and emits
 * its event, claims, terms), {TaskEscrow} (escrow and credits) and {TaskSchedules} (shared time).
 * Order in every act: checks, the state write and its event, then money and external calls.
 *
 * Defences (see SECURITY.md): settlement never depends on the reputation write ({_feedback});
 * TaskBoard registers itself in the IdentityRegistry as a protocol contract, so it is never an
 * agent's key; a claim locks the claimant's `abandonSlash` in the StakeManager until the claim
 * ends; a poster's own agents cannot claim its tasks; a handoff never extends a task past its
 * deadline; an escalation lasts at most the approver's window; leases last at least
 * {MIN_LEASE_DURATION}; abandonment slashes go to the treasury, not to the poster.
 */
contract TaskBoard is TaskSchedules {
    /**
     * @notice Deploys the board; see {TaskBoardBase-constructor}.
     * @param identity The IdentityRegistry (TaskBoard registers there as a protocol contract).
     * @param stakes The StakeManager (TaskBoard needs its slasher role).
     * @param reputation The ReputationRegistry TaskBoard writes feedback to as a client.
     * @param treasury_ Receiver of abandonment slashes.
     */
    constructor(IIdentityRegistry identity, IStakeManager stakes, IReputationRegistry reputation, address treasury_)
        TaskBoardBase(identity, stakes, reputation, treasury_)
    {}

    // ================================================================ posting and claims

    /// @inheritdoc ITaskBoard
    function postTask(TaskSpec calldata spec) external payable nonReentrant returns (uint256 taskId) {
        uint64 notBefore = spec.notBefore == 0 ? uint64(block.timestamp) : spec.notBefore;
        uint64 earliest = notBefore > block.timestamp ? notBefore : uint64(block.timestamp);
        if (spec.deadline <= earliest) revert DeadlineTooEarly(spec.deadline, earliest);
        _validate(spec);
        taskId = ++_taskCount;
        Task storage task = _tasks[taskId];
        // Times fit 40 bits (the deadline is checked in _validate, notBefore is below it).
        _storeTerms(task, spec, msg.sender, uint40(notBefore), uint40(spec.deadline));
        TaskState open = TaskStateLib.open(
            _flags(spec), 0, uint40(notBefore), uint40(spec.deadline), uint32(spec.leaseDuration), uint96(spec.reward)
        );
        Details memory d;
        d.posted = new TaskSpec[](1);
        d.posted[0] = spec;
        d.posted[0].notBefore = notBefore;
        d.account = msg.sender;
        _update(taskId, task, TaskState.wrap(0), open, Action.Post, d);
        _collect(spec.rewardToken, spec.maxReward);
    }

    /// @inheritdoc ITaskBoard
    /// @dev Not behind the reentrancy guard (it is the hot path): the claim is written before the only
    /// external call that could re-enter, the bond's transfer, and every other entry point is guarded.
    function claim(uint256 taskId, uint256 agentId) external payable {
        Task storage task = _tasks[taskId];
        TaskState state = task.state;
        if (state.status() != TaskStatus.Open) _revertNotOpen(taskId, state);
        uint40 deadline = state.deadline();
        if (block.timestamp < state.notBefore()) revert TaskNotYetClaimable(taskId, state.notBefore());
        if (block.timestamp >= deadline) revert TaskPastDeadline(taskId, deadline);
        uint256 reward = _rewardAt(task, state, deadline);
        _startClaim(taskId, task, state, agentId, reward, uint40(block.timestamp) + state.leaseDuration());
    }

    /// @inheritdoc ITaskBoard
    function acceptHandoff(uint256 taskId, uint256 agentId) external payable nonReentrant {
        Task storage task = _tasks[taskId];
        TaskState state = _requireStatus(taskId, task, TaskStatus.Claimed);
        Offer memory offer = _offers[taskId];
        if (offer.attempt != state.attempt() || offer.toAgentId != agentId) {
            revert HandoffNotOffered(taskId, agentId, offer.toAgentId);
        }
        uint40 leaseExpiry = state.timer();
        if (block.timestamp > leaseExpiry) revert LeaseExpired(taskId, leaseExpiry);
        delete _offers[taskId];
        // A handoff never extends the task past its deadline: the taker gets a fresh lease cut at
        // the deadline, or keeps the lease it takes over when that one already runs longer.
        uint40 fresh = uint40(block.timestamp) + task.leaseDuration;
        uint40 deadline = task.deadline;
        if (fresh > deadline) fresh = deadline;
        if (fresh > leaseExpiry) leaseExpiry = fresh;
        uint256 previous = state.claimant();
        uint256 bond = _bondOf(task, state);
        _startClaim(taskId, task, state, agentId, state.lockedReward(), leaseExpiry);
        // The new claimant's bond and stake lock replace the old ones, which are released.
        _unlock(task, state, previous);
        if (bond != 0) _release(_tokenOf(task, state), _payee(previous), bond, taskId);
    }

    // ================================================================ the claimant's acts

    /// @inheritdoc ITaskBoard
    function renewLease(uint256 taskId, uint32 attempt) external {
        (Task storage task, TaskState state) = _claimantAct(taskId, attempt);
        uint40 deadline = task.deadline;
        if (block.timestamp >= deadline) revert RenewalPastDeadline(taskId, deadline);
        uint40 leaseExpiry = uint40(block.timestamp) + task.leaseDuration;
        Details memory none;
        _update(taskId, task, state, state.withStatus(TaskStatus.Claimed, leaseExpiry), Action.Renew, none);
    }

    /// @inheritdoc ITaskBoard
    function submit(uint256 taskId, uint32 attempt, string calldata resultURI, bytes32 resultHash) external {
        (Task storage task, TaskState state) = _claimantAct(taskId, attempt);
        uint40 reviewDeadline = uint40(block.timestamp) + task.reviewWindow;
        Details memory d;
        d.uri = resultURI;
        d.hash = resultHash;
        _update(taskId, task, state, state.withStatus(TaskStatus.Submitted, reviewDeadline), Action.Submit, d);
        // A submitted task can no longer be abandoned: its slash is no longer owed.
        _unlock(task, state, state.claimant());
    }

    /// @inheritdoc ITaskBoard
    function handoff(uint256 taskId, uint32 attempt, uint256 toAgentId, string calldata contextURI) external {
        (, TaskState state) = _claimantAct(taskId, attempt);
        uint256 from = state.claimant();
        if (toAgentId == from) revert HandoffToSelf(taskId, toAgentId);
        if (!_identity.exists(toAgentId)) revert AgentNotFound(toAgentId);
        // Agent ids are sequential from 1: they fit 64 bits. The task's state is unchanged.
        _offers[taskId] = Offer(uint64(toAgentId), attempt);
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
        Details memory d;
        d.uri = questionURI;
        d.answerBy = answerBy;
        _update(taskId, task, state, state.withStatus(TaskStatus.Escalated, remaining), Action.Escalate, d);
    }

    // ================================================================ the poster's and approver's acts

    /// @inheritdoc ITaskBoard
    function accept(uint256 taskId) external nonReentrant {
        Task storage task = _tasks[taskId];
        TaskState state = _requireStatus(taskId, task, TaskStatus.Submitted);
        address poster = task.poster;
        bool byPoster = msg.sender == poster;
        if (!byPoster && block.timestamp < state.timer()) revert ReviewWindowOpen(taskId, state.timer());

        uint256 agentId = state.claimant();
        uint256 reward = state.lockedReward();
        uint256 escrow = _maxReward(task, state);
        Details memory d;
        d.account = _payee(agentId);
        d.bond = _bondOf(task, state);
        d.amount = escrow - reward;
        d.byPoster = byPoster;
        _update(taskId, task, state, state.withStatus(TaskStatus.Accepted, 0), Action.Accept, d);
        _settle(_tokenOf(task, state), escrow + d.bond, d.account, reward + d.bond, poster, taskId);
        _feedback(taskId, agentId, 100, "accepted");
    }

    /// @inheritdoc ITaskBoard
    function reject(uint256 taskId, string calldata reasonURI) external nonReentrant {
        Task storage task = _tasks[taskId];
        TaskState state = _requireStatus(taskId, task, TaskStatus.Submitted);
        if (msg.sender != task.poster) revert NotPoster(taskId, msg.sender);
        if (block.timestamp >= state.timer()) revert ReviewWindowClosed(taskId, state.timer());
        Details memory d;
        d.uri = reasonURI;
        _reopen(taskId, task, state, Action.Reject, d);
        _feedback(taskId, state.claimant(), 0, "rejected");
    }

    /// @inheritdoc ITaskBoard
    function resolveEscalation(uint256 taskId, string calldata answerURI, bool resume) external nonReentrant {
        Task storage task = _tasks[taskId];
        TaskState state = _requireStatus(taskId, task, TaskStatus.Escalated);
        address approver = task.approver == address(0) ? task.poster : task.approver;
        if (msg.sender != approver) revert NotApprover(taskId, msg.sender);
        Details memory d;
        d.uri = answerURI;
        if (resume) {
            uint40 leaseExpiry = uint40(block.timestamp) + state.timer();
            _update(taskId, task, state, state.withStatus(TaskStatus.Claimed, leaseExpiry), Action.Resume, d);
        } else {
            _reopen(taskId, task, state, Action.Release, d);
            _unlock(task, state, state.claimant());
        }
    }

    /// @inheritdoc ITaskBoard
    function cancel(uint256 taskId) external nonReentrant {
        Task storage task = _tasks[taskId];
        TaskState state = _requireStatus(taskId, task, TaskStatus.Open);
        address poster = task.poster;
        if (msg.sender != poster) revert NotPoster(taskId, msg.sender);
        _close(taskId, task, state, poster, TaskStatus.Cancelled, Action.Cancel);
    }

    // ================================================================ anyone's acts

    /// @inheritdoc ITaskBoard
    /// @dev The slash comes before the state write so that {TaskReclaimed} can say what it took; it
    /// is a call to the trusted StakeManager, and every entry point that could be re-entered is guarded.
    function reclaim(uint256 taskId) external nonReentrant {
        Task storage task = _tasks[taskId];
        TaskState state = _requireStatus(taskId, task, TaskStatus.Claimed);
        if (block.timestamp <= state.timer()) revert LeaseActive(taskId, state.timer());
        Details memory d;
        d.amount = _slashAbandoned(task, state);
        d.bond = _bondOf(task, state);
        d.account = msg.sender;
        _update(taskId, task, state, _reopened(task, state), Action.Reclaim, d);
        if (d.bond != 0) _release(_tokenOf(task, state), task.poster, d.bond, taskId);
        _feedback(taskId, state.claimant(), 0, "abandoned");
    }

    /// @inheritdoc ITaskBoard
    function expireEscalation(uint256 taskId) external nonReentrant {
        Task storage task = _tasks[taskId];
        TaskState state = _requireStatus(taskId, task, TaskStatus.Escalated);
        uint40 answerBy = task.answerBy;
        if (block.timestamp < answerBy) revert EscalationActive(taskId, answerBy);
        // The approver never answered: the claimant is released without penalty, the task reopens.
        Details memory d;
        d.account = msg.sender;
        _reopen(taskId, task, state, Action.ExpireEscalation, d);
        _unlock(task, state, state.claimant());
    }

    /// @inheritdoc ITaskBoard
    function expire(uint256 taskId) external nonReentrant {
        Task storage task = _tasks[taskId];
        TaskState state = _requireStatus(taskId, task, TaskStatus.Open);
        if (block.timestamp < state.deadline()) revert DeadlineNotReached(taskId, state.deadline());
        _close(taskId, task, state, task.poster, TaskStatus.Expired, Action.Expire);
    }

    // ================================================================ views

    /// @inheritdoc ITaskBoard
    function getTask(uint256 taskId) external view returns (TaskView memory task) {
        Task storage t = _tasks[taskId];
        TaskState state = t.state;
        TaskStatus status = state.status();
        if (status == TaskStatus.None) revert TaskNotFound(taskId);
        task.status = status;
        task.attempt = state.attempt();
        if (status != TaskStatus.Open) {
            task.claimant = state.claimant();
            task.timer = state.timer();
        }
        task.lockedReward = state.lockedReward();
        task.poster = t.poster;
        task.rewardToken = _tokenOf(t, state);
        task.approver = t.approver;
        task.capability = t.capability;
        task.reward = _baseReward(t, state);
        task.maxReward = _maxReward(t, state);
        task.claimBond = t.claimBond;
        task.minStake = t.minStake;
        task.abandonSlash = t.abandonSlash;
        task.postedAt = t.postedAt;
        task.notBefore = t.notBefore;
        task.deadline = t.deadline;
        task.leaseDuration = t.leaseDuration;
        task.reviewWindow = t.reviewWindow;
    }

    /// @inheritdoc ITaskBoard
    function payableReward(uint256 taskId) external view returns (uint256 reward) {
        Task storage task = _tasks[taskId];
        TaskState state = task.state;
        if (state.status() == TaskStatus.None) revert TaskNotFound(taskId);
        return _rewardAt(task, state, task.deadline);
    }

    /// @inheritdoc ITaskBoard
    function taskCount() external view returns (uint256 count) {
        return _taskCount;
    }

    /// @inheritdoc ITaskBoard
    function pendingHandoff(uint256 taskId) external view returns (uint256 toAgentId) {
        Offer memory offer = _offers[taskId];
        TaskState state = _tasks[taskId].state;
        return state.status() == TaskStatus.Claimed && offer.attempt == state.attempt() ? offer.toAgentId : 0;
    }

    /// @inheritdoc ITaskBoard
    function escalationDeadline(uint256 taskId) external view returns (uint64 answerBy) {
        Task storage task = _tasks[taskId];
        return task.state.status() == TaskStatus.Escalated ? task.answerBy : 0;
    }

    /// @inheritdoc ITaskBoard
    function treasury() external view returns (address treasury_) {
        return _treasury;
    }

    // ================================================================ internals

    /// @dev Settles an open task unclaimed (cancelled or expired): its escrow goes back to the poster.
    function _close(uint256 taskId, Task storage task, TaskState state, address poster, TaskStatus status, Action action)
        private
    {
        Details memory d;
        d.amount = _maxReward(task, state);
        _update(taskId, task, state, state.pack(status, state.attempt(), 0, 0, state.lockedReward()), action, d);
        _release(_tokenOf(task, state), poster, d.amount, taskId);
    }

    /// @dev Why a claim finds the task not open: unknown, or held or settled (with its claimant and attempt).
    function _revertNotOpen(uint256 taskId, TaskState state) private pure {
        if (state.status() == TaskStatus.None) revert TaskNotFound(taskId);
        revert TaskNotOpen(taskId, state.status(), state.claimant(), state.attempt());
    }
}
