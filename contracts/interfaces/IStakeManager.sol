// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IAgentErrors} from "./IAgentErrors.sol";
import {IStakeListener} from "./IStakeListener.sol";

/**
 * @title IStakeManager
 * @notice Stake in one ERC-20 token, owned by an `agentId`. Active stake gives weight (elections,
 * votes, task eligibility); stake leaving goes through an unbonding period during which it can
 * still be slashed.
 */
interface IStakeManager is IAgentErrors {
    /**
     * @notice Emitted when stake is added.
     * @param agentId The agent.
     * @param staker Who paid.
     * @param amount Tokens added.
     * @param newStake The agent's active stake after.
     * @param totalStake All agents' active stake after.
     */
    event Staked(uint256 indexed agentId, address indexed staker, uint256 amount, uint256 newStake, uint256 totalStake);

    /**
     * @notice Emitted when stake moves from active to unbonding.
     * @param agentId The agent.
     * @param amount Tokens moved.
     * @param newStake Active stake after.
     * @param unbonding Total unbonding after (earlier requests included).
     * @param releaseAt When all of the unbonding amount can be withdrawn.
     * @param totalStake All agents' active stake after.
     */
    event UnstakeRequested(
        uint256 indexed agentId, uint256 amount, uint256 newStake, uint256 unbonding, uint64 releaseAt, uint256 totalStake
    );

    /**
     * @notice Emitted when unbonded stake is paid out.
     * @param agentId The agent.
     * @param to The agent's owner, who was paid (whoever called).
     * @param amount Tokens paid.
     * @param unbonding Unbonding stake left (kept because a slash cut the active stake below the lock).
     */
    event Withdrawn(uint256 indexed agentId, address indexed to, uint256 amount, uint256 unbonding);

    /**
     * @notice Emitted when a slasher locks stake it may slash later (TaskBoard: a claim's abandonSlash).
     * @param agentId The agent.
     * @param holder The slasher that locked it.
     * @param amount Tokens locked now.
     * @param locked The agent's locked stake after.
     */
    event StakeLocked(uint256 indexed agentId, address indexed holder, uint256 amount, uint256 locked);

    /**
     * @notice Emitted when a slasher releases stake it had locked.
     * @param agentId The agent.
     * @param holder The slasher that released it.
     * @param amount Tokens released.
     * @param locked The agent's locked stake after.
     */
    event StakeUnlocked(uint256 indexed agentId, address indexed holder, uint256 amount, uint256 locked);

    /**
     * @notice Emitted when stake is slashed (active first, then unbonding).
     * @param agentId The agent.
     * @param slasher The contract that slashed.
     * @param amount Tokens taken (at most what the agent had).
     * @param recipient Who received them.
     * @param reason The slasher's reason code.
     * @param newStake Active stake after.
     * @param unbonding Unbonding stake after.
     * @param totalStake All agents' active stake after.
     */
    event Slashed(
        uint256 indexed agentId,
        address indexed slasher,
        uint256 amount,
        address recipient,
        bytes32 reason,
        uint256 newStake,
        uint256 unbonding,
        uint256 totalStake
    );

    /**
     * @notice Emitted when the admin sets the contract told of every stake change.
     * @param listener The new listener (zero: none).
     */
    event StakeListenerSet(address indexed listener);

    /// @notice Thrown for a zero amount.
    error ZeroAmount();

    /**
     * @notice Thrown when unstaking more than the active stake.
     * @param agentId The agent.
     * @param stake Its active stake.
     * @param requested The amount asked for.
     */
    error InsufficientStake(uint256 agentId, uint256 stake, uint256 requested);

    /**
     * @notice Thrown when unstaking, withdrawing or locking would leave less stake than is locked (an
     * obligation the agent has not discharged, such as a task it holds).
     * @param agentId The agent.
     * @param active Its active stake.
     * @param locked Its locked stake.
     * @param requested The amount asked for (to unstake, withdraw or lock).
     */
    error StakeIsLocked(uint256 agentId, uint256 active, uint256 locked, uint256 requested);

    /**
     * @notice Thrown when there is nothing unbonding to withdraw.
     * @param agentId The agent.
     */
    error NothingToWithdraw(uint256 agentId);

    /**
     * @notice Thrown when withdrawing before the unbonding period has passed.
     * @param agentId The agent.
     * @param releaseAt When the stake can be withdrawn.
     */
    error StillUnbonding(uint256 agentId, uint64 releaseAt);

    /**
     * @notice Thrown when the token delivered a different amount than was transferred (fee-on-transfer
     * or rebasing tokens are not supported as stake).
     * @param expected The amount transferred.
     * @param received The balance increase observed.
     */
    error UnsupportedStakeToken(uint256 expected, uint256 received);

    /// @notice Thrown when slashing to the zero address.
    error ZeroRecipient();

    /**
     * @notice Thrown when a stake history lookup asks about now or the future.
     * @param timepoint The timestamp asked about.
     * @param now_ The current block timestamp.
     */
    error FutureLookup(uint256 timepoint, uint256 now_);

