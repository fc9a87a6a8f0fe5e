// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAgentErrors} from "./IAgentErrors.sol";

/**
 * @title ITaskBoard
 * @notice Atomic work claims with escrow, leases, handoffs, human escalation and schedules.
 *
 * A task is posted with `maxReward` escrowed (ETH or an ERC-20); the payable reward rises linearly
 * from `reward` at posting to `maxReward` at the deadline and is locked in when a claim lands.
 * Exactly one eligible agent holds a task at a time; every act of the claimant carries `attempt`,
 * and an act with a stale attempt reverts. Money only ever moves out as pull-based credits
 * ({withdrawCredit}).
 */
interface ITaskBoard is IAgentErrors {
    /// @notice Where a task is in its life (a uint8 in the ABI).
    enum TaskStatus {
        /// No task has this id.
        None,
        /// Posted, waiting for a claim (again after a rejection, a reclaim or a released claim).
        Open,
        /// Held by a claimant whose lease runs.
        Claimed,
        /// The result is in; the poster's review window runs.
        Submitted,
        /// The claimant asked the approver; the lease clock is stopped.
        Escalated,
        /// Paid (settled).
        Accepted,
        /// Withdrawn by its poster while open (settled).
        Cancelled,
        /// Closed unclaimed after its deadline (settled).
        Expired
    }

    /// @notice The bounded terms of a spec or schedule, named by {TermOutOfRange}.
    enum Term {
        /// `maxReward` (below 2^96).
        MaxReward,
        /// `claimBond` (below 2^128).
        ClaimBond,
        /// `minStake` (below 2^96).
        MinStake,
        /// `abandonSlash` (below 2^104).
        AbandonSlash,
        /// `leaseDuration` (MIN_LEASE_DURATION to MAX_DURATION).
        LeaseDuration,
        /// `reviewWindow` (at most MAX_DURATION).
        ReviewWindow,
        /// `deadline` (below 2^40).
        Deadline,
        /// A schedule's `count` (1 to MAX_ROUNDS).
        Count,
        /// A schedule's `interval` (1 to MAX_DURATION when it has more than one round).
        Interval,
        /// A schedule template's `deadline`, the round window (1 to MAX_DURATION).
        Window,
        /// A schedule's `firstAt` (its last round must be due before 2^40).
        FirstAt
    }

    /// @notice What a poster asks for. Times are unix seconds; amounts are in the reward token.
    struct TaskSpec {
        /// Capability the claimant must have declared (0: any agent).
        bytes32 capability;
        /// Where the task is described.
        string specURI;
        /// keccak256 of that description.
        bytes32 specHash;
        /// ERC-20 paying reward and bonds; the zero address for ETH.
        address rewardToken;
        /// Reward payable at posting.
        uint256 reward;
        /// Reward payable at the deadline (the urgency signal); escrowed in full.
        uint256 maxReward;
        /// Bond a claimant posts with its claim; lost if its lease expires.
        uint256 claimBond;
        /// Active stake a claimant needs.
        uint256 minStake;
        /// Stake slashed (to the treasury) from a claimant whose lease expires; locked while it holds the task.
        uint256 abandonSlash;
        /// Seconds a claim or renewal lasts (at least MIN_LEASE_DURATION).
        uint64 leaseDuration;
        /// Earliest claim time (0: now). For schedule templates: ignored (the round's due time).
        uint64 notBefore;
        /// Claims are accepted while now < deadline. For schedule templates: seconds after the due time.
        uint64 deadline;
        /// Seconds the poster has to accept or reject a submission; silence then means acceptance.
        uint64 reviewWindow;
        /// Who answers escalations (0: the poster).
        address approver;
    }

