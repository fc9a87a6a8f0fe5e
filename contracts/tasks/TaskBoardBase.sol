// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AgentAuth} from "../identity/AgentAuth.sol";
import {IIdentityRegistry} from "../interfaces/IIdentityRegistry.sol";
import {IReputationRegistry} from "../interfaces/IReputationRegistry.sol";
import {IStakeManager} from "../interfaces/IStakeManager.sol";
import {TaskEscrow} from "./TaskEscrow.sol";
import {TaskState, TaskStateLib} from "./TaskState.sol";

/**
 * @title TaskBoardBase
 * @notice TaskBoard's storage layout and its one state-machine chokepoint, {_update}: every write
 * of a task's state word goes through it, and it emits that transition's event right after the
 * write, before any external call, so the event stream the indexer reads is complete and ordered.
 * Also here: what every way of claiming shares ({_startClaim}), spec validation, and the
 * reputation write ({_feedback}).
 */
abstract contract TaskBoardBase is TaskEscrow, AgentAuth {
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

    /**
     * @dev A task. A flat-reward ETH task with a capability and a minimum stake takes four slots;
     * each optional term takes a slot only when it is set (its flag in the state word says so):
     *
     * ```
     *   state         the hot word ({TaskState}): status, flags, attempt, claim window or claimant and timer, reward
     *   times         | 24 unused | 40 postedAt | 40 answerBy | 32 reviewWindow | 32 leaseDuration | 40 deadline | 40 notBefore |
     *   poster        | 96 minStake | 160 poster |
     *   capability    FLAG_CAPABILITY
     *   rewards       FLAG_RAMP: | 64 unused | 96 maxReward | 96 reward | (a flat task's reward is the state word's)
     *   bond          FLAG_BOND or FLAG_SLASH: | 24 unused | 104 abandonSlash | 128 claimBond |
     *   rewardToken   FLAG_TOKEN
     *   approver      set only when it is not the poster
     * ```
     *
     * A claim reads the state word, `poster` and, when flagged, `capability`, `rewards` and `bond`.
     */
    struct Task {
        TaskState state;
        uint40 notBefore;
        uint40 deadline;
        uint32 leaseDuration;
        uint32 reviewWindow;
        /// The current escalation's answer deadline (meaningful while Escalated).
        uint40 answerBy;
        uint40 postedAt;
        address poster;
        uint96 minStake;
        bytes32 capability;
        uint96 reward;
        uint96 maxReward;
        uint128 claimBond;
        uint104 abandonSlash;
        address rewardToken;
        address approver;
    }

    /// @dev A pending handoff, valid only while `attempt` is the task's current attempt.
    struct Offer {
        uint64 toAgentId;
        uint32 attempt;
    }

    /// @dev The transitions of a task, each with its event (see {_update}).
    enum Action {
        Post,
        Claim,
        Renew,
        Submit,
        Escalate,
        Resume,
        Release,
        ExpireEscalation,
        Accept,
        Reject,
        Reclaim,
        Cancel,
        Expire
    }

    /// @dev What a transition's event says beyond the state words; each action fills what it names.
    // solhint: a memory struct, never stored: field order is for readers
    // solhint-disable-next-line gas-struct-packing
    struct Details {
        /// Post: the spec with absolute times, as the only element (an empty array costs the other
        /// actions no allocation).
        TaskSpec[] posted;
        /// Post: the schedule (0: posted directly) and round.
        uint256 scheduleId;
        uint32 round;
        /// Submit, Escalate, Resume, Release, Reject: the URI. Submit: the result hash.
        string uri;
        bytes32 hash;
        /// Post: the poster. Accept: the payee. Reclaim, ExpireEscalation: the caller.
        address account;
        /// Accept: the bond returned. Reclaim: the bond slashed.
        uint256 bond;
        /// Accept, Cancel, Expire: the poster's refund. Reclaim: the stake slashed.
        uint256 amount;
        /// Escalate: the answer deadline.
        uint64 answerBy;
        /// Accept: by the poster.
        bool byPoster;
    }

    bytes32 private constant ABANDONED = "abandoned";

    IStakeManager internal immutable _stakes;
    IReputationRegistry internal immutable _reputation;
    address internal immutable _treasury;

    uint256 internal _taskCount;
    mapping(uint256 taskId => Task) internal _tasks;
    mapping(uint256 taskId => Offer) internal _offers;

    /**
     * @notice Wires the board to the registries it uses and registers it in `identity` as a
     * protocol contract.
     * @param identity The IdentityRegistry agents are authorised against; TaskBoard registers itself
     * there as a protocol contract, so no approval can make it an agent's key.
     * @param stakes The StakeManager (TaskBoard needs its slasher role).
     * @param reputation The ReputationRegistry TaskBoard writes feedback to as a client.
     * @param treasury_ Receiver of abandonment slashes.
     */
    constructor(IIdentityRegistry identity, IStakeManager stakes, IReputationRegistry reputation, address treasury_)
        AgentAuth(identity)
    {
        if (treasury_ == address(0)) revert ZeroTreasury();
        _stakes = stakes;
        _reputation = reputation;
        _treasury = treasury_;
        identity.registerProtocolContract();
    }

    // ================================================================ the chokepoint

    /**
     * @dev The one write of a task's state word, and its event right after it. `prev` is the word
     * before (the zero word when posting): a transition that reopens a task names the claimant it
     * leaves from it. Everything else an event says comes from `next` or from `d`.
     */
    function _update(uint256 taskId, Task storage task, TaskState prev, TaskState next, Action action, Details memory d)
        internal
    {
        task.state = next;
        uint32 attempt = next.attempt();
        if (action == Action.Post) {
            emit TaskPosted(taskId, d.account, d.posted[0].capability, d.posted[0], d.scheduleId, d.round);
        } else if (action == Action.Claim) {
            emit TaskClaimed(taskId, next.claimant(), attempt, next.timer(), next.lockedReward());
        } else if (action == Action.Renew) {
            emit LeaseRenewed(taskId, next.claimant(), attempt, next.timer());
        } else if (action == Action.Submit) {
            emit TaskSubmitted(taskId, next.claimant(), attempt, d.uri, d.hash, next.timer());
        } else if (action == Action.Escalate) {
            emit TaskEscalated(taskId, next.claimant(), attempt, d.uri, next.timer(), d.answerBy);
        } else if (action == Action.Resume) {
            emit EscalationResolved(taskId, d.uri, true, next.timer());
        } else if (action == Action.Release) {
            emit EscalationResolved(taskId, d.uri, false, 0);
        } else if (action == Action.ExpireEscalation) {
            emit EscalationExpired(taskId, prev.claimant(), attempt, d.account);
        } else if (action == Action.Accept) {
            emit TaskAccepted(
                taskId, next.claimant(), attempt, d.account, next.lockedReward(), d.bond, d.amount, d.byPoster
            );
        } else if (action == Action.Reject) {
            emit TaskRejected(taskId, prev.claimant(), attempt, d.uri);
        } else if (action == Action.Reclaim) {
            emit TaskReclaimed(taskId, prev.claimant(), attempt, d.bond, d.amount, d.account);
        } else if (action == Action.Cancel) {
            emit TaskCancelled(taskId, d.amount);
        } else {
            emit TaskExpired(taskId, d.amount);
        }
    }

    // ================================================================ claims

    /**
     * @dev Checks eligibility, locks the stake an abandonment would slash, then writes the claim
     * (claimant, next attempt, lease, reward) through {_update}, and takes the bond last.
     */
    function _startClaim(
        uint256 taskId,
        Task storage task,
        TaskState state,
        uint256 agentId,
        uint256 reward,
        uint40 leaseExpiry
    ) internal {
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
        TaskState next = state.pack(TaskStatus.Claimed, attempt, uint64(agentId), leaseExpiry, uint96(reward));
        Details memory none;
        _update(taskId, task, state, next, Action.Claim, none);
        if (state.has(TaskStateLib.FLAG_BOND)) {
            _collect(_tokenOf(task, state), task.claimBond);
        } else if (msg.value != 0) {
            revert WrongPayment(0, msg.value);
        }
    }

    /// @dev The reward payable now: linear from `reward` at posting to `maxReward` at the deadline.
    function _rewardAt(Task storage task, TaskState state, uint40 deadline) internal view returns (uint256) {
        if (!state.has(TaskStateLib.FLAG_RAMP)) return state.lockedReward();
        uint256 reward = task.reward;
        uint256 maxReward = task.maxReward;
        uint256 postedAt = task.postedAt;
        if (block.timestamp >= deadline) return maxReward;
        if (block.timestamp <= postedAt) return reward;
        return reward + ((maxReward - reward) * (block.timestamp - postedAt)) / (deadline - postedAt);
    }

    /// @dev The claimant's act: the task is claimed, the attempt current, the lease alive, the caller authorised.
    function _claimantAct(uint256 taskId, uint32 attempt) internal view returns (Task storage task, TaskState state) {
        task = _tasks[taskId];
        state = _requireStatus(taskId, task, TaskStatus.Claimed);
        if (attempt != state.attempt()) revert StaleAttempt(taskId, attempt, state.attempt());
        if (block.timestamp > state.timer()) revert LeaseExpired(taskId, state.timer());
        _requireAuthorized(state.claimant());
    }

    /// @dev Ends the claim without penalty: the task reopens and the bond goes back to the claimant.
    function _reopen(uint256 taskId, Task storage task, TaskState state, Action action, Details memory d) internal {
        _update(taskId, task, state, _reopened(task, state), action, d);
        if (state.has(TaskStateLib.FLAG_BOND)) {
            _release(_tokenOf(task, state), _payee(state.claimant()), task.claimBond, taskId);
        }
    }

    /// @dev The open word of a task leaving a claim: its terms again, the attempt kept, the base reward.
    function _reopened(Task storage task, TaskState state) internal view returns (TaskState) {
        uint96 reward = state.has(TaskStateLib.FLAG_RAMP) ? task.reward : state.lockedReward();
        return TaskStateLib.open(state.flags(), state.attempt(), task.notBefore, task.deadline, task.leaseDuration, reward);
    }

    /// @dev Releases the stake `agentId` locked for this task's abandonSlash (when the task slashes).
    function _unlock(Task storage task, TaskState state, uint256 agentId) internal {
        if (state.has(TaskStateLib.FLAG_SLASH)) _stakes.unlock(agentId, task.abandonSlash);
    }

    /// @dev Slashes the abandoning claimant's locked stake to the treasury; returns what was taken.
    function _slashAbandoned(Task storage task, TaskState state) internal returns (uint256 slashed) {
        if (!state.has(TaskStateLib.FLAG_SLASH)) return 0;
        uint256 agentId = state.claimant();
        uint256 slash = task.abandonSlash;
        // The slash goes to the treasury: no poster profits from a claimant's failure.
        slashed = _stakes.slash(agentId, slash, _treasury, ABANDONED);
        _stakes.unlock(agentId, slash);
    }

    /// @dev Names why `agentId` may not claim: unknown, not the caller's, lacking the capability, or the poster's own.
    function _revertIneligible(uint256 taskId, uint256 agentId, bytes32 capability, address poster) private view {
        _requireAuthorized(agentId);
        if (capability != bytes32(0) && !_identity.hasCapability(agentId, capability)) {
            revert MissingCapability(taskId, agentId, capability);
        }
        revert AgentOfPoster(taskId, agentId, poster);
    }

    // ================================================================ terms

    /// @dev The task's state word, or a revert naming its status when it is not `expected`.
    function _requireStatus(uint256 taskId, Task storage task, TaskStatus expected) internal view returns (TaskState state) {
        state = task.state;
        TaskStatus current = state.status();
        if (current != expected) {
            if (current == TaskStatus.None) revert TaskNotFound(taskId);
            revert WrongStatus(taskId, current, expected);
        }
    }

    /// @dev The reward token (the zero address for ETH).
    function _tokenOf(Task storage task, TaskState state) internal view returns (address) {
        return state.has(TaskStateLib.FLAG_TOKEN) ? task.rewardToken : address(0);
    }

    /// @dev The reward at posting (the state word holds it while the task is open, or always when flat).
    function _baseReward(Task storage task, TaskState state) internal view returns (uint256) {
        return state.has(TaskStateLib.FLAG_RAMP) ? task.reward : state.lockedReward();
    }

    /// @dev The escrowed reward (a flat task's is its reward).
    function _maxReward(Task storage task, TaskState state) internal view returns (uint256) {
        return state.has(TaskStateLib.FLAG_RAMP) ? task.maxReward : state.lockedReward();
    }

    /// @dev The claimant's bond (0 when the task takes none).
    function _bondOf(Task storage task, TaskState state) internal view returns (uint256) {
        return state.has(TaskStateLib.FLAG_BOND) ? task.claimBond : 0;
    }

    /// @dev Checks what every spec needs (times are checked by the caller: absolute or relative).
    function _validate(TaskSpec calldata spec) internal pure {
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

    /// @dev The flags of a spec: which optional slots its tasks use.
    function _flags(TaskSpec calldata spec) internal pure returns (uint8 flags) {
        if (spec.capability != bytes32(0)) flags |= TaskStateLib.FLAG_CAPABILITY;
        if (spec.claimBond != 0) flags |= TaskStateLib.FLAG_BOND;
        if (spec.rewardToken != address(0)) flags |= TaskStateLib.FLAG_TOKEN;
        if (spec.maxReward != spec.reward) flags |= TaskStateLib.FLAG_RAMP;
        if (spec.abandonSlash != 0) flags |= TaskStateLib.FLAG_SLASH;
    }

    /// @dev Stores the spec's terms that are not in the state word, each optional slot only when set.
    function _storeTerms(Task storage task, TaskSpec calldata spec, address poster, uint40 notBefore, uint40 deadline)
        internal
    {
        // Lease and review window fit 32 bits (at most MAX_DURATION); deadline 40 (checked in _validate).
        task.notBefore = notBefore;
        task.deadline = deadline;
        task.leaseDuration = uint32(spec.leaseDuration);
        task.reviewWindow = uint32(spec.reviewWindow);
        task.postedAt = uint40(block.timestamp);
        task.poster = poster;
        task.minStake = uint96(spec.minStake);
        if (spec.capability != bytes32(0)) task.capability = spec.capability;
        if (spec.maxReward != spec.reward) {
            task.reward = uint96(spec.reward);
            task.maxReward = uint96(spec.maxReward);
        }
        if (spec.claimBond != 0 || spec.abandonSlash != 0) {
            task.claimBond = uint128(spec.claimBond);
            task.abandonSlash = uint104(spec.abandonSlash);
        }
        if (spec.rewardToken != address(0)) task.rewardToken = spec.rewardToken;
        if (spec.approver != address(0)) task.approver = spec.approver;
    }

    // ================================================================ payees and reputation

    /// @dev Where an agent is paid: its agentWallet, or its owner when it has none.
    function _payee(uint256 agentId) internal view returns (address) {
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
    function _feedback(uint256 taskId, uint256 agentId, int128 value, string memory outcome) internal {
        // solhint: a success needs nothing more; only a failure is recorded
        // solhint-disable-next-line no-empty-blocks
        try _reputation.giveFeedback{gas: FEEDBACK_GAS}(agentId, value, 0, "task", outcome, "", "", bytes32(taskId)) {}
        catch {
            if (gasleft() < FEEDBACK_GAS / 63) revert FeedbackOutOfGas(taskId);
            emit FeedbackFailed(taskId, agentId, outcome);
        }
    }
}
