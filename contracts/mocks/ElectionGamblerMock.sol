// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ILeaderElection} from "../interfaces/ILeaderElection.sol";

/// @notice Test double: the "call only when you win" attack on a draw. Each call runs the draw
/// ({ILeaderElection-elect} or {ILeaderElection-failover}) and reverts unless `agentId` leads
/// afterwards, so wherever the draw's randomness is known when the call executes, the attacker
/// keeps exactly the blocks it wins and pays only gas for the others.
contract ElectionGamblerMock {
    /// @notice The draw seated someone else (or nobody yet).
    error Lost(uint256 leader);

    ILeaderElection public immutable election;

    constructor(ILeaderElection election_) {
        election = election_;
    }

    function electIfWinning(uint256 groupId, uint256 agentId) external {
        election.elect(groupId);
        _requireLeading(groupId, agentId);
    }

    function failoverIfWinning(uint256 groupId, uint256 agentId) external {
        election.failover(groupId);
        _requireLeading(groupId, agentId);
    }

    function _requireLeading(uint256 groupId, uint256 agentId) private view {
        (uint256 leader,,,) = election.currentLeader(groupId);
        if (leader != agentId) revert Lost(leader);
    }
}