    /// @notice A task as stored, for reads.
    // solhint: returned in memory and ABI-encoded a word per field: order is for readers
    // solhint-disable-next-line gas-struct-packing
    struct TaskView {
        TaskStatus status;
        uint32 attempt;
        uint256 claimant;
        /// Lease expiry (Claimed), review deadline (Submitted) or paused lease seconds (Escalated); 0 otherwise.
        uint64 timer;
        uint256 lockedReward;
        address poster;
        address rewardToken;
        address approver;
        bytes32 capability;
        uint256 reward;
        uint256 maxReward;
        uint256 claimBond;
        uint256 minStake;
        uint256 abandonSlash;
        uint64 postedAt;
        uint64 notBefore;
        uint64 deadline;
        uint64 leaseDuration;
        uint64 reviewWindow;
    }

    /// @notice A schedule as stored, for reads.
    struct ScheduleView {
        address poster;
        uint64 firstAt;
        uint64 interval;
        uint32 count;
        uint32 spawned;
        bool cancelled;
    }

    /**
     * @notice Emitted when a task is posted, directly or spawned from a schedule round.
     * @param taskId The task.
     * @param poster Who posted it (and escrowed its reward).
     * @param capability The capability it needs.
     * @param spec Everything else the poster asked for (times as stored: absolute).
     * @param scheduleId The schedule it was spawned from (0: posted directly).
     * @param round The schedule round.
     */
    event TaskPosted(
        uint256 indexed taskId,
        address indexed poster,
        bytes32 indexed capability,
        TaskSpec spec,
        uint256 scheduleId,
        uint32 round
    );

    /**
     * @notice Emitted when an agent claims a task (also when it accepts a handoff).
     * @param taskId The task.
     * @param agentId The claimant.
     * @param attempt The claim's fencing token.
     * @param leaseExpiry When the lease ends unless renewed.
     * @param lockedReward The reward it will be paid on acceptance.
     */
    event TaskClaimed(uint256 indexed taskId, uint256 indexed agentId, uint32 attempt, uint64 leaseExpiry, uint256 lockedReward);

    /**
     * @notice Emitted when the claimant extends its lease.
     * @param taskId The task.
     * @param agentId The claimant.
     * @param attempt Its attempt.
     * @param leaseExpiry The new lease expiry.
     */
    event LeaseRenewed(uint256 indexed taskId, uint256 indexed agentId, uint32 attempt, uint64 leaseExpiry);

    /**
     * @notice Emitted when the claimant submits its result.
     * @param taskId The task.
     * @param agentId The claimant.
     * @param attempt Its attempt.
     * @param resultURI Where the result is.
     * @param resultHash keccak256 of the result.
     * @param reviewDeadline Until when the poster may reject; after it, anyone may accept.
     */
    event TaskSubmitted(
        uint256 indexed taskId,
        uint256 indexed agentId,
        uint32 attempt,
        string resultURI,
        bytes32 resultHash,
        uint64 reviewDeadline
    );

    /**
     * @notice Emitted when a submission is accepted (by the poster, or by anyone after the review window).
     * @param taskId The task.
     * @param agentId The claimant paid.
     * @param attempt Its attempt.
     * @param payee Who was credited (the agent's wallet, or its owner when it has none).
     * @param reward The reward credited.
     * @param bond The bond returned with it.
     * @param refund What the poster got back (maxReward - reward).
     * @param byPoster True if the poster accepted, false if silence did.
     */
    event TaskAccepted(
        uint256 indexed taskId,
        uint256 indexed agentId,
        uint32 attempt,
        address payee,
        uint256 reward,
        uint256 bond,
        uint256 refund,
        bool byPoster
    );

    /**
     * @notice Emitted when the poster rejects a submission; the task reopens and the bond is returned.
     * @param taskId The task.
     * @param agentId The rejected claimant.
     * @param attempt Its attempt.
     * @param reasonURI Why.
     */
    event TaskRejected(uint256 indexed taskId, uint256 indexed agentId, uint32 attempt, string reasonURI);

    /**
     * @notice Emitted when a task whose lease expired is reopened.
     * @param taskId The task.
     * @param agentId The claimant that abandoned it.
     * @param attempt Its attempt.
     * @param bondSlashed The bond credited to the poster.
     * @param stakeSlashed The stake slashed to the treasury.
     * @param by Who called reclaim.
     */
    event TaskReclaimed(
        uint256 indexed taskId, uint256 indexed agentId, uint32 attempt, uint256 bondSlashed, uint256 stakeSlashed, address by
    );

