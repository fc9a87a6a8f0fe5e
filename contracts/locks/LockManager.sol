// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {AgentAuth} from "../identity/AgentAuth.sol";
import {IIdentityRegistry} from "../interfaces/IIdentityRegistry.sol";
import {ILockManager} from "../interfaces/ILockManager.sol";

/**
 * @title LockManager
 * @notice Leases with fencing tokens. A lock is one slot: `| 64 unused | 64 expiresAt | 64 token | 64 holder |`.
 * Tokens only ever increase per key: a new holding takes `token + 1`, release and expiry keep it.
 */
contract LockManager is ILockManager, AgentAuth {
    /// @notice Longest a lock may be taken for in one call.
    uint64 public constant MAX_TTL = 30 days;

    struct Lock {
        uint64 holder;
        uint64 token;
        uint64 expiresAt;
    }

    mapping(bytes32 key => Lock) private _locks;

    constructor(IIdentityRegistry identity) AgentAuth(identity) {}

    /// @inheritdoc ILockManager
    function acquire(bytes32 key, uint256 agentId, uint64 ttl) external returns (uint256 fencingToken) {
        _requireAuthorized(agentId);
        if (ttl == 0 || ttl > MAX_TTL) revert InvalidTtl(ttl, MAX_TTL);
        Lock memory lock = _locks[key];
        uint64 expiresAt = uint64(block.timestamp) + ttl;
        bool held = lock.holder != 0 && block.timestamp < lock.expiresAt;
        if (held && lock.holder != agentId) revert LockHeld(key, lock.holder, lock.token, lock.expiresAt);
        // The holder extending keeps its token; anyone taking a free or expired lock gets the next one.
        uint64 token = held ? lock.token : lock.token + 1;
        _locks[key] = Lock(SafeCast.toUint64(agentId), token, expiresAt);
        emit LockAcquired(key, agentId, token, expiresAt);
        return token;
    }

    /// @inheritdoc ILockManager
    function release(bytes32 key, uint256 fencingToken) external {
        Lock memory lock = _locks[key];
        if (lock.holder == 0) revert LockNotHeld(key);
        if (fencingToken != lock.token) revert StaleFencingToken(key, fencingToken, lock.token);
        _requireAuthorized(lock.holder);
        _locks[key] = Lock(0, lock.token, 0);
        emit LockReleased(key, lock.holder, lock.token);
    }

    /// @inheritdoc ILockManager
    function holderOf(bytes32 key) external view returns (uint256 agentId, uint256 fencingToken, uint64 expiresAt) {
        Lock memory lock = _locks[key];
        agentId = block.timestamp < lock.expiresAt ? lock.holder : 0;
        return (agentId, lock.token, lock.expiresAt);
    }
}
