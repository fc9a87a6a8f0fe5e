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
     * @param to The caller it was paid to.
     * @param amount Tokens paid.
     */
    event Withdrawn(uint256 indexed agentId, address indexed to, uint256 amount);

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
     * @dev Requirements: amount > 0 and at most the active stake; the caller is authorised; the
     * stake listener does not refuse it (LeaderElection refuses to let a group's leader unstake the
     * failover slash it owes while it holds the seat). Emits {UnstakeRequested}.
     * @param agentId The agent.
     * @param amount Tokens to unstake.
     */
    function requestUnstake(uint256 agentId, uint256 amount) external;

    /**
     * @notice Pays the unbonded stake to the caller.
     * @dev Requirements: the caller is authorised; something is unbonding and its release time has
     * passed. Emits {Withdrawn}.
     * @param agentId The agent.
     */
    function withdraw(uint256 agentId) external;

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
    function stakeOf(uint256 agentId) external view returns (uint256);

    /// @notice The agent's unbonding stake and when it can be withdrawn.
    function unbondingOf(uint256 agentId) external view returns (uint256 amount, uint64 releaseAt);

    /**
     * @notice The agent's active stake at the end of second `timepoint`.
     * @dev Requirements: `timepoint` < block.timestamp (the past is final).
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
     */
    function setStakeListener(IStakeListener listener) external;
}