    /**
     * @notice Emitted when the poster cancels an open task.
     * @param taskId The task.
     * @param refund The escrow credited back to the poster.
     */
    event TaskCancelled(uint256 indexed taskId, uint256 refund);

    /**
     * @notice Emitted when an open task passes its deadline and is closed.
     * @param taskId The task.
     * @param refund The escrow credited back to the poster.
     */
    event TaskExpired(uint256 indexed taskId, uint256 refund);

    /**
     * @notice Emitted when the claimant offers the task to another agent.
     * @param taskId The task.
     * @param fromAgentId The claimant offering it.
     * @param toAgentId The agent that may take it over with {acceptHandoff}.
     * @param attempt The offering claimant's attempt (the offer lapses with it).
     * @param contextURI What the taker needs to know.
     */
    event TaskHandedOff(uint256 indexed taskId, uint256 indexed fromAgentId, uint256 indexed toAgentId, uint32 attempt, string contextURI);

    /**
     * @notice Emitted when the claimant asks the approver a question; the lease clock stops.
     * @param taskId The task.
     * @param agentId The claimant.
     * @param attempt Its attempt.
     * @param questionURI The question.
     * @param leaseRemaining Lease seconds left, restarted if the approver resumes the claim.
     * @param answerBy When the escalation ends unanswered ({expireEscalation} from then on).
     */
    event TaskEscalated(
        uint256 indexed taskId, uint256 indexed agentId, uint32 attempt, string questionURI, uint64 leaseRemaining, uint64 answerBy
    );

    /**
     * @notice Emitted when the approver answers.
     * @param taskId The task.
     * @param answerURI The answer.
     * @param resume True: the claimant goes on (lease restarted with its remaining time); false:
     * the claim is released without penalty and the task reopens.
     * @param leaseExpiry The new lease expiry when resumed (0 otherwise).
     */
    event EscalationResolved(uint256 indexed taskId, string answerURI, bool resume, uint64 leaseExpiry);

    /**
     * @notice Emitted when an escalation ends unanswered: the claim is released without penalty
     * (bond returned) and the task reopens.
     * @param taskId The task.
     * @param agentId The released claimant.
     * @param attempt Its attempt.
     * @param by Who called {expireEscalation}.
     */
    event EscalationExpired(uint256 indexed taskId, uint256 indexed agentId, uint32 attempt, address by);

    /**
     * @notice Emitted when a settlement's reputation write failed (the settlement stands): the
     * feedback that should have been recorded, for the indexer and for a later manual review.
     * @param taskId The task.
     * @param agentId The agent the feedback was about.
     * @param outcome Its tag2: "accepted", "rejected" or "abandoned".
     */
    event FeedbackFailed(uint256 indexed taskId, uint256 indexed agentId, string outcome);

    /**
     * @notice Emitted when a schedule is created; every round's `maxReward` is escrowed.
     * @param scheduleId The schedule.
     * @param poster Who created it (and escrowed every round).
     * @param template The rounds' spec (times relative: `deadline` is a round's claim window).
     * @param firstAt When round 0 is due.
     * @param interval Seconds between rounds.
     * @param count Number of rounds.
     */
    event ScheduleCreated(
        uint256 indexed scheduleId, address indexed poster, TaskSpec template, uint64 firstAt, uint64 interval, uint32 count
    );

    /**
     * @notice Emitted when a schedule is cancelled.
     * @param scheduleId The schedule.
     * @param refund The escrow of its unspawned rounds, credited to the poster.
     * @param spawned Rounds spawned before the cancellation (they live on as tasks).
     */
    event ScheduleCancelled(uint256 indexed scheduleId, uint256 refund, uint32 spawned);

    /**
     * @notice Emitted whenever an account is credited (reward, bond, refund, slash).
     * @param account Who may withdraw it.
     * @param token The token (the zero address for ETH).
     * @param amount How much.
     * @param taskId The task it comes from (0 for a schedule's refund).
     */
    event Credited(address indexed account, address indexed token, uint256 amount, uint256 indexed taskId);

