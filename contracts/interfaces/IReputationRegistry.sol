// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAgentErrors} from "./IAgentErrors.sol";

/**
 * @title IReputationRegistry
 * @notice ERC-8004 Reputation Registry (spec text of 2026-01-25): clients leave signed fixed-point
 * feedback on agents, may revoke it, and anyone may append responses.
 *
 * Beyond the ERC: self-feedback is rejected from the owner, an operator and the agentWallet
 * alike; the summary is overflow-safe with a documented rounding rule; duplicate client
 * addresses in a filter count once; and every list has a paged read.
 */
interface IReputationRegistry is IAgentErrors {
    /// @notice One feedback entry as returned by {readFeedbackPage}.
    struct FeedbackRecord {
        address client;
        uint64 feedbackIndex;
        int128 value;
        uint8 valueDecimals;
        bool isRevoked;
        string tag1;
        string tag2;
    }

    /**
     * @notice Emitted for every new feedback entry.
     * @param agentId The agent the feedback is about.
     * @param clientAddress The client that gave it.
     * @param feedbackIndex Its 1-based index among this client's feedback on this agent.
     * @param value The signed fixed-point value.
     * @param valueDecimals Number of decimals of `value` (0-18).
     * @param indexedTag1 `tag1`, indexed (as its keccak256 hash).
     * @param tag1 First tag (optional).
     * @param tag2 Second tag (optional).
     * @param endpoint The endpoint the feedback is about (optional, not stored).
     * @param feedbackURI Off-chain feedback file (optional, not stored).
     * @param feedbackHash keccak256 of that file (optional, not stored).
     */
    event NewFeedback(
        uint256 indexed agentId,
        address indexed clientAddress,
        uint64 feedbackIndex,
        int128 value,
        uint8 valueDecimals,
        string indexed indexedTag1,
        string tag1,
        string tag2,
        string endpoint,
        string feedbackURI,
        bytes32 feedbackHash
    );

    /**
     * @notice Emitted when a client revokes one of its feedback entries.
     * @param agentId The agent.
     * @param clientAddress The client.
     * @param feedbackIndex The revoked entry.
     */
    event FeedbackRevoked(uint256 indexed agentId, address indexed clientAddress, uint64 indexed feedbackIndex);

    /**
     * @notice Emitted when anyone appends a response to a feedback entry.
     * @param agentId The agent.
     * @param clientAddress The client whose entry is answered.
     * @param feedbackIndex The entry.
     * @param responder Who responded.
     * @param responseURI The response file.
     * @param responseHash keccak256 of the response file (optional).
     */
    event ResponseAppended(
        uint256 indexed agentId,
        address indexed clientAddress,
        uint64 feedbackIndex,
        address indexed responder,
        string responseURI,
        bytes32 responseHash
    );

    /**
     * @notice Thrown when `valueDecimals` exceeds 18.
     * @param valueDecimals The decimals that were passed.
     */
    error InvalidValueDecimals(uint8 valueDecimals);

    /**
     * @notice Thrown when `|value|` exceeds 1e38 (the ERC's bound, which keeps sums exact).
     * @param value The value that was passed.
     */
    error FeedbackValueOutOfRange(int128 value);

    /**
     * @notice Thrown when the caller is the agent's owner, an operator or its agentWallet.
     * @param agentId The agent.
     * @param client The caller.
     */
    error SelfFeedback(uint256 agentId, address client);

    /**
     * @notice Thrown when a feedback index is 0 or beyond the client's last index for the agent.
     * @param agentId The agent.
     * @param client The client.
     * @param feedbackIndex The index that was passed.
     */
    error FeedbackNotFound(uint256 agentId, address client, uint64 feedbackIndex);

    /**
     * @notice Thrown when revoking an entry twice.
     * @param agentId The agent.
     * @param client The client.
     * @param feedbackIndex The entry.
     */
    error FeedbackAlreadyRevoked(uint256 agentId, address client, uint64 feedbackIndex);

    /// @notice Thrown when {appendResponse} is given an empty `responseURI`.
    error EmptyResponseURI();

    /// @notice Thrown when {getSummary} is called without client addresses (the ERC requires them:
    /// an unfiltered average is open to Sybil feedback).
    error ClientAddressesRequired();

    /**
     * @notice The IdentityRegistry whose agents this registry rates.
     * @return identityRegistry Its address.
     */
    function getIdentityRegistry() external view returns (address identityRegistry);

    /**
     * @notice Gives feedback on an agent as `msg.sender` (the client).
     * @dev Requirements: the agent exists; the caller is not its owner, an approved operator or its
     * agentWallet; `valueDecimals <= 18`; `|value| <= 1e38`. Emits {NewFeedback}.
     * @param agentId The agent.
     * @param value Signed fixed-point value (e.g. 9977 with 2 decimals is 99.77).
     * @param valueDecimals Its decimals, 0-18.
     * @param tag1 Optional tag.
     * @param tag2 Optional tag.
     * @param endpoint Optional endpoint URI the feedback is about.
     * @param feedbackURI Optional off-chain feedback file.
     * @param feedbackHash Optional keccak256 of that file.
     */
    function giveFeedback(
        uint256 agentId,
        int128 value,
        uint8 valueDecimals,
        string calldata tag1,
        string calldata tag2,
        string calldata endpoint,
        string calldata feedbackURI,
        bytes32 feedbackHash
    ) external;

    /**
     * @notice Revokes one of the caller's own feedback entries.
     * @dev Requirements: the entry exists and is not revoked. Emits {FeedbackRevoked}.
     * @param agentId The agent.
     * @param feedbackIndex The entry.
     */
    function revokeFeedback(uint256 agentId, uint64 feedbackIndex) external;

