// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ILeaderElection} from "../interfaces/ILeaderElection.sol";
import {IStakeManager} from "../interfaces/IStakeManager.sol";
import {StakeToken} from "../token/StakeToken.sol";

/// @notice Test double: the stake-shuffling attack, as one transaction that changes an agent's
/// stake and then calls the draw (it must be an approved operator of the agent).
contract ElectionShufflerMock {
    IStakeManager public immutable stakes;
    ILeaderElection public immutable election;
    StakeToken public immutable token;

    constructor(IStakeManager stakes_, ILeaderElection election_, StakeToken token_) {
        stakes = stakes_;
        election = election_;
        token = token_;
    }

    function stakeThenElect(uint256 agentId, uint256 groupId, uint256 amount) external {
        token.faucet(address(this), amount);
        token.approve(address(stakes), amount);
        stakes.stake(agentId, amount);
        election.elect(groupId);
    }
}