    /**
     * @notice Emitted when an account withdraws its credit.
     * @param account Who withdrew (and was paid).
     * @param token The token (the zero address for ETH).
     * @param amount How much.
     */
    event CreditWithdrawn(address indexed account, address indexed token, uint256 amount);

    /**
     * @notice Thrown when no task has this id.
     * @param taskId The id.
     */
    error TaskNotFound(uint256 taskId);
    /**
     * @notice Thrown when a spec's `reward` exceeds its `maxReward`.
     * @param reward The reward asked for.
     * @param maxReward The maximum reward asked for.
     */
    error RewardAboveMax(uint256 reward, uint256 maxReward);
    /**
     * @notice Thrown when a task's deadline is not after both now and its `notBefore`.
     * @param deadline The deadline asked for.
     * @param earliest The time it must be after: the later of now and `notBefore`.
     */
    error DeadlineTooEarly(uint64 deadline, uint64 earliest);
    /**
     * @notice Thrown when a term of a spec or schedule is outside its bounds.
     * @param term Which term.
     * @param value The value given.
     * @param min The smallest value allowed.
     * @param max The largest value allowed.
     */
    error TermOutOfRange(Term term, uint256 value, uint256 min, uint256 max);
    /**
     * @notice Thrown when the ETH sent differs from what is due.
     * @param expected The ETH due.
     * @param received The ETH sent.
     */
    error WrongPayment(uint256 expected, uint256 received);
    /**
     * @notice Thrown when an ERC-20 delivers a different amount than transferred (fee-on-transfer
     * tokens are not supported).
     * @param token The token.
     * @param expected The amount transferred.
     * @param received The amount that arrived.
     */
    error UnsupportedToken(address token, uint256 expected, uint256 received);
    /**
     * @notice Thrown when claiming a task that is not open.
     * @param taskId The task.
     * @param status Its status.
     * @param claimant Who holds it (or held it last; 0 for a cancelled or expired task).
     * @param attempt Its current attempt.
     */
    error TaskNotOpen(uint256 taskId, TaskStatus status, uint256 claimant, uint32 attempt);
    /**
     * @notice Thrown when claiming before `notBefore`.
     * @param taskId The task.
     * @param notBefore When it can be claimed.
     */
    error TaskNotYetClaimable(uint256 taskId, uint64 notBefore);
    /**
     * @notice Thrown when claiming at or after the deadline.
     * @param taskId The task (0 for a schedule round not spawned yet).
     * @param deadline Its deadline.
     */
    error TaskPastDeadline(uint256 taskId, uint64 deadline);
    /**
     * @notice Thrown when the agent lacks the task's capability.
     * @param taskId The task.
     * @param agentId The agent.
     * @param capability The capability the task needs.
     */
    error MissingCapability(uint256 taskId, uint256 agentId, bytes32 capability);
    /**
     * @notice Thrown when the agent's active stake (its unlocked part, for a task that slashes) is
     * below the task's minimum.
     * @param taskId The task.
     * @param agentId The agent.
     * @param stake Its stake.
     * @param minStake The task's minimum.
     */
    error StakeTooLow(uint256 taskId, uint256 agentId, uint256 stake, uint256 minStake);
    /**
     * @notice Thrown when the agent is one of the poster's own (the poster is its owner, an
     * approved operator or its agentWallet): nobody works, and earns reputation, for itself.
     * @param taskId The task.
     * @param agentId The agent.
     * @param poster The task's poster.
     */
    error AgentOfPoster(uint256 taskId, uint256 agentId, address poster);
    /**
     * @notice Thrown when expiring an escalation its approver may still answer.
     * @param taskId The task.
     * @param answerBy When the escalation can be expired.
     */
    error EscalationActive(uint256 taskId, uint64 answerBy);
    /**
     * @notice Thrown when a settlement's caller left so little gas that the reputation write may
     * have failed for lack of it (a settlement cannot be made to skip its feedback); send more gas.
     * @param taskId The task.
     */
    error FeedbackOutOfGas(uint256 taskId);
    /// @notice Thrown when TaskBoard is deployed without a treasury to receive abandonment slashes.
    error ZeroTreasury();
    /**
     * @notice Thrown when an act carries an attempt that is not the current one.
     * @param taskId The task.
     * @param attempt The attempt the act carried.
     * @param currentAttempt The task's current attempt.
     */
    error StaleAttempt(uint256 taskId, uint32 attempt, uint32 currentAttempt);
    /**
     * @notice Thrown when an act needs another status.
     * @param taskId The task.
     * @param current Its status.
     * @param expected The status the act needs.
     */
    error WrongStatus(uint256 taskId, TaskStatus current, TaskStatus expected);
    /**
     * @notice Thrown when the claimant acts after its lease expired.
     * @param taskId The task.
     * @param leaseExpiry When the lease expired.
     */
    error LeaseExpired(uint256 taskId, uint64 leaseExpiry);
    /**
     * @notice Thrown when reclaiming before the lease expired.
     * @param taskId The task.
     * @param leaseExpiry When it expires.
     */
    error LeaseActive(uint256 taskId, uint64 leaseExpiry);
    /**
     * @notice Thrown when renewing at or after the deadline.
     * @param taskId The task.
     * @param deadline Its deadline.
     */
    error RenewalPastDeadline(uint256 taskId, uint64 deadline);
    /**
     * @notice Thrown when someone other than the poster acts for it.
     * @param taskId The task (0 for a schedule).
     * @param caller Who called.
     */
    error NotPoster(uint256 taskId, address caller);
    /**
     * @notice Thrown when someone other than the approver resolves an escalation.
     * @param taskId The task.
     * @param caller Who called.
     */
    error NotApprover(uint256 taskId, address caller);
    /**
     * @notice Thrown when anyone but the poster accepts before the review window ended.
     * @param taskId The task.
     * @param reviewDeadline When the window ends.
     */
    error ReviewWindowOpen(uint256 taskId, uint64 reviewDeadline);
    /**
     * @notice Thrown when the poster rejects after the review window ended.
     * @param taskId The task.
     * @param reviewDeadline When the window ended.
     */
    error ReviewWindowClosed(uint256 taskId, uint64 reviewDeadline);
    /**
     * @notice Thrown when expiring before the deadline.
     * @param taskId The task.
     * @param deadline Its deadline.
     */
    error DeadlineNotReached(uint256 taskId, uint64 deadline);
    /**
     * @notice Thrown when accepting a handoff that was not offered to this agent.
     * @param taskId The task.
     * @param agentId The agent that tried to take it.
     * @param offeredTo The agent it is offered to (0: none).
     */
    error HandoffNotOffered(uint256 taskId, uint256 agentId, uint256 offeredTo);
    /**
     * @notice Thrown when handing a task to its own claimant.
     * @param taskId The task.
     * @param agentId The claimant.
     */
    error HandoffToSelf(uint256 taskId, uint256 agentId);
    /**
     * @notice Thrown when no schedule has this id.
     * @param scheduleId The id.
     */
    error ScheduleNotFound(uint256 scheduleId);
    /**
     * @notice Thrown when claiming a round past the schedule's count.
     * @param scheduleId The schedule.
     * @param round The round asked for.
     * @param count The schedule's number of rounds.
     */
    error RoundOutOfRange(uint256 scheduleId, uint32 round, uint32 count);
    /**
     * @notice Thrown when claiming a round before it is due.
     * @param scheduleId The schedule.
     * @param round The round.
     * @param dueAt When it is due.
     */
    error RoundNotDue(uint256 scheduleId, uint32 round, uint64 dueAt);
    /**
     * @notice Thrown when a round was already spawned (its task is claimed through {claim}).
     * @param scheduleId The schedule.
     * @param round The round.
     * @param taskId Its task.
     */
    error RoundAlreadySpawned(uint256 scheduleId, uint32 round, uint256 taskId);
    /**
     * @notice Thrown when acting on a cancelled schedule.
     * @param scheduleId The schedule.
     */
    error ScheduleIsCancelled(uint256 scheduleId);
    /**
     * @notice Thrown when withdrawing a zero credit.
     * @param account The caller.
     * @param token The token asked for.
     */
    error NothingToWithdraw(address account, address token);
    /**
     * @notice Thrown when an ETH payment to `to` fails.
     * @param to The recipient.
     * @param amount The amount.
     */
    error EthTransferFailed(address to, uint256 amount);

