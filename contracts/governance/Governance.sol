// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AgentAuth} from "../identity/AgentAuth.sol";
import {IGovernance} from "../interfaces/IGovernance.sol";
import {IIdentityRegistry} from "../interfaces/IIdentityRegistry.sol";
import {ILeaderElection} from "../interfaces/ILeaderElection.sol";

/**
 * @title Governance
 * @notice Stake-snapshot voting for LeaderElection groups. Votes and the quorum are counted over
 * one population: the group's members at the proposal's snapshot (the end of the second before
 * it), each with its election weight then ({ILeaderElection-memberWeightAt}), against their total
 * ({ILeaderElection-totalWeightAt}). So buying stake or joining after a proposal buys no votes,
 * leaving after it loses none, and the votes can never exceed the population the quorum is a share
 * of. Moving stake to another agent takes the unbonding period, so one stake cannot vote twice.
 */
contract Governance is IGovernance, AgentAuth {
    /// @notice Outcome when the votes did not reach the quorum (or none were cast).
    uint8 public constant NO_QUORUM = type(uint8).max;
    /// @notice Outcome when several options share the most votes.
    uint8 public constant TIE = type(uint8).max - 1;
    /// @notice Most options a proposal may offer.
    uint8 public constant MAX_OPTIONS = 32;
    /// @notice Longest voting period.
    uint64 public constant MAX_VOTING_PERIOD = 365 days;

    ILeaderElection private immutable _election;

    uint256 private _proposalCount;
    mapping(uint256 proposalId => Proposal) private _proposals;
    mapping(uint256 proposalId => mapping(uint256 option => uint256 votes)) private _votes;
    mapping(uint256 proposalId => mapping(uint256 agentId => bool)) private _voted;

    /// @notice Deploys governance over `election`'s groups.
    /// @param identity The IdentityRegistry.
    /// @param election The LeaderElection whose groups decide (membership and weights come from it).
    constructor(IIdentityRegistry identity, ILeaderElection election) AgentAuth(identity) {
        _election = election;
    }

    /// @inheritdoc IGovernance
    function propose(uint256 groupId, string calldata descriptionURI, uint8 options, uint64 votingPeriod, uint16 quorumBps)
        external
        returns (uint256 proposalId)
    {
        if (groupId == 0 || groupId > _election.groupCount()) revert UnknownGroup(groupId);
        if (options < 2 || options > MAX_OPTIONS) revert InvalidOptionCount(options);
        if (votingPeriod == 0 || votingPeriod > MAX_VOTING_PERIOD) revert InvalidVotingPeriod(votingPeriod);
        if (quorumBps > 10_000) revert InvalidQuorum(quorumBps);

        // The group's weight at the snapshot, in stake (members below the minimum count 0).
        uint48 snapshot = uint48(block.timestamp - 1);
        uint256 quorumVotes = (_election.totalWeightAt(groupId, snapshot) * _election.weightUnit() * quorumBps) / 10_000;
        uint64 voteEnd = uint64(block.timestamp) + votingPeriod;
        proposalId = ++_proposalCount;
        _proposals[proposalId] = Proposal({
            groupId: groupId,
            proposer: msg.sender,
            snapshot: snapshot,
            voteEnd: voteEnd,
            options: options,
            quorumBps: quorumBps,
            finalized: false,
            outcome: 0,
            quorumVotes: quorumVotes,
            totalVotes: 0
        });
        emit ProposalCreated(
            proposalId, groupId, msg.sender, descriptionURI, options, snapshot, voteEnd, quorumBps, quorumVotes
        );
    }

    /// @inheritdoc IGovernance
    function vote(uint256 proposalId, uint256 agentId, uint8 option) external {
        Proposal storage proposal = _existing(proposalId);
        if (block.timestamp >= proposal.voteEnd) revert VotingClosed(proposalId, proposal.voteEnd);
        _requireAuthorized(agentId);
        if (option >= proposal.options) revert InvalidOption(option, proposal.options);
        uint48 snapshot = proposal.snapshot;
        (bool member, uint64 units) = _election.memberWeightAt(proposal.groupId, agentId, snapshot);
        if (!member) revert NotMemberAtSnapshot(proposalId, agentId, snapshot);
        if (_voted[proposalId][agentId]) revert AlreadyVoted(proposalId, agentId);
        uint256 weight = units * _election.weightUnit();
        if (weight == 0) revert NoVotingWeight(proposalId, agentId);

        _voted[proposalId][agentId] = true;
        _votes[proposalId][option] += weight;
        proposal.totalVotes += weight;
        emit VoteCast(proposalId, agentId, option, weight);
    }

    /// @inheritdoc IGovernance
    function finalize(uint256 proposalId) external returns (uint8 outcome) {
        Proposal storage proposal = _existing(proposalId);
        if (proposal.finalized) revert AlreadyFinalized(proposalId);
        if (block.timestamp < proposal.voteEnd) revert VotingOpen(proposalId, proposal.voteEnd);

        uint256 total = proposal.totalVotes;
        if (total == 0 || total < proposal.quorumVotes) {
            outcome = NO_QUORUM;
        } else {
            uint256 best;
            uint8 options = proposal.options;
            for (uint8 option; option < options; ++option) {
                uint256 votes = _votes[proposalId][option];
                if (votes > best) {
                    best = votes;
                    outcome = option;
                } else if (votes == best) {
                    outcome = TIE;
                }
            }
        }
        proposal.finalized = true;
        proposal.outcome = outcome;
        emit ProposalFinalized(proposalId, outcome, total, proposal.quorumVotes);
    }

    /// @inheritdoc IGovernance
    function getProposal(uint256 proposalId) external view returns (Proposal memory) {
        return _existing(proposalId);
    }

    /// @inheritdoc IGovernance
    function votesFor(uint256 proposalId, uint8 option) external view returns (uint256) {
        return _votes[proposalId][option];
    }

    /// @inheritdoc IGovernance
    function hasVoted(uint256 proposalId, uint256 agentId) external view returns (bool) {
        return _voted[proposalId][agentId];
    }

    /// @inheritdoc IGovernance
    function proposalCount() external view returns (uint256) {
        return _proposalCount;
    }

    function _existing(uint256 proposalId) private view returns (Proposal storage proposal) {
        proposal = _proposals[proposalId];
        if (proposal.voteEnd == 0) revert ProposalNotFound(proposalId);
    }
}
