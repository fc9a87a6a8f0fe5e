// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAgentErrors} from "./IAgentErrors.sol";

/**
 * @title IGovernance
 * @notice Decisions for a LeaderElection group: one vote per agent that was a member at the
 * proposal's snapshot (the end of the second before the proposal), weighted by its election weight
 * then (stake in whole weight units, 0 below the group's minimum), with a quorum measured against
 * the same members' total weight at the snapshot.
 */
interface IGovernance is IAgentErrors {
    /// @notice A proposal's state.
    struct Proposal {
        uint256 groupId;
        address proposer;
        /// Stake is read at the end of this second (the one before the proposal).
        uint48 snapshot;
        /// Votes are accepted while block.timestamp < voteEnd.
        uint64 voteEnd;
        uint8 options;
        uint16 quorumBps;
        bool finalized;
        /// Winning option, or {NO_QUORUM} / {TIE}; meaningful once finalized.
        uint8 outcome;
        /// Votes (in stake) needed for a decision: quorumBps of the group's weight at the snapshot.
        uint256 quorumVotes;
        /// Votes cast so far.
        uint256 totalVotes;
    }

    /**
     * @notice Emitted when a proposal is made.
     * @param proposalId The new proposal's id (from 1).
     * @param groupId The group that decides.
     * @param proposer Who proposed.
     * @param descriptionURI What is proposed.
     * @param options Number of options (votes name one of 0 .. options - 1).
     * @param snapshot The stake snapshot second.
     * @param voteEnd When voting closes.
     * @param quorumBps Quorum in basis points of the group's total stake.
     * @param quorumVotes The quorum, in stake.
     */
    event ProposalCreated(
        uint256 indexed proposalId,
        uint256 indexed groupId,
        address proposer,
        string descriptionURI,
        uint8 options,
        uint48 snapshot,
        uint64 voteEnd,
        uint16 quorumBps,
        uint256 quorumVotes
    );

    /**
     * @notice Emitted for each vote.
     * @param proposalId The proposal.
     * @param agentId The voting agent.
     * @param option The option chosen.
     * @param weight Its election weight at the snapshot, in stake.
     */
    event VoteCast(uint256 indexed proposalId, uint256 indexed agentId, uint8 option, uint256 weight);

    /**
     * @notice Emitted when a proposal is finalized.
     * @param proposalId The proposal.
     * @param outcome The winning option, {NO_QUORUM} or {TIE}.
     * @param totalVotes Votes cast.
     * @param quorumVotes Votes that were needed.
     */
    event ProposalFinalized(uint256 indexed proposalId, uint8 outcome, uint256 totalVotes, uint256 quorumVotes);

    /// @notice Thrown when no proposal has this id.
    error ProposalNotFound(uint256 proposalId);

    /// @notice Thrown when a proposal offers fewer than 2 or more than {MAX_OPTIONS} options.
    error InvalidOptionCount(uint8 options);

    /// @notice Thrown when the quorum exceeds 10,000 basis points.
    error InvalidQuorum(uint16 quorumBps);

    /// @notice Thrown when the voting period is 0 or longer than {MAX_VOTING_PERIOD}.
    error InvalidVotingPeriod(uint64 votingPeriod);

    /// @notice Thrown when voting after the voting period.
    error VotingClosed(uint256 proposalId, uint64 voteEnd);

    /// @notice Thrown when finalizing before the voting period ends.
    error VotingOpen(uint256 proposalId, uint64 voteEnd);

    /// @notice Thrown when an agent votes twice.
    error AlreadyVoted(uint256 proposalId, uint256 agentId);

    /// @notice Thrown when a vote names an option that does not exist.
    error InvalidOption(uint8 option, uint8 options);

    /**
     * @notice Thrown when the voting agent was not a member of the proposal's group at its snapshot
     * (it joined later, or had left before).
     * @param proposalId The proposal.
     * @param agentId The agent.
     * @param snapshot The snapshot second.
     */
    error NotMemberAtSnapshot(uint256 proposalId, uint256 agentId, uint48 snapshot);

    /// @notice Thrown when the agent, a member at the snapshot, had no election weight then (no
    /// stake, or less than the group's minimum).
    error NoVotingWeight(uint256 proposalId, uint256 agentId);

    /// @notice Thrown when finalizing twice.
    error AlreadyFinalized(uint256 proposalId);

    /// @notice Thrown when proposing to a group that does not exist.
    error UnknownGroup(uint256 groupId);

    /**
     * @notice Makes a proposal for `groupId` to decide; anyone may propose.
     * @dev Requirements: the group exists; 2 <= options <= {MAX_OPTIONS}; 0 < votingPeriod <=
     * {MAX_VOTING_PERIOD}; quorumBps <= 10,000. Emits {ProposalCreated}.
     * @return proposalId The new proposal's id.
     * @param groupId The LeaderElection group whose members vote.
     * @param descriptionURI What is proposed.
     * @param options Number of options (voted as 0 to options - 1).
     * @param votingPeriod Seconds the vote lasts.
     * @param quorumBps Share of the snapshot's total weight that must vote, in basis points.
     */
    function propose(uint256 groupId, string calldata descriptionURI, uint8 options, uint64 votingPeriod, uint16 quorumBps)
        external
        returns (uint256 proposalId);

    /**
     * @notice Votes for `option`, weighted by the agent's election weight at the snapshot.
     * @dev Requirements: the proposal exists and is open; the caller is authorised for the agent;
     * the option exists; the agent was a member of the group at the snapshot, has not voted, and
     * had weight then. Emits {VoteCast}.
     * @param proposalId The proposal.
     * @param agentId The voting agent.
     * @param option The option chosen.
     */
    function vote(uint256 proposalId, uint256 agentId, uint8 option) external;

    /**
     * @notice Closes the proposal: the option with the most votes if votes reach the quorum,
     * {NO_QUORUM} if they do not (or none were cast), {TIE} if several options share the most votes.
     * Anyone may call once voting has ended.
     * @dev Emits {ProposalFinalized}.
     * @return outcome The outcome.
     * @param proposalId The proposal.
     */
    function finalize(uint256 proposalId) external returns (uint8 outcome);

    /// @notice The proposal.
    /// @param proposalId The proposal.
    function getProposal(uint256 proposalId) external view returns (Proposal memory);

    /// @notice Votes for one option.
    /// @param proposalId The proposal.
    /// @param option The option.
    function votesFor(uint256 proposalId, uint8 option) external view returns (uint256);

    /// @notice Whether the agent voted.
    /// @param proposalId The proposal.
    /// @param agentId The agent.
    function hasVoted(uint256 proposalId, uint256 agentId) external view returns (bool);

    /// @notice Number of proposals made.
    function proposalCount() external view returns (uint256);
}