    /**
     * @notice Posts a task and escrows its `maxReward`: sent as ETH, or pulled from the caller
     * (approve first) when `rewardToken` is an ERC-20.
     * @dev Requirements: notBefore (0: now) < deadline and now < deadline; reward <= maxReward <
     * 2^96; minStake < 2^96; MIN_LEASE_DURATION <= leaseDuration <= MAX_DURATION; reviewWindow <=
     * MAX_DURATION; the exact ETH (or none, for a token) is sent; the token delivers the full
     * amount. Emits {TaskPosted}.
     * @param spec The task's terms.
     * @return taskId The new task's id (from 1).
     */
    function postTask(TaskSpec calldata spec) external payable returns (uint256 taskId);

    /**
     * @notice Claims an open task for `agentId`: one compare-and-set of the task's state word.
     * Locks in the reward payable now, starts the lease, locks `abandonSlash` of the agent's stake
     * until the claim ends (it cannot be unstaken meanwhile) and takes the bond (ETH sent with the
     * call, or pulled ERC-20).
     * @dev Requirements: the task is Open; notBefore <= now < deadline; the caller is authorised for
     * the agent; the agent has the capability, is not one of the poster's own (owner, operator or
     * agentWallet of the poster), has at least `minStake` active stake and `abandonSlash` of it not
     * yet locked; the exact bond is paid. Emits {TaskClaimed}.
     * @param taskId The task.
     * @param agentId The agent claiming it.
     */
    function claim(uint256 taskId, uint256 agentId) external payable;