    /**
     * @notice Appends a response to a feedback entry; anyone may respond, any number of times.
     * @dev Requirements: the entry exists; `responseURI` is not empty. Emits {ResponseAppended}.
     * @param agentId The agent.
     * @param clientAddress The client whose entry is answered.
     * @param feedbackIndex The entry.
     * @param responseURI The response file.
     * @param responseHash Optional keccak256 of the response file.
     */
    function appendResponse(
        uint256 agentId,
        address clientAddress,
        uint64 feedbackIndex,
        string calldata responseURI,
        bytes32 responseHash
    ) external;

    /**
     * @notice Average of the non-revoked feedback from `clientAddresses` matching the tags.
     *
     * Aggregation rule: every matching value is scaled to 18 decimals and summed exactly in
     * int256 (|value| <= 1e38 and count < 2^64 bound the sum below 2^255). The mean is that sum
     * divided by `count`, rounded toward zero once, and expressed with the largest `valueDecimals`
     * among the matching entries (so no entry's precision is lost). If the mean does not fit in
     * int128 at that precision, decimals are dropped one at a time until it does (at 0 decimals
     * it always fits). No match returns (0, 0, 0).
     *
     * @dev Requirements: `clientAddresses` is not empty (duplicates count once).
     * @param agentId The agent.
     * @param clientAddresses The clients whose feedback counts.
     * @param tag1 Only entries with this tag1 ("" matches any).
     * @param tag2 Only entries with this tag2 ("" matches any).
     * @return count Number of matching entries.
     * @return summaryValue Their mean.
     * @return summaryValueDecimals Decimals of `summaryValue`.
     */
    function getSummary(uint256 agentId, address[] calldata clientAddresses, string calldata tag1, string calldata tag2)
        external
        view
        returns (uint64 count, int128 summaryValue, uint8 summaryValueDecimals);

    /**
     * @notice One feedback entry.
     * @dev Requirements: the entry exists.
     * @param agentId The agent.
     * @param clientAddress The client.
     * @param feedbackIndex The entry (1-based).
     * @return value The value.
     * @return valueDecimals Its decimals.
     * @return tag1 Its first tag.
     * @return tag2 Its second tag.
     * @return isRevoked Whether the client revoked it.
     */
    function readFeedback(uint256 agentId, address clientAddress, uint64 feedbackIndex)
        external
        view
        returns (int128 value, uint8 valueDecimals, string memory tag1, string memory tag2, bool isRevoked);

    /**
     * @notice Every matching entry, as parallel arrays. Unbounded: prefer {readFeedbackPage} for
     * agents with many entries.
     * @param agentId The agent.
     * @param clientAddresses Only these clients (empty: every client; duplicates count once).
     * @param tag1 Only entries with this tag1 ("" matches any).
     * @param tag2 Only entries with this tag2 ("" matches any).
     * @param includeRevoked Whether revoked entries are included.
     * @return clients Each entry's client.
     * @return feedbackIndexes Each entry's index.
     * @return values Each entry's value.
     * @return valueDecimals Each entry's decimals.
     * @return tag1s Each entry's first tag.
     * @return tag2s Each entry's second tag.
     * @return revokedStatuses Whether each entry was revoked.
     */
    function readAllFeedback(
        uint256 agentId,
        address[] calldata clientAddresses,
        string calldata tag1,
        string calldata tag2,
        bool includeRevoked
    )
        external
        view
        returns (
            address[] memory clients,
            uint64[] memory feedbackIndexes,
            int128[] memory values,
            uint8[] memory valueDecimals,
            string[] memory tag1s,
            string[] memory tag2s,
            bool[] memory revokedStatuses
        );

    /**
     * @notice Number of responses appended to feedback.
     * @param agentId The agent.
     * @param clientAddress Only this client's entries (zero address: every client's).
     * @param feedbackIndex Only this entry (0: all of the client's entries).
     * @param responders Only responses from these (empty: from anyone).
     * @return count The number of responses.
     */
    function getResponseCount(uint256 agentId, address clientAddress, uint64 feedbackIndex, address[] calldata responders)
        external
        view
        returns (uint64 count);

    /**
     * @notice Every client that has given feedback to the agent, in order of first feedback.
     * Unbounded: prefer {getClientsPage}.
     * @param agentId The agent.
     */
    function getClients(uint256 agentId) external view returns (address[] memory);

    /**
     * @notice The client's last feedback index for the agent (its number of entries).
     * @param agentId The agent.
     * @param clientAddress The client.
     */
    function getLastIndex(uint256 agentId, address clientAddress) external view returns (uint64);

    /**
     * @notice A page of {getClients}.
     * @param agentId The agent.
     * @param offset Index of the first client returned.
     * @param limit Most clients returned.
     * @return clients The page.
     * @return total Number of clients in all.
     */
    function getClientsPage(uint256 agentId, uint256 offset, uint256 limit)
        external
        view
        returns (address[] memory clients, uint256 total);

    /**
     * @notice A page of one client's feedback on an agent, revoked entries included.
     * @param agentId The agent.
     * @param clientAddress The client.
     * @param fromIndex First feedback index returned (1-based; 0 is treated as 1).
     * @param limit Most entries returned.
     * @return page The entries, in index order.
     * @return lastIndex The client's last index (the number of its entries).
     */
    function readFeedbackPage(uint256 agentId, address clientAddress, uint64 fromIndex, uint64 limit)
        external
        view
        returns (FeedbackRecord[] memory page, uint64 lastIndex);
}
