// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAgentErrors} from "./IAgentErrors.sol";

/**
 * @title ILockManager
 * @notice Named leases for shared resources. A lock has one holder agent until it is released or
 * expires; every new holder gets a larger fencing token, which the resource should check so that a
 * holder that lost its lock (it expired while the holder was paused) cannot act on stale authority.
 */
interface ILockManager is IAgentErrors {
    /**
     * @notice Emitted when a lock is taken, or extended by its holder.
     * @param key The lock.
     * @param agentId The holder.
     * @param fencingToken Its token (unchanged by an extension).
     * @param expiresAt When it expires unless extended.
     */
    event LockAcquired(bytes32 indexed key, uint256 indexed agentId, uint64 fencingToken, uint64 expiresAt);

    /**
     * @notice Emitted when a holder releases a lock.
     * @param key The lock.
     * @param agentId The holder.
     * @param fencingToken The token released.
     */
    event LockReleased(bytes32 indexed key, uint256 indexed agentId, uint64 fencingToken);

    /// @notice Thrown when the ttl is 0 or longer than {MAX_TTL}.
    error InvalidTtl(uint64 ttl, uint64 maxTtl);

    /// @notice Thrown when another agent holds an unexpired lock.
    error LockHeld(bytes32 key, uint256 holder, uint64 fencingToken, uint64 expiresAt);

    /// @notice Thrown when releasing with a token that is not the current holder's.
    error StaleFencingToken(bytes32 key, uint256 fencingToken, uint256 currentToken);

    /// @notice Thrown when releasing a lock that nobody holds.
    error LockNotHeld(bytes32 key);

    /**
     * @notice Takes the lock for `ttl` seconds. A free or expired lock goes to the caller's agent
     * with the next fencing token; the holder calling again extends it and keeps its token.
     * @dev Requirements: the caller is authorised for the agent; 0 < ttl <= {MAX_TTL}; no other
     * agent holds the lock unexpired. Emits {LockAcquired}.
     * @return fencingToken The holder's token.
     * @param key The lock.
     * @param agentId The agent taking it.
     * @param ttl Seconds it is held unless released.
     */
    function acquire(bytes32 key, uint256 agentId, uint64 ttl) external returns (uint256 fencingToken);

    /**
     * @notice Releases the lock held with `fencingToken`.
     * @dev Requirements: the lock is held with this token; the caller is authorised for the holder.
     * Emits {LockReleased}.
     * @param key The lock.
     * @param fencingToken The holder's token.
     */
    function release(bytes32 key, uint256 fencingToken) external;

    /**
     * @notice The current holder (0 if the lock is free or expired), the last fencing token issued
     * and the expiry of the last holding.
     * @param key The lock.
     * @return agentId The holder (0 if free or expired).
     * @return fencingToken The last token issued.
     * @return expiresAt When the last holding expires (or expired).
     */
    function holderOf(bytes32 key) external view returns (uint256 agentId, uint256 fencingToken, uint64 expiresAt);
}