    /**
     * @notice Extends the claimant's lease by `leaseDuration` from now.
     * @dev Requirements: the task is Claimed with this attempt; the lease has not expired; now <
     * deadline; the caller is authorised for the claimant. Emits {LeaseRenewed}.
     * @param taskId The task.
     * @param attempt The claim's attempt.
     */
    function renewLease(uint256 taskId, uint32 attempt) external;

    /**
     * @notice Submits the result; the poster's review window starts and the claimant's stake lock
     * is released (a submitted task can no longer be abandoned).
     * @dev Requirements: as {renewLease}, without the deadline. Emits {TaskSubmitted}.
     * @param taskId The task.
     * @param attempt The claim's attempt.
     * @param resultURI Where the result is.
     * @param resultHash keccak256 of the result.
     */
    function submit(uint256 taskId, uint32 attempt, string calldata resultURI, bytes32 resultHash) external;

    /**
     * @notice Accepts a submission: the claimant's payee (its agentWallet, or owner) is credited the
     * locked reward and its bond, the poster the rest of the escrow, and TaskBoard records the
     * outcome in the ReputationRegistry (tag1 "task", tag2 "accepted", value 100). The poster may
     * accept at any time; anyone may once the review window has passed (silence is acceptance).
     * @dev Requirements: the task is Submitted. Emits {TaskAccepted} and {Credited}.
     * @param taskId The task.
     */
    function accept(uint256 taskId) external;

    /**
     * @notice Rejects a submission within the review window: the bond goes back to the claimant's
     * payee, the task reopens, and feedback (tag2 "rejected", value 0) is recorded.
     * @dev Requirements: the task is Submitted; the caller is the poster; now < review deadline.
     * Emits {TaskRejected}.
     * @param taskId The task.
     * @param reasonURI Why.
     */
    function reject(uint256 taskId, string calldata reasonURI) external;

