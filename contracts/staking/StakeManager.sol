// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {Checkpoints} from "@openzeppelin/contracts/utils/structs/Checkpoints.sol";
import {AgentAuth} from "../identity/AgentAuth.sol";
import {IIdentityRegistry} from "../interfaces/IIdentityRegistry.sol";
import {IStakeListener} from "../interfaces/IStakeListener.sol";
import {IStakeManager} from "../interfaces/IStakeManager.sol";

/**
 * @title StakeManager
 * @notice Agents' stake in one ERC-20. Every change of active stake goes through {_setActive}, which
 * records history (for snapshot votes), emits nothing itself and tells the listener (LeaderElection)
 * so that election weights always equal stake.
 *
 * Obligations: a slasher that may later slash an agent (TaskBoard while the agent holds a task)
 * {lock}s that much of its active stake. Locked stake cannot be unstaken, and if another slash cuts
 * the active stake below the lock, that much of the unbonding stake cannot be withdrawn: an agent
 * never leaves with stake it owes. Withdrawals are paid to the agent's owner, whoever calls.
 */
contract StakeManager is IStakeManager, AgentAuth, AccessControl, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;
    using Checkpoints for Checkpoints.Trace208;

    /// @notice Role of contracts allowed to {slash} (LeaderElection, TaskBoard).
    bytes32 public constant SLASHER_ROLE = keccak256("SLASHER_ROLE");

    /// @dev One agent's stake in two slots: `| 48 unused | 104 locked | 104 active |`, what weights,
    /// claims and locks read, and `| 104 unused | 48 releaseAt | 104 unbonding |`, what leaving reads.
    /// 104 bits hold 2 * 10^31 wei, twenty trillion tokens of 18 decimals. `releaseAt` is left in
    /// place when the unbonding stake is withdrawn (so the slot never goes back to zero); it only
    /// means something while `unbonding` is not zero.
    struct StakeRecord {
        uint104 active;
        uint104 locked;
        uint104 unbonding;
        uint48 releaseAt;
    }

    /// @dev Totals over all agents, in one slot.
    struct Totals {
        uint128 active;
        uint128 unbonding;
    }

    IERC20 private immutable _token;
    uint64 private immutable _unbondingPeriod;

    mapping(uint256 agentId => StakeRecord) private _stakes;
    mapping(uint256 agentId => Checkpoints.Trace208) private _history;
    Totals private _totals;
    IStakeListener private _listener;

    constructor(IIdentityRegistry identity, IERC20 token, uint64 unbondingPeriod_, address admin) AgentAuth(identity) {
        _token = token;
        _unbondingPeriod = unbondingPeriod_;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    /// @inheritdoc IStakeManager
    function stakeToken() external view returns (IERC20) {
        return _token;
    }

    /// @inheritdoc IStakeManager
    function unbondingPeriod() external view returns (uint64) {
        return _unbondingPeriod;
    }

    // ---------------------------------------------------------------- writes

    /// @inheritdoc IStakeManager
    function stake(uint256 agentId, uint256 amount) external nonReentrant {
        if (amount == 0) revert ZeroAmount();
        _requireAuthorized(agentId);
        // Pull first and measure: only tokens that deliver exactly `amount` are accepted.
        uint256 balanceBefore = _token.balanceOf(address(this));
        _token.safeTransferFrom(msg.sender, address(this), amount);
        uint256 received = _token.balanceOf(address(this)) - balanceBefore;
        if (received != amount) revert UnsupportedStakeToken(amount, received);

        StakeRecord storage record = _stakes[agentId];
        uint256 newStake = record.active + amount;
        uint256 total = _setActive(agentId, record, newStake);
        emit Staked(agentId, msg.sender, amount, newStake, total);
        _notify(agentId, newStake, false);
    }

    /// @inheritdoc IStakeManager
    function requestUnstake(uint256 agentId, uint256 amount) external nonReentrant {
        if (amount == 0) revert ZeroAmount();
        _requireAuthorized(agentId);
        StakeRecord storage record = _stakes[agentId];
        uint256 active = record.active;
        if (amount > active) revert InsufficientStake(agentId, active, amount);
        uint256 locked = record.locked;
        if (active - amount < locked) revert StakeIsLocked(agentId, active, locked, amount);

        uint256 newStake = active - amount;
        uint256 total = _setActive(agentId, record, newStake);
        uint256 unbonding = record.unbonding + amount;
        uint64 releaseAt = uint64(block.timestamp) + _unbondingPeriod;
        // unbonding + active never exceeds the amount staked, which fit in 104 bits when staked.
        record.unbonding = uint104(unbonding);
        record.releaseAt = uint48(releaseAt);
        _totals.unbonding += uint128(amount);
        emit UnstakeRequested(agentId, amount, newStake, unbonding, releaseAt, total);
        _notify(agentId, newStake, true);
    }

    /// @inheritdoc IStakeManager
    function withdraw(uint256 agentId) external nonReentrant {
        _requireAuthorized(agentId);
        StakeRecord storage record = _stakes[agentId];
        uint256 unbonding = record.unbonding;
        if (unbonding == 0) revert NothingToWithdraw(agentId);
        if (block.timestamp < record.releaseAt) revert StillUnbonding(agentId, record.releaseAt);

        // Another slash may have cut the active stake below the lock: that much unbonding stake stays.
        uint256 active = record.active;
        uint256 locked = record.locked;
        uint256 shortfall = locked > active ? locked - active : 0;
        uint256 kept = shortfall < unbonding ? shortfall : unbonding;
        if (kept == unbonding) revert StakeIsLocked(agentId, active, locked, unbonding);
        uint256 amount = unbonding - kept;
        record.unbonding = uint104(kept);
        _totals.unbonding -= uint128(amount);
        // Paid to the owner, never to the caller: a hot key (agentWallet, operator) cannot take it.
        address owner = _identity.ownerOf(agentId);
        emit Withdrawn(agentId, owner, amount, kept);
        _token.safeTransfer(owner, amount);
    }

    /// @inheritdoc IStakeManager
    function lock(uint256 agentId, uint256 amount) external onlyRole(SLASHER_ROLE) returns (uint256 stake) {
        StakeRecord storage record = _stakes[agentId];
        stake = record.active;
        uint256 locked = record.locked;
        if (locked + amount > stake) revert StakeIsLocked(agentId, stake, locked, amount);
        locked += amount;
        // locked <= active, which fits 104 bits.
        record.locked = uint104(locked);
        emit StakeLocked(agentId, msg.sender, amount, locked);
    }

    /// @inheritdoc IStakeManager
    function unlock(uint256 agentId, uint256 amount) external onlyRole(SLASHER_ROLE) {
        StakeRecord storage record = _stakes[agentId];
        uint256 locked = record.locked;
        uint256 released = amount < locked ? amount : locked;
        locked -= released;
        record.locked = uint104(locked);
        emit StakeUnlocked(agentId, msg.sender, released, locked);
    }

    /// @inheritdoc IStakeManager
    function slash(uint256 agentId, uint256 amount, address recipient, bytes32 reason)
        external
        nonReentrant
        onlyRole(SLASHER_ROLE)
        returns (uint256 slashed)
    {
        if (recipient == address(0)) revert ZeroRecipient();
        StakeRecord storage record = _stakes[agentId];
        uint256 active = record.active;
        uint256 unbonding = record.unbonding;
        uint256 fromActive = amount < active ? amount : active;
        uint256 rest = amount - fromActive;
        uint256 fromUnbonding = rest < unbonding ? rest : unbonding;
        slashed = fromActive + fromUnbonding;

        uint256 newStake = active - fromActive;
        uint256 total = fromActive == 0 ? _totals.active : _setActive(agentId, record, newStake);
        if (fromUnbonding != 0) {
            record.unbonding = uint104(unbonding - fromUnbonding);
            _totals.unbonding -= uint128(fromUnbonding);
        }
        emit Slashed(agentId, msg.sender, slashed, recipient, reason, newStake, unbonding - fromUnbonding, total);
        if (fromActive != 0) _notify(agentId, newStake, false);
        if (slashed != 0) _token.safeTransfer(recipient, slashed);
    }

    /// @inheritdoc IStakeManager
    function setStakeListener(IStakeListener listener) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _listener = listener;
        emit StakeListenerSet(address(listener));
    }

    // ---------------------------------------------------------------- reads

    /// @inheritdoc IStakeManager
    function stakeOf(uint256 agentId) external view returns (uint256) {
        return _stakes[agentId].active;
    }

    /// @inheritdoc IStakeManager
    function unbondingOf(uint256 agentId) external view returns (uint256 amount, uint64 releaseAt) {
        StakeRecord storage record = _stakes[agentId];
        amount = record.unbonding;
        return (amount, amount == 0 ? 0 : record.releaseAt);
    }

    /// @inheritdoc IStakeManager
    function lockedOf(uint256 agentId) external view returns (uint256) {
        return _stakes[agentId].locked;
    }

    /// @inheritdoc IStakeManager
    function stakeAt(uint256 agentId, uint48 timepoint) external view returns (uint256) {
        if (timepoint >= block.timestamp) revert FutureLookup(timepoint, block.timestamp);
        return _history[agentId].upperLookupRecent(timepoint);
    }

    /// @inheritdoc IStakeManager
    function totalStake() external view returns (uint256) {
        return _totals.active;
    }

    /// @inheritdoc IStakeManager
    function totalUnbonding() external view returns (uint256) {
        return _totals.unbonding;
    }

    /// @inheritdoc IStakeManager
    function stakeListener() external view returns (IStakeListener) {
        return _listener;
    }

    // ---------------------------------------------------------------- internals

    /// @dev The one place active stake changes: record, history and the active total. Returns the
    /// new total active stake.
    function _setActive(uint256 agentId, StakeRecord storage record, uint256 newStake) private returns (uint256 total) {
        if (newStake > type(uint104).max) revert StakeOverflow(newStake);
        uint256 old = record.active;
        record.active = uint104(newStake);
        _history[agentId].push(uint48(block.timestamp), uint208(newStake));
        // The total is the sum of 104-bit values over all agents; 128 bits hold 2^24 such maxima.
        total = newStake >= old ? _totals.active + (newStake - old) : _totals.active - (old - newStake);
        _totals.active = uint128(total);
    }

    /// @dev Tells the listener (a trusted contract set by the admin) after state and events are
    /// final. It may revert an `unstaking` change (a leader keeping the slash it owes), never another.
    function _notify(uint256 agentId, uint256 newStake, bool unstaking) private {
        IStakeListener listener = _listener;
        if (address(listener) != address(0)) listener.onStakeChanged(agentId, newStake, unstaking);
    }
}