    /**
     * @notice Thrown when an amount does not fit the stake accounting (over 2^104 - 1 wei).
     * @param amount The resulting amount.
     */
    error StakeOverflow(uint256 amount);

    /// @notice The stake token, fixed at deployment.
    function stakeToken() external view returns (IERC20);

    /// @notice How long unstaked tokens stay slashable before they can be withdrawn, in seconds.
    function unbondingPeriod() external view returns (uint64);

    /**
     * @notice Adds `amount` of stake to `agentId`, paid by the caller (approve first).
     * @dev Requirements: amount > 0; the caller {IIdentityRegistry-isAuthorized} for the agent.
     * Emits {Staked}.
     * @param agentId The agent.
     * @param amount Tokens to add.
     */
    function stake(uint256 agentId, uint256 amount) external;

    /**
     * @notice Moves `amount` from active to unbonding; it stops giving weight at once and can be
     * withdrawn after {unbondingPeriod} (counted from this request, for the whole unbonding amount).
     * @dev Requirements: amount > 0 and at most the active stake; what stays active is at least
     * the locked stake; the caller is authorised; the stake listener does not refuse it
     * (LeaderElection refuses to let a group's leader unstake the failover slash it owes while it
     * holds the seat). Emits {UnstakeRequested}.
     * @param agentId The agent.
     * @param amount Tokens to unstake.
     */
    function requestUnstake(uint256 agentId, uint256 amount) external;

    /**
     * @notice Pays the unbonded stake to the agent's owner, never to the caller: an agentWallet or
     * an approved operator may trigger it, but cannot take the stake. If a slash cut the active
     * stake below the locked stake, that shortfall stays unbonding (still slashable).
     * @dev Requirements: the caller is authorised; something is unbonding, its release time has
     * passed, and some of it is not held back by the lock. Emits {Withdrawn}.
     * @param agentId The agent.
     */
    function withdraw(uint256 agentId) external;

    /**
     * @notice Locks `amount` of the agent's active stake for a slash the caller may make later: it
     * cannot be unstaken until {unlock}ed. Locks add up across slashers; each releases only what it
     * locked.
     * @dev Requirements: the caller has SLASHER_ROLE; locked + amount <= active stake.
     * Emits {StakeLocked}.
     * @param agentId The agent.
     * @param amount Tokens to lock.
     * @return stake The agent's active stake (so the caller can check a minimum without a second call).
     */
    function lock(uint256 agentId, uint256 amount) external returns (uint256 stake);

    /**
     * @notice Releases up to `amount` of the agent's locked stake (at most what is locked).
     * @dev Requirements: the caller has SLASHER_ROLE. Emits {StakeUnlocked}.
     * @param agentId The agent.
     * @param amount Tokens to release.
     */
    function unlock(uint256 agentId, uint256 amount) external;

    /**
     * @notice Takes up to `amount` from the agent (active stake first, then unbonding) and sends it
     * to `recipient`.
     * @dev Requirements: the caller has SLASHER_ROLE; recipient is not zero. Emits {Slashed}.
     * @param agentId The agent.
     * @param amount Most tokens to take.
     * @param recipient Who receives them.
     * @param reason A reason code for the indexer (e.g. "failover").
     * @return slashed The tokens actually taken.
     */
    function slash(uint256 agentId, uint256 amount, address recipient, bytes32 reason) external returns (uint256 slashed);

    /// @notice The agent's active stake.
    /// @param agentId The agent.
    function stakeOf(uint256 agentId) external view returns (uint256);

    /// @notice The agent's unbonding stake and when it can be withdrawn (0 when nothing is unbonding).
    /// @param agentId The agent.
    /// @return amount The unbonding stake.
    /// @return releaseAt When it can be withdrawn.
    function unbondingOf(uint256 agentId) external view returns (uint256 amount, uint64 releaseAt);

    /// @notice The agent's locked stake: what slashers may still take, which cannot be unstaken.
    /// @param agentId The agent.
    function lockedOf(uint256 agentId) external view returns (uint256);

    /**
     * @notice The agent's active stake at the end of second `timepoint`.
     * @dev Requirements: `timepoint` < block.timestamp (the past is final).
     * @param agentId The agent.
     * @param timepoint A past second (unix time).
     */
    function stakeAt(uint256 agentId, uint48 timepoint) external view returns (uint256);

    /// @notice All agents' active stake.
    function totalStake() external view returns (uint256);

    /// @notice All agents' unbonding stake.
    function totalUnbonding() external view returns (uint256);

    /// @notice The contract told of every active-stake change.
    function stakeListener() external view returns (IStakeListener);

    /**
     * @notice Sets the contract told of every active-stake change.
     * @dev Requirements: the caller has DEFAULT_ADMIN_ROLE. Emits {StakeListenerSet}.
     * @param listener The listener (the zero address: none).
     */
    function setStakeListener(IStakeListener listener) external;
}