    /**
     * @notice Reopens a task whose lease expired; anyone may call. The bond goes to the poster (as
     * credit), `abandonSlash` of the claimant's stake to the treasury (never to the poster, who
     * would profit from a trap), and feedback (tag2 "abandoned", value 0) is recorded.
     * @dev Requirements: the task is Claimed and its lease has expired. Emits {TaskReclaimed}.
     * @param taskId The task.
     */
    function reclaim(uint256 taskId) external;

    /**
     * @notice Cancels an open task; its escrow is credited back to the poster.
     * @dev Requirements: the task is Open; the caller is the poster. Emits {TaskCancelled}.
     * @param taskId The task.
     */
    function cancel(uint256 taskId) external;

    /**
     * @notice Closes an open task whose deadline passed; anyone may call. The escrow is credited
     * back to the poster.
     * @dev Requirements: the task is Open; now >= deadline. Emits {TaskExpired}.
     * @param taskId The task.
     */
    function expire(uint256 taskId) external;

    /**
     * @notice Offers the task to another agent, who takes it over with {acceptHandoff}; until then
     * the claimant keeps it.
     * @dev Requirements: as {submit}; the other agent exists and is not the claimant.
     * Emits {TaskHandedOff}.
     * @param taskId The task.
     * @param attempt The claim's attempt.
     * @param toAgentId The agent offered the task.
     * @param contextURI What the taker needs to know.
     */
    function handoff(uint256 taskId, uint32 attempt, uint256 toAgentId, string calldata contextURI) external;

    /**
     * @notice Takes over a task offered with {handoff}: a new attempt, the same locked reward; the
     * new claimant posts its bond and locks its stake, the previous one's are released. The lease
     * never extends the task past its deadline: a fresh `leaseDuration` cut at the deadline, or the
     * lease taken over when that one runs longer.
     * @dev Requirements: the offer is for this agent and the current attempt; the lease has not
     * expired; the agent is eligible as for {claim}. Emits {TaskClaimed}.
     * @param taskId The task.
     * @param agentId The agent the task was offered to.
     */
    function acceptHandoff(uint256 taskId, uint256 agentId) external payable;

    /**
     * @notice Asks the approver a question; the lease clock stops until the answer. The approver
     * has the task's review window, at least MIN_ESCALATION_WINDOW, to answer; after that anyone
     * may end the escalation with {expireEscalation}.
     * @dev Requirements: as {submit}. Emits {TaskEscalated}.
     * @param taskId The task.
     * @param attempt The claim's attempt.
     * @param questionURI The question.
     */
    function escalate(uint256 taskId, uint32 attempt, string calldata questionURI) external;

    /**
     * @notice Answers an escalation: `resume` restarts the lease with the time it had left;
     * otherwise the claim ends without penalty (bond returned) and the task reopens.
     * @dev Requirements: the task is Escalated; the caller is the approver (the poster when none
     * was named). Emits {EscalationResolved}.
     * @param taskId The task.
     * @param answerURI The answer.
     * @param resume True to let the claimant go on; false to release the claim.
     */
    function resolveEscalation(uint256 taskId, string calldata answerURI, bool resume) external;

    /**
     * @notice Ends an escalation its approver left unanswered past {escalationDeadline}; anyone may
     * call. The claim is released without penalty (bond returned, stake unlocked) and the task
     * reopens; past its deadline the poster (or anyone) can then {expire} it.
     * @dev Requirements: the task is Escalated; now >= its escalation deadline.
     * Emits {EscalationExpired}.
     * @param taskId The task.
     */
    function expireEscalation(uint256 taskId) external;

    /**
     * @notice Creates `count` rounds of `template`, round r due at firstAt + r * interval, escrowing
     * `count * maxReward`. The template's `deadline` is each round's claim window in seconds after
     * its due time; its `notBefore` is ignored.
     * @dev Requirements: 1 <= count <= MAX_ROUNDS; 0 < interval <= MAX_DURATION when count > 1;
     * 0 < window <= MAX_DURATION; the template is valid as for {postTask}; the escrow is paid.
     * Emits {ScheduleCreated}.
     * @param template The rounds' terms (times relative, see above).
     * @param firstAt When round 0 is due.
     * @param interval Seconds between rounds.
     * @param count Number of rounds.
     * @return scheduleId The new schedule's id (from 1).
     */
    function createSchedule(TaskSpec calldata template, uint64 firstAt, uint64 interval, uint32 count)
        external
        payable
        returns (uint256 scheduleId);

