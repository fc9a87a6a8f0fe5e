// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC721Receiver} from "@openzeppelin/contracts/token/ERC721/IERC721Receiver.sol";
import {IIdentityRegistry} from "../interfaces/IIdentityRegistry.sol";
import {ILeaderElection} from "../interfaces/ILeaderElection.sol";
import {IStakeManager} from "../interfaces/IStakeManager.sol";
import {StakeToken} from "../token/StakeToken.sol";

/// @notice Benchmark helper: fills a group with many members through the real contracts (register,
/// stake, join), many per transaction, so that 10,000-member groups can be built quickly.
contract BulkMembersMock is IERC721Receiver {
    IIdentityRegistry public immutable identity;
    IStakeManager public immutable stakes;
    ILeaderElection public immutable election;
    StakeToken public immutable token;

    constructor(IIdentityRegistry identity_, IStakeManager stakes_, ILeaderElection election_, StakeToken token_) {
        identity = identity_;
        stakes = stakes_;
        election = election_;
        token = token_;
    }

    /// @notice Adds `count` agents owned by this contract to `groupId`, agent i staking
    /// `baseStake * (1 + i % 7)` (varied weights).
    function addMembers(uint256 groupId, uint256 count, uint256 baseStake) external {
        uint256 needed = baseStake * 7 * count;
        token.faucet(address(this), needed);
        token.approve(address(stakes), needed);
        for (uint256 i; i < count; ++i) {
            uint256 agentId = identity.register();
            stakes.stake(agentId, baseStake * (1 + i % 7));
            election.join(groupId, agentId);
        }
    }

    function onERC721Received(address, address, uint256, bytes calldata) external pure returns (bytes4) {
        return IERC721Receiver.onERC721Received.selector;
    }
}
