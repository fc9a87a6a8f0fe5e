// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ITaskBoard} from "../interfaces/ITaskBoard.sol";
import {PackedBytes} from "../libraries/PackedBytes.sol";
import {TaskBoardBase} from "./TaskBoardBase.sol";
import {TaskState, TaskStateLib} from "./TaskState.sol";

/**
 * @title TaskSchedules
 * @notice Shared time: a schedule escrows every round of a task template; the first agent to
 * claim a due round spawns its task and claims it in one transaction (one winner per round, no
 * keeper needed); cancelling refunds the rounds not yet spawned.
 */
abstract contract TaskSchedules is TaskBoardBase {
    using PackedBytes for PackedBytes.Bytes;

    /// @dev A schedule; its template is a {Task} (times relative: `deadline` is the round's window).
    struct Schedule {
        address poster;
        uint40 firstAt;
        uint40 interval;
        uint32 count;
        uint32 spawned;
        bool cancelled;
    }

    uint256 private _scheduleCount;
    mapping(uint256 scheduleId => Schedule) private _schedules;
    mapping(uint256 scheduleId => Task) private _templates;
    mapping(uint256 scheduleId => PackedBytes.Bytes) private _templateURIs;
    mapping(uint256 scheduleId => bytes32) private _templateHashes;
    mapping(uint256 scheduleId => mapping(uint32 round => uint256 taskId)) private _rounds;

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
        // interval * count <= MAX_DURATION * MAX_ROUNDS < 2^40: the subtraction cannot underflow.
        uint256 latest = type(uint40).max - uint256(interval) * count;
        if (firstAt > latest) revert TermOutOfRange(Term.FirstAt, firstAt, 0, latest);
        if (template.deadline == 0 || template.deadline > MAX_DURATION) {
            revert TermOutOfRange(Term.Window, template.deadline, 1, MAX_DURATION);
        }
        _validate(template);
        scheduleId = ++_scheduleCount;
        _schedules[scheduleId] = Schedule(msg.sender, uint40(firstAt), uint40(interval), count, 0, false);
        Task storage stored = _templates[scheduleId];
        // Times relative: notBefore unused, deadline the round window.
        _storeTerms(stored, template, msg.sender, 0, uint40(template.deadline));
        // Only the template word's flags and reward are read.
        stored.state = TaskStateLib.open(_flags(template), 0, 0, 0, 0, uint96(template.reward));
        _templateURIs[scheduleId].store(bytes(template.specURI));
        _templateHashes[scheduleId] = template.specHash;
        emit ScheduleCreated(scheduleId, msg.sender, template, firstAt, interval, count);
        _collect(template.rewardToken, template.maxReward * count);
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
        TaskState state = _spawn(taskId, task, template, scheduleId, round, uint40(dueAt), uint40(deadline));
        uint256 reward = _rewardAt(task, state, uint40(deadline));
        _startClaim(taskId, task, state, agentId, reward, uint40(block.timestamp) + state.leaseDuration());
    }

    /// @inheritdoc ITaskBoard
    function cancelSchedule(uint256 scheduleId) external nonReentrant {
        Schedule storage schedule = _schedules[scheduleId];
        if (schedule.poster == address(0)) revert ScheduleNotFound(scheduleId);
        if (msg.sender != schedule.poster) revert NotPoster(0, msg.sender);
        if (schedule.cancelled) revert ScheduleIsCancelled(scheduleId);
        schedule.cancelled = true;
        Task storage template = _templates[scheduleId];
        TaskState state = template.state;
        uint256 refund = _maxReward(template, state) * (schedule.count - schedule.spawned);
        emit ScheduleCancelled(scheduleId, refund, schedule.spawned);
        _release(_tokenOf(template, state), schedule.poster, refund, 0);
    }

    /// @inheritdoc ITaskBoard
    function getSchedule(uint256 scheduleId) external view returns (ScheduleView memory schedule) {
        Schedule storage s = _schedules[scheduleId];
        if (s.poster == address(0)) revert ScheduleNotFound(scheduleId);
        return ScheduleView(s.poster, s.firstAt, s.interval, s.count, s.spawned, s.cancelled);
    }

    /// @inheritdoc ITaskBoard
    function roundTask(uint256 scheduleId, uint32 round) external view returns (uint256 taskId) {
        return _rounds[scheduleId][round];
    }

    /// @inheritdoc ITaskBoard
    function scheduleCount() external view returns (uint256 count) {
        return _scheduleCount;
    }

    /// @dev A schedule round's task: the template with the round's times, posted through {_update}.
    function _spawn(
        uint256 taskId,
        Task storage task,
        Task storage template,
        uint256 scheduleId,
        uint32 round,
        uint40 dueAt,
        uint40 deadline
    ) private returns (TaskState state) {
        TaskState terms = template.state;
        task.notBefore = dueAt;
        task.deadline = deadline;
        task.leaseDuration = template.leaseDuration;
        task.reviewWindow = template.reviewWindow;
        task.postedAt = dueAt;
        task.poster = template.poster;
        task.minStake = template.minStake;
        if (terms.has(TaskStateLib.FLAG_CAPABILITY)) task.capability = template.capability;
        if (terms.has(TaskStateLib.FLAG_RAMP)) {
            task.reward = template.reward;
            task.maxReward = template.maxReward;
        }
        if (terms.has(TaskStateLib.FLAG_BOND) || terms.has(TaskStateLib.FLAG_SLASH)) {
            task.claimBond = template.claimBond;
            task.abandonSlash = template.abandonSlash;
        }
        if (terms.has(TaskStateLib.FLAG_TOKEN)) task.rewardToken = template.rewardToken;
        if (template.approver != address(0)) task.approver = template.approver;
        state = TaskStateLib.open(terms.flags(), 0, dueAt, deadline, template.leaseDuration, terms.lockedReward());
        Details memory d;
        d.posted = new TaskSpec[](1);
        d.posted[0] = _specOf(scheduleId, task, state);
        d.scheduleId = scheduleId;
        d.round = round;
        d.account = task.poster;
        _update(taskId, task, TaskState.wrap(0), state, Action.Post, d);
    }

    /// @dev A spawned task's spec, rebuilt from storage (for {TaskPosted}).
    function _specOf(uint256 scheduleId, Task storage task, TaskState state) private view returns (TaskSpec memory spec) {
        spec.capability = task.capability;
        spec.specURI = string(_templateURIs[scheduleId].load());
        spec.specHash = _templateHashes[scheduleId];
        spec.rewardToken = task.rewardToken;
        spec.reward = _baseReward(task, state);
        spec.maxReward = _maxReward(task, state);
        spec.claimBond = task.claimBond;
        spec.minStake = task.minStake;
        spec.abandonSlash = task.abandonSlash;
        spec.leaseDuration = task.leaseDuration;
        spec.notBefore = task.notBefore;
        spec.deadline = task.deadline;
        spec.reviewWindow = task.reviewWindow;
        spec.approver = task.approver;
    }
}