    /**
     * @notice Spawns the due round's task and claims it for `agentId` in one transaction: one winner
     * per round, no keeper needed.
     * @dev Requirements: the schedule exists and is not cancelled; round < count; the round is due,
     * not spawned yet and within its window; the agent is eligible as for {claim}.
     * Emits {TaskPosted} and {TaskClaimed}.
     * @param scheduleId The schedule.
     * @param round The round.
     * @param agentId The agent claiming it.
     * @return taskId The round's task.
     */
    function claimScheduled(uint256 scheduleId, uint32 round, uint256 agentId) external payable returns (uint256 taskId);

    /**
     * @notice Cancels a schedule: rounds not yet spawned are refunded to the poster (as credit).
     * Spawned rounds live on as tasks.
     * @dev Requirements: the caller is the poster; not already cancelled. Emits {ScheduleCancelled}.
     * @param scheduleId The schedule.
     */
    function cancelSchedule(uint256 scheduleId) external;

    /**
     * @notice Pays the caller its credit in `token` (the zero address for ETH).
     * @dev Requirements: the credit is not zero. Emits {CreditWithdrawn}.
     * @param token The token to withdraw.
     */
    function withdrawCredit(address token) external;

    /**
     * @notice A task's state and terms.
     * @param taskId The task.
     * @return task Its state and terms.
     */
    function getTask(uint256 taskId) external view returns (TaskView memory task);

    /**
     * @notice The reward a claim would lock in now.
     * @param taskId The task.
     * @return reward The reward.
     */
    function payableReward(uint256 taskId) external view returns (uint256 reward);

    /**
     * @notice A schedule's terms and progress.
     * @param scheduleId The schedule.
     * @return schedule Its terms and progress.
     */
    function getSchedule(uint256 scheduleId) external view returns (ScheduleView memory schedule);

    /**
     * @notice The task spawned for a schedule round.
     * @param scheduleId The schedule.
     * @param round The round.
     * @return taskId Its task (0 if none yet).
     */
    function roundTask(uint256 scheduleId, uint32 round) external view returns (uint256 taskId);

    /**
     * @notice What `account` can withdraw in `token`.
     * @param account The account.
     * @param token The token (the zero address for ETH).
     * @return credit The amount.
     */
    function creditOf(address account, address token) external view returns (uint256 credit);

    /**
     * @notice Escrowed rewards and held bonds in `token`: the board's balance less its credits.
     * @param token The token (the zero address for ETH).
     * @return amount The amount.
     */
    function totalEscrowed(address token) external view returns (uint256 amount);

    /**
     * @notice Unwithdrawn credits in `token`.
     * @param token The token (the zero address for ETH).
     * @return amount The amount.
     */
    function totalCredits(address token) external view returns (uint256 amount);

    /**
     * @notice Number of tasks posted or spawned.
     * @return count The number (also the latest task id).
     */
    function taskCount() external view returns (uint256 count);

    /**
     * @notice Number of schedules created.
     * @return count The number (also the latest schedule id).
     */
    function scheduleCount() external view returns (uint256 count);

    /**
     * @notice The agent the current claimant offered the task to.
     * @param taskId The task.
     * @return toAgentId The agent (0 if none).
     */
    function pendingHandoff(uint256 taskId) external view returns (uint256 toAgentId);

    /**
     * @notice When the current escalation can be expired.
     * @param taskId The task.
     * @return answerBy The time (0 unless the task is Escalated).
     */
    function escalationDeadline(uint256 taskId) external view returns (uint64 answerBy);

    /**
     * @notice Receiver of abandonment slashes.
     * @return treasury_ The treasury.
     */
    function treasury() external view returns (address treasury_);
}
